package participation

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/bloberror"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	goredis "github.com/redis/go-redis/v9"

	"github.com/eventmkt/backend/shared/apperr"
	blobstore "github.com/eventmkt/backend/shared/blob"
	"github.com/eventmkt/backend/shared/user"
)

// exportFormat names the CSV layout in the content key: a change of
// columns or masking must not reuse files written by the old code.
const exportFormat = "v1"

func (s *Service) exportSlotsKey(userID uuid.UUID) string {
	return s.cfg.KeyPrefix + "participation:exports:" + userID.String()
}

// exportBlobPrefix starts every export blob of an event.
func exportBlobPrefix(eventID uuid.UUID) string { return eventID.String() + "-" }

// ExportLink is ParticipantExport: the owner's CSV (Export) as a
// short-lived read-only link into the exports container. The Functions
// host buffers a whole HTTP answer on Azure, so the file goes from Blob to
// the browser rather than through the function.
//
// The blob is named by a content key read in the same snapshot as the
// rows: the number of entries, the last entry's id, the latest change of
// any entry (a draw, a disqualification, a purge all set updated_at) and
// the winners, disqualified and purged counts. While none of them moved,
// every request (from any instance) reuses the file already written and
// costs one aggregate query; otherwise the rows are written to a temporary
// file (the database connection goes back to the pool before the upload),
// uploaded, and the event's older exports deleted. Only building a file
// takes one of the owner's ExportsPerOwner slots (429 EXPORT_001 with
// retryAfterSeconds when all are taken; a lease of ExportMaxDuration in
// Redis, shared by all instances), and the build is bounded by it.
func (s *Service) ExportLink(ctx context.Context, c user.Caller, eventID uuid.UUID) (blobstore.Link, error) {
	if err := s.Authorize(ctx, c, eventID); err != nil {
		return blobstore.Link{}, err
	}
	if s.cfg.Links == nil {
		return blobstore.Link{}, errors.New("participation: export: no link signer wired")
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.ExportMaxDuration)
	defer cancel()
	var name string
	var file *os.File
	var release func()
	defer func() {
		if file != nil {
			file.Close()
		}
		if release != nil {
			release()
		}
	}()
	err := pgx.BeginTxFunc(ctx, s.db.Pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		key, err := exportKey(ctx, tx, eventID)
		if err != nil {
			return err
		}
		name = exportBlobPrefix(eventID) + key + ".csv"
		if ok, err := s.exportExists(ctx, name); err != nil || ok {
			return err
		}
		if release, err = s.takeExportSlot(ctx, c.UserID); err != nil {
			return err
		}
		if file, err = os.CreateTemp("", "export-*.csv"); err != nil {
			return fmt.Errorf("participation: export file: %w", err)
		}
		_ = os.Remove(file.Name()) // gone with the last descriptor, whatever happens
		bw := bufio.NewWriterSize(file, 64<<10)
		if _, err := s.writeCSV(ctx, tx, eventID, bw); err != nil {
			return fmt.Errorf("participation: export: %w", err)
		}
		return bw.Flush()
	})
	if err != nil {
		return blobstore.Link{}, err
	}
	if file != nil {
		if err := s.uploadExport(ctx, name, file); err != nil {
			return blobstore.Link{}, err
		}
		s.dropExports(ctx, eventID, name)
	}
	return s.cfg.Links.ReadURL(ctx, s.cfg.ExportContainer, name, blobstore.Download{
		Filename: "participants-" + eventID.String() + ".csv", ContentType: "text/csv; charset=utf-8"})
}

// exportKey fingerprints what the export shows of an event's entries.
func exportKey(ctx context.Context, tx pgx.Tx, eventID uuid.UUID) (string, error) {
	var n, lastID, winners, disqualified, purged int64
	var changed *time.Time
	err := tx.QueryRow(ctx, `SELECT count(*), coalesce(max(id), 0), max(updated_at),
		count(*) FILTER (WHERE is_winner), count(*) FILTER (WHERE disqualified_at IS NOT NULL), count(*) FILTER (WHERE purged_at IS NOT NULL)
		FROM participation.participants WHERE event_id = $1`, eventID).Scan(&n, &lastID, &changed, &winners, &disqualified, &purged)
	if err != nil {
		return "", fmt.Errorf("participation: export key: %w", err)
	}
	var last int64
	if changed != nil {
		last = changed.UnixMicro()
	}
	h := sha256.Sum256([]byte(strings.Join([]string{exportFormat, eventID.String(), strconv.FormatInt(n, 10), strconv.FormatInt(lastID, 10),
		strconv.FormatInt(last, 10), strconv.FormatInt(winners, 10), strconv.FormatInt(disqualified, 10), strconv.FormatInt(purged, 10)}, "|")))
	return hex.EncodeToString(h[:16]), nil
}

// exportExists reports whether a finished export blob is there (an upload
// commits its blocks at the end, so a blob that exists is whole).
func (s *Service) exportExists(ctx context.Context, name string) (bool, error) {
	_, err := s.blobs.ServiceClient().NewContainerClient(s.cfg.ExportContainer).NewBlobClient(name).GetProperties(ctx, nil)
	if bloberror.HasCode(err, bloberror.BlobNotFound, bloberror.ContainerNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("participation: export blob: %w", err)
	}
	return true, nil
}

func (s *Service) uploadExport(ctx context.Context, name string, f *os.File) error {
	if _, err := f.Seek(0, 0); err != nil {
		return fmt.Errorf("participation: export file: %w", err)
	}
	if err := blobstore.EnsureContainer(ctx, s.blobs, s.cfg.ExportContainer, false); err != nil {
		return err
	}
	_, err := s.blobs.UploadFile(ctx, s.cfg.ExportContainer, name, f, &azblob.UploadFileOptions{
		HTTPHeaders: &blob.HTTPHeaders{BlobContentType: to.Ptr("text/csv; charset=utf-8"), BlobCacheControl: to.Ptr("private, no-store")},
	})
	if err != nil {
		return fmt.Errorf("participation: export upload: %w", err)
	}
	return nil
}

// dropExports deletes the event's export blobs other than keep (older
// contents; they hold personal data). Best effort: the container's
// lifecycle rule deletes what is left after a day.
func (s *Service) dropExports(ctx context.Context, eventID uuid.UUID, keep string) {
	pager := s.blobs.NewListBlobsFlatPager(s.cfg.ExportContainer, &azblob.ListBlobsFlatOptions{Prefix: to.Ptr(exportBlobPrefix(eventID))})
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if bloberror.HasCode(err, bloberror.ContainerNotFound) {
			return
		}
		if err != nil {
			s.log.WarnContext(ctx, "old exports not listed", "eventId", eventID, "error", err)
			return
		}
		for _, b := range page.Segment.BlobItems {
			if b.Name == nil || *b.Name == keep {
				continue
			}
			if _, err := s.blobs.DeleteBlob(ctx, s.cfg.ExportContainer, *b.Name, nil); err != nil && !bloberror.HasCode(err, bloberror.BlobNotFound) {
				s.log.WarnContext(ctx, "old export not deleted", "eventId", eventID, "blob", *b.Name, "error", err)
			}
		}
	}
}

// takeExportSlot leases one of the owner's export slots. Without Redis the
// export goes ahead (ExportMaxDuration still bounds it).
func (s *Service) takeExportSlot(ctx context.Context, userID uuid.UUID) (func(), error) {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	token := hex.EncodeToString(b)
	key := s.exportSlotsKey(userID)
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
			"you already have "+strconv.Itoa(s.cfg.ExportsPerOwner)+" exports being prepared; try again when one has finished").
			RetryAfter(min(secs, 60))
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
