package participation

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	goredis "github.com/redis/go-redis/v9"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/event"

	"github.com/eventmkt/backend/shared/redis"
)

// TypeParticipantsRegistered is the analytics message of one group
// commit's new entries of one event (issue 18). One message per batch, not
// per entry: an entry then costs one row write in Postgres (its own), and
// the outbox row, its relay update and the analytics raw row are shared by
// the batch. Analytics still reads the per-entry ParticipantRegistered of
// earlier releases.
const TypeParticipantsRegistered = "ParticipantsRegistered"

// ParticipantsRegistered tells analytics about new entries; it carries no
// personal data. Its id is "participants-{eventId}-{first participantId}",
// stable for the broker's duplicate detection.
type ParticipantsRegistered struct {
	Type       string            `json:"type"`
	EventID    uuid.UUID         `json:"eventId"`
	OccurredAt time.Time         `json:"occurredAt"` // the first entry's
	Entries    []RegisteredEntry `json:"entries"`    // in arrival order
}

// RegisteredEntry is one entry in ParticipantsRegistered.
type RegisteredEntry struct {
	ParticipantID  string    `json:"participantId"`
	StoreVisited   bool      `json:"storeVisited"`
	AgreeMarketing bool      `json:"agreeMarketing"`
	BonusEntries   int       `json:"bonusEntries"`
	Channel        string    `json:"channel"`
	Source         string    `json:"source"`
	OccurredAt     time.Time `json:"occurredAt"`
}

// Redis keys of the hot path (seed participation ERD). Every key a submit
// touches carries the event id as its hash tag ({id}, as the events
// domain's snapshot key does): entryGate is one script over the rate
// limits and the entry sequence, which a sharded Redis (Azure Managed Redis
// with several shards, a Redis Cluster) runs only when all its keys are in
// one slot; and the submit's first pipeline then goes to one shard, so it
// stays one network round trip on a cluster too.
// The key prefix (Config.KeyPrefix) goes in front and has no braces.
func (s *Service) sessionKey(id uuid.UUID, phone string) string {
	return s.cfg.KeyPrefix + "participation:session:" + redis.Tag(id.String()) + ":" + phone
}
func (s *Service) seqKey(id uuid.UUID) string {
	return s.cfg.KeyPrefix + "participation:seq:" + redis.Tag(id.String())
}
func (s *Service) closedKey(id uuid.UUID) string {
	return s.cfg.KeyPrefix + "participation:closed:" + redis.Tag(id.String())
}

// KeyMargin is how long every participation key outlives its event: the
// keys (entry counter, duplicate fast path, closed flag) expire KeyMargin
// after the end of the event's last day in its time zone. Past the end the
// dates refuse entries anyway; the margin covers a late end timer and
// clock skew. Postgres's unique key and draw log are the truth either way.
const KeyMargin = 48 * time.Hour

// KeyExpiry is when the participation keys of an event expire.
func KeyExpiry(end event.Date, loc *time.Location) time.Time {
	y, m, d := end.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, loc).Add(KeyMargin)
}

// keyTTL is how long from now a participation key of snap lives (<= 0:
// past; write nothing).
func (s *Service) keyTTL(snap event.Public, now time.Time) time.Duration {
	return KeyExpiry(snap.EndDate, s.zones.Get(snap.TimeZone)).Sub(now)
}

// eventLock is the advisory-lock key of an event: submits take it shared
// (they never wait on each other), the draw takes it exclusively, so the
// entry list the draw freezes is exactly what committed before it.
func eventLock(id uuid.UUID) int64 {
	return int64(binary.BigEndian.Uint64(id[:8]) ^ 0x5041525449434950) // "PARTICIP"
}

var (
	errDuplicate = apperr.New(apperr.Conflict, CodeDuplicate, "this phone number has already entered the event")
	errClosed    = apperr.New(apperr.Invalid, CodeClosed, "the event has ended or its winners were drawn: entries are closed")
	// errNumberTaken: the entry number is another entry's (uk_participant_id).
	errNumberTaken = errors.New("participation: entry number taken")
)

// Submit records one entry. The event must be live and today within its
// dates (checked on the cached public snapshot, not Postgres); one entry
// per phone, enforced by Postgres's unique key with a Redis fast path in
// front; the row and its analytics message commit together.
//
// Redis rules (abuse costs no keys): nothing is written to Redis before the
// event is known to be live and the per-client limits (address and its
// /24 or /64) have passed; an unknown id answers from the events domain's
// in-process negative cache; every key written expires KeyMargin after
// the event's end. Round trips: for an event this process saw live a
// moment ago (liveTTL), one: the reads (snapshot, closed flag, duplicate
// check) with entryGate (both client limits, then the phone limit and the
// entry number); otherwise the reads, then entryGate. The entry is written
// in the process's next group commit (batch.go), which warms the duplicate
// check and the count once per batch after answering.
func (s *Service) Submit(ctx context.Context, eventID uuid.UUID, sub Submission) (Receipt, error) {
	if err := sub.validate(); err != nil {
		return Receipt{}, err
	}
	if s.events.Unknown(eventID) {
		_, err := s.events.Snapshot(ctx, eventID) // its 404, at once
		return Receipt{}, err
	}
	now := s.now()
	limits := append(s.clientLimits(eventID, sub.ClientIP), redis.Limit{Key: limitKey(eventID, "phone:"+sub.PhoneNumber), Rate: s.cfg.RatePerPhone})
	limits = slices.DeleteFunc(limits, func(l redis.Limit) bool { return l.Rate <= 0 })
	expires, known := s.live.get(eventID, now)
	pipe := s.rdb.Pipeline()
	cached := pipe.Get(ctx, event.SnapshotKey(s.cfg.KeyPrefix, eventID))
	closed := pipe.Exists(ctx, s.closedKey(eventID))
	seen := pipe.Exists(ctx, s.sessionKey(eventID, sub.PhoneNumber))
	var gated *goredis.Cmd
	if known {
		gated = s.queueGate(ctx, pipe, eventID, limits, expires.Sub(now))
	}
	_, perr := pipe.Exec(ctx)
	// A Redis failure only costs speed: Postgres decides, a sequence
	// numbers, and the limits are skipped rather than the entry refused.
	redisUp := perr == nil || errors.Is(perr, goredisNil) || goredis.HasErrorPrefix(perr, "NOSCRIPT")
	snap, err := event.DecodeSnapshot([]byte(cached.Val()))
	if cached.Err() != nil || err != nil {
		if snap, err = s.events.Snapshot(ctx, eventID); err != nil {
			return Receipt{}, err
		}
	}
	today := event.Today(now, s.zones.Get(snap.TimeZone))
	switch {
	case snap.Status == event.StatusEnded:
		return Receipt{}, errClosed
	case today.Before(snap.StartDate.Time):
		return Receipt{}, apperr.New(apperr.Invalid, CodeOutOfPeriod, "the event starts on "+snap.StartDate.String())
	case today.After(snap.EndDate.Time):
		return Receipt{}, apperr.New(apperr.Invalid, CodeOutOfPeriod, "the event ended on "+snap.EndDate.String())
	}
	if err := s.checkPhoneToken(ctx, snap, sub); err != nil {
		return Receipt{}, err
	}
	expires = KeyExpiry(snap.EndDate, s.zones.Get(snap.TimeZone))
	ttl := expires.Sub(now)
	s.live.add(eventID, now, expires)
	var next int64
	if redisUp {
		if gated == nil || goredis.HasErrorPrefix(gated.Err(), "NOSCRIPT") { // first sight of the event, or Redis restarted
			gated = s.queueGate(ctx, s.rdb, eventID, limits, ttl)
		}
		wait, n, err := gateResult(gated)
		if err := s.refuseIfWaiting(ctx)(wait, err); err != nil {
			return Receipt{}, err
		}
		if closed.Val() > 0 {
			return Receipt{}, errClosed
		}
		if seen.Val() > 0 {
			return Receipt{}, errDuplicate
		}
		next = n
	}
	// The visit code is checked after the limits, so guessing codes is
	// throttled like any submit; a refused code stores nothing.
	if sub.VisitCode != "" {
		ok, err := s.events.CheckVisitCode(ctx, eventID, today, sub.VisitCode)
		if err != nil {
			return Receipt{}, err
		}
		if !ok {
			return Receipt{}, visitCodeError("is not today's store visit code (it changes every day)")
		}
	}
	sub.StoreVisited = sub.VisitCode != ""
	bonus := BonusEntries(sub.StoreVisited)
	for attempt := 0; ; attempt++ {
		pid := s.entryNumber(ctx, eventID, today, next, ttl, attempt > 0)
		err := s.insertEntry(ctx, eventID, pid, sub, bonus, now, ttl)
		switch {
		case err == nil:
			s.consumePhoneToken(ctx, snap, sub)
			return Receipt{ParticipantID: pid, EventID: eventID, BonusEntries: bonus, ParticipatedAt: now}, nil
		case errors.Is(err, errDuplicate):
			if ttl > 0 {
				s.rdb.Set(ctx, s.sessionKey(eventID, sub.PhoneNumber), "1", ttl)
			}
			return Receipt{}, errDuplicate
		case errors.Is(err, errNumberTaken) && attempt < 3:
			s.log.WarnContext(ctx, "entry number taken (the Redis counter was reset?); resynchronising", "eventId", eventID, "participantId", pid)
			s.resyncCounter(ctx, eventID, ttl)
		default:
			return Receipt{}, err
		}
	}
}

// entryGate takes one action under each limit (KEYS[1..n]: the client's
// address and network, then the phone; ARGV[3..]: their rates per minute)
// and, only when all allow, the next entry number (KEYS[n+1], expiring in
// ARGV[2] ms): {1, "0", number} or {0, seconds to wait, 0}. One round trip
// for both limits and the numbering, and nothing written for a refused
// client but the limits that passed before it (a number a refused request
// took is skipped, like a duplicate's).
var entryGate = goredis.NewScript("redis.replicate_commands()\n" + redis.GCRALua + `
local n = tonumber(ARGV[1])
for i = 1, n do
  local rate = tonumber(ARGV[2 + i])
  local r = gcra(KEYS[i], rate, rate, 60)
  if r[1] == 0 then
    return {0, r[2], 0}
  end
end
local seq = redis.call("INCR", KEYS[n + 1])
redis.call("PEXPIRE", KEYS[n + 1], ARGV[2])
return {1, "0", seq}
`)

// queueGate queues entryGate (limits already filtered to those on) on c,
// a pipeline (EVALSHA: the caller retries a NOSCRIPT) or the client (run
// now, loading the script if needed).
func (s *Service) queueGate(ctx context.Context, c goredis.Scripter, eventID uuid.UUID, limits []redis.Limit, ttl time.Duration) *goredis.Cmd {
	keys := make([]string, 0, len(limits)+1)
	args := []any{len(limits), max(ttl.Milliseconds(), 1)}
	for _, l := range limits {
		keys = append(keys, s.limiter.Key(l))
		args = append(args, l.Rate)
	}
	keys = append(keys, s.seqKey(eventID))
	if _, pipelined := c.(goredis.Pipeliner); pipelined {
		return entryGate.EvalSha(ctx, c, keys, args...)
	}
	return entryGate.Run(ctx, c, keys, args...)
}

// gateResult reads entryGate's answer: the wait (0: allowed) and the entry
// number (0: none).
func gateResult(c *goredis.Cmd) (time.Duration, int64, error) {
	if err := c.Err(); err != nil {
		return 0, 0, err
	}
	v, _ := c.Val().([]any)
	wait, err := redis.WaitOf(v)
	if err != nil || wait > 0 || len(v) != 3 {
		return wait, 0, err
	}
	n, _ := v[2].(int64)
	return 0, n, nil
}

// liveTTL is how long this process lets an event it saw live speed up the
// next submits (writes in the first round trip). The snapshot read in that
// same round trip still decides; an event that ended meanwhile only costs
// keys that expire with it.
const liveTTL = 2 * time.Second

// liveEvents remembers events seen live, with when their keys expire.
type liveEvents struct {
	mu sync.Mutex
	m  map[uuid.UUID][2]time.Time // id -> {remembered until, keys expire}
}

func (l *liveEvents) get(id uuid.UUID, now time.Time) (time.Time, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.m[id]
	if !ok || !now.Before(e[0]) || !now.Before(e[1]) {
		return time.Time{}, false
	}
	return e[1], true
}

func (l *liveEvents) add(id uuid.UUID, now, keysExpire time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil || len(l.m) >= 10_000 { // only live events get here: a few
		l.m = map[uuid.UUID][2]time.Time{}
	}
	l.m[id] = [2]time.Time{now.Add(liveTTL), keysExpire}
}

// limitKey names a submit's rate limit (Limiter.Key adds the prefix and "rate:") under
// the event's hash tag, so entryGate's keys share one slot. The limits are
// therefore per event: a client or phone gets PARTICIPATION_RATE_PER_* at
// each event, not across all of them. Entering many events at once still
// costs a real, live event per key (an unknown id is refused before any
// key is written), and each event's own limits hold.
func limitKey(eventID uuid.UUID, what string) string {
	return "participation:" + redis.Tag(eventID.String()) + ":" + what
}

// clientLimits are the per-client limits of an address that are on: the
// address itself and its network (IPv4 /24, IPv6 /64), so rotating
// addresses within one network does not multiply the allowance. They are
// counted per event (limitKey), like the phone's.
func (s *Service) clientLimits(eventID uuid.UUID, ip string) []redis.Limit {
	if ip == "" {
		return nil
	}
	limits := []redis.Limit{{Key: limitKey(eventID, "client:"+ip), Rate: s.cfg.RatePerClient}}
	if a, err := netip.ParseAddr(ip); err == nil {
		a = a.Unmap().WithZone("")
		if a.Is4() {
			p, _ := a.Prefix(24)
			limits = append(limits, redis.Limit{Key: limitKey(eventID, "net:"+p.String()), Rate: s.cfg.RatePerIPv4Net})
		} else {
			p, _ := a.Prefix(64)
			limits = append(limits, redis.Limit{Key: limitKey(eventID, "net:"+p.String()), Rate: s.cfg.RatePerIPv6Net})
		}
	}
	return slices.DeleteFunc(limits, func(l redis.Limit) bool { return l.Rate <= 0 })
}

// insertEntry writes the entry, and its part of the batch's
// ParticipantsRegistered message, in the next group commit of this process (batch.go) and returns when it
// committed: nil (entered), errDuplicate, errClosed, errNumberTaken (retry
// with a new number) or the batch's error.
func (s *Service) insertEntry(ctx context.Context, eventID uuid.UUID, pid string, sub Submission, bonus int, now time.Time, ttl time.Duration) error {
	fact, err := json.Marshal(RegisteredEntry{ParticipantID: pid, StoreVisited: sub.StoreVisited, AgreeMarketing: sub.AgreeMarketing,
		BonusEntries: bonus, Channel: sub.Channel, Source: sub.Source, OccurredAt: now})
	if err != nil {
		return err
	}
	res := s.batch.do(ctx, entryRow{eventID: eventID, pid: pid, sub: sub, bonus: bonus, at: now, fact: fact, ttl: ttl})
	switch {
	case res.err != nil:
		return res.err
	case res.outcome == duplicate:
		return errDuplicate
	case res.outcome == drawn:
		return errClosed // drawn: entries are closed
	case res.outcome == taken:
		return errNumberTaken
	}
	return nil
}

// afterEntries warms the duplicate check of a batch's entries and bumps
// their events' cached counts (only when cached: a missing count is
// recomputed from Postgres): one pipeline per batch, after its answers, so
// not on any submit's path. Lost, it only costs speed.
func (s *Service) afterEntries(items []*pendingEntry) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	pipe := s.rdb.Pipeline()
	for _, it := range items {
		if it.res.err != nil || it.res.outcome != entered || it.row.ttl <= 0 {
			continue
		}
		pipe.Set(ctx, s.sessionKey(it.row.eventID, it.row.sub.PhoneNumber), "1", it.row.ttl)
		incrIfCached.Run(ctx, pipe, []string{CountKey(s.cfg.KeyPrefix, it.row.eventID)})
	}
	if pipe.Len() == 0 {
		return
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, goredisNil) {
		s.log.WarnContext(ctx, "entry caches not updated", "error", err)
	}
}

// entryNumber returns a short entry number unique within the event,
// "20261122-000042": a per-event Redis counter, so submits never queue on a
// row lock. Without Redis, a Postgres sequence stands in ("20261122-P000043").
// next is the counter value already taken (0: none, Redis was down); the
// counter expires with the event's other keys (ttl).
func (s *Service) entryNumber(ctx context.Context, eventID uuid.UUID, today event.Date, next int64, ttl time.Duration, retry bool) string {
	day := today.Format("20060102")
	if retry && next > 0 {
		pipe := s.rdb.Pipeline()
		incr := pipe.Incr(ctx, s.seqKey(eventID))
		pipe.PExpire(ctx, s.seqKey(eventID), ttl)
		_, _ = pipe.Exec(ctx)
		next, _ = incr.Result()
	}
	if next > 0 {
		return fmt.Sprintf("%s-%06d", day, next)
	}
	var n int64
	if err := s.db.QueryRow(ctx, `SELECT nextval('participation.entry_fallback_seq')`).Scan(&n); err != nil {
		return fmt.Sprintf("%s-U%s", day, strings.ReplaceAll(uuid.NewString(), "-", "")[:12])
	}
	return fmt.Sprintf("%s-P%06d", day, n)
}

// resyncCounter moves the Redis counter past every number already used.
func (s *Service) resyncCounter(ctx context.Context, eventID uuid.UUID, ttl time.Duration) {
	var max int64
	_ = s.db.QueryRow(ctx, `SELECT coalesce(max(split_part(participant_id, '-', 2)::bigint), 0) FROM participation.participants
		WHERE event_id = $1 AND participant_id ~ '^[0-9]{8}-[0-9]+$'`, eventID).Scan(&max)
	raiseTo.Run(ctx, s.rdb, []string{s.seqKey(eventID)}, max, ttl.Milliseconds())
}

// refuseIfWaiting turns a limiter's answer into PART_009 with the seconds
// to wait (Retry-After), or nil.
func (s *Service) refuseIfWaiting(ctx context.Context) func(time.Duration, error) error {
	return func(wait time.Duration, err error) error {
		if err != nil {
			s.log.WarnContext(ctx, "rate limit unavailable", "error", err)
			return nil
		}
		if wait > 0 {
			secs := int(wait.Seconds()) + 1
			return apperr.New(apperr.TooMany, CodeTooFast, fmt.Sprintf("too many entries; try again in %d seconds", secs)).
				RetryAfter(secs)
		}
		return nil
	}
}
