package participation

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/google/uuid"
	goredis "github.com/redis/go-redis/v9"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/user"
)

// ExportFile is a finished CSV export waiting to be downloaded: the rows
// were read into a temporary file, so the database connection is back in
// the pool before the first byte goes to the client, however slowly the
// client reads. Close removes the file and frees the owner's slot.
type ExportFile struct {
	*os.File
	Size         int64
	Rows         int
	WriteTimeout time.Duration // one chunk's time to reach the client
	MaxDuration  time.Duration // the whole download's
	release      func()
}

// Close ends the download.
func (e *ExportFile) Close() error {
	err := e.File.Close()
	e.release()
	return err
}

func exportSlotsKey(userID uuid.UUID) string { return "participation:exports:" + userID.String() }

// OpenExport runs ParticipantExport's database part: it checks the caller
// owns the event, takes one of the owner's ExportsPerOwner slots (429
// EXPORT_001 with retryAfterSeconds when all are taken; a slot is a lease
// of ExportMaxDuration in Redis, shared by all instances), and writes the
// CSV (Export) into a temporary file.
func (s *Service) OpenExport(ctx context.Context, c user.Caller, eventID uuid.UUID) (*ExportFile, error) {
	if err := s.Authorize(ctx, c, eventID); err != nil {
		return nil, err
	}
	release, err := s.takeExportSlot(ctx, c.UserID)
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp("", "export-*.csv")
	if err != nil {
		release()
		return nil, fmt.Errorf("participation: export file: %w", err)
	}
	_ = os.Remove(f.Name()) // gone with the last descriptor, whatever happens
	fail := func(err error) (*ExportFile, error) {
		f.Close()
		release()
		return nil, err
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	n, err := s.Export(ctx, c, eventID, bw)
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return fail(fmt.Errorf("participation: export: %w", err))
	}
	size, err := f.Seek(0, 1)
	if err == nil {
		_, err = f.Seek(0, 0)
	}
	if err != nil {
		return fail(err)
	}
	return &ExportFile{File: f, Size: size, Rows: n, WriteTimeout: s.cfg.ExportWriteTimeout, MaxDuration: s.cfg.ExportMaxDuration, release: release}, nil
}

// takeExportSlot leases one of the owner's export slots. Without Redis the
// export goes ahead (the write deadlines still bound it).
func (s *Service) takeExportSlot(ctx context.Context, userID uuid.UUID) (func(), error) {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	token := hex.EncodeToString(b)
	key := exportSlotsKey(userID)
	now := s.now()
	wait, err := exportSlot.Run(ctx, s.rdb, []string{key}, now.UnixMilli(), now.Add(s.cfg.ExportMaxDuration).UnixMilli(),
		s.cfg.ExportsPerOwner, token, s.cfg.ExportMaxDuration.Milliseconds()).Int64()
	if err != nil {
		s.log.WarnContext(ctx, "export slots unavailable; export not capped", "error", err)
		return func() {}, nil
	}
	if wait > 0 {
		secs := int((wait + 999) / 1000)
		return nil, apperr.New(apperr.TooMany, CodeExportBusy,
			"you already have "+strconv.Itoa(s.cfg.ExportsPerOwner)+" exports downloading; try again when one has finished").
			With("retryAfterSeconds", min(secs, 60))
	}
	return func() {
		if err := s.rdb.ZRem(context.WithoutCancel(ctx), key, token).Err(); err != nil {
			s.log.WarnContext(ctx, "export slot not freed; its lease expires", "error", err)
		}
	}, nil
}

// exportSlot: KEYS[1] the owner's leases (member = token, score = expiry
// ms). ARGV: now, expiry, cap, token, ttl. Drops expired leases, then adds
// this one if fewer than cap remain (0) or answers the ms until the first
// lease ends.
var exportSlot = goredis.NewScript(`
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(first[2]) - tonumber(ARGV[1]))
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 0`)
