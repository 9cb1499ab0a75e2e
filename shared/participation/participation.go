package participation

import (
	"context"
	"log/slog"
	"net/mail"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/google/uuid"
	goredis "github.com/redis/go-redis/v9"

	"github.com/eventmkt/backend/shared/apperr"
	blobstore "github.com/eventmkt/backend/shared/blob"
	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/phone"
	"github.com/eventmkt/backend/shared/postgres"
	"github.com/eventmkt/backend/shared/queue"
	"github.com/eventmkt/backend/shared/redis"
	"github.com/eventmkt/backend/shared/user"
)

// Error codes (API.md).
const (
	CodeDuplicate    = "PART_001" // one entry per phone
	CodeOutOfPeriod  = "PART_002" // before or after the event's dates
	CodeNotFound     = "PART_003" // no such participant
	CodeClosed       = "PART_005" // ended, or drawn
	CodeAlreadyDrawn = "PART_006"
	CodeTooFew       = "PART_007" // fewer participants than winners
	CodeNotDrawn     = "PART_008"
	CodeTooFast      = "PART_009"
	CodeVisitCode    = "PART_010" // a store visit code that is wrong, not today's, malformed, or missing for storeVisited
	CodeNoAlternate  = "PART_011" // no alternate left to promote
	CodeNotWinner    = "PART_012" // disqualifying someone who is not a current winner
	CodePurged       = "PART_013" // a draw on an event whose personal data was purged
	// CodeProofBuilding (503, Retry-After): the proof bundle is being
	// (re)built by one caller; come back shortly (proof.go).
	CodeProofBuilding = "PROOF_001"
	// CodeExportBusy (429, Retry-After): the owner has ExportsPerOwner
	// exports running (export.go).
	CodeExportBusy = "EXPORT_001"
)

// Entry channels and sources.
var (
	EntryChannels = []string{"WEB", "MOBILE", "INSTORE"}
)

// Config tunes the domain.
type Config struct {
	RatePerClient     int // submits per client address per minute, 0 = off
	RatePerPhone      int // submits per phone per minute, 0 = off
	RatePerIPv4Net    int // submits per IPv4 /24 per minute, 0 = off
	RatePerIPv6Net    int // submits per IPv6 /64 per minute, 0 = off
	PurgeAfter        time.Duration
	ProofContainer    string // blob container for draw proofs
	DefaultAlternates int
	// Anomaly flags (Anomalies): entries from one network, and entries in
	// one minute, that flag them; 0 = the defaults.
	FlagNetworkEntries int
	FlagBurstPerMinute int
	// UndrawnGrace is how long after its end an event that was never drawn
	// keeps its personal data (the owner may still draw); the purge waits
	// for the longer of it and PurgeAfter.
	UndrawnGrace time.Duration
	// PhoneTokens checks the verification token of an event with
	// verifyPhone (shared/phoneverify); nil refuses such entries.
	PhoneTokens PhoneTokens
	// ProofBuildTimeout bounds one build of a proof bundle and is the TTL
	// of its cross-instance lock (DRAW_PROOF_BUILD_SECONDS; 120 s).
	ProofBuildTimeout time.Duration
	// ExportsPerOwner caps an owner's CSV exports being built at once
	// (EXPORT_MAX_PER_OWNER; 2) and ExportMaxDuration bounds one build and
	// upload (EXPORT_MAX_SECONDS; 240 s, below host.json's functionTimeout;
	// the slot's lease). ExportContainer holds the files (EXPORT_CONTAINER;
	// "exports").
	ExportsPerOwner   int
	ExportMaxDuration time.Duration
	ExportContainer   string
	// Links signs the short-lived read-only links of exports and proofs
	// (DOWNLOAD_LINK_TTL_SECONDS); nil refuses ExportLink and ProofLink.
	Links *blobstore.Links
	// BatchSize is the most entries one group commit writes
	// (PARTICIPATION_BATCH_SIZE; 0 = DefaultBatchSize) and BatchDelay the
	// longest its first entry waits for others (PARTICIPATION_BATCH_DELAY_MS;
	// 0 = none: only entries arriving together share a commit). batch.go.
	BatchSize  int
	BatchDelay time.Duration
	// BatchWriters is how many batches one instance writes at once
	// (PARTICIPATION_BATCH_WRITERS; 0 = no limit); a batch ready meanwhile
	// keeps gathering entries until a writer is free or it is full.
	BatchWriters int
	// KeyPrefix goes in front of every Redis key of the domain ("" in
	// production; tests isolate with one), the events domain's too: the
	// submit reads its snapshot (event.SnapshotKey), so the domains of one
	// process share the prefix. No braces: a key's hash tag must stay the
	// event id.
	KeyPrefix string
}

// EventReader is the events domain's API this domain relies on.
type EventReader interface {
	Snapshot(ctx context.Context, id uuid.UUID) (event.Public, error)
	// Unknown reports an id found to have no public page a moment ago (in
	// process): the entry answers 404 without a Redis round trip.
	Unknown(id uuid.UUID) bool
	Owned(ctx context.Context, c user.Caller, id uuid.UUID) (event.Info, error)
	RevealSeed(ctx context.Context, c user.Caller, id uuid.UUID) ([]byte, string, error)
	EndedBefore(ctx context.Context, t time.Time) ([]uuid.UUID, error)
	// RefreshPublic drops the event's public snapshot: the draw changes it
	// (drawnAt, the number of winners).
	RefreshPublic(ctx context.Context, id uuid.UUID)
	// CheckVisitCode reports whether code is the event's store visit code
	// on day (the event's time zone); no Postgres read in steady state.
	CheckVisitCode(ctx context.Context, id uuid.UUID, day event.Date, code string) (bool, error)
}

// Service is the participation domain: entries and the draw.
type Service struct {
	db      *postgres.DB
	rdb     goredis.UniversalClient
	outbox  *queue.Outbox
	blobs   *azblob.Client
	events  EventReader
	limiter *redis.Limiter
	log     *slog.Logger
	now     func() time.Time
	cfg     Config
	proofs  sync.WaitGroup // proof uploads in flight
	zones   event.Zones
	live    liveEvents // events seen live a moment ago (submit.go)
	batch   batcher    // group commit of entries (batch.go)
}

// NewService wires the domain.
func NewService(db *postgres.DB, rdb goredis.UniversalClient, outbox *queue.Outbox, blobs *azblob.Client, events EventReader, log *slog.Logger, cfg Config, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	if cfg.PurgeAfter <= 0 {
		cfg.PurgeAfter = 30 * 24 * time.Hour
	}
	if cfg.UndrawnGrace <= 0 {
		cfg.UndrawnGrace = 30 * 24 * time.Hour
	}
	if cfg.ProofContainer == "" {
		cfg.ProofContainer = "draw-proofs"
	}
	if cfg.DefaultAlternates <= 0 {
		cfg.DefaultAlternates = 3
	}
	if cfg.ProofBuildTimeout <= 0 {
		cfg.ProofBuildTimeout = 2 * time.Minute
	}
	if cfg.ExportsPerOwner <= 0 {
		cfg.ExportsPerOwner = 2
	}
	if cfg.ExportContainer == "" {
		cfg.ExportContainer = "exports"
	}
	if cfg.ExportMaxDuration <= 0 {
		cfg.ExportMaxDuration = 4 * time.Minute
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = DefaultBatchSize
	}
	s := &Service{db: db, rdb: rdb, outbox: outbox, blobs: blobs, events: events, limiter: redis.NewLimiter(rdb, cfg.KeyPrefix), log: log, now: now, cfg: cfg}
	s.batch = batcher{size: cfg.BatchSize, delay: max(cfg.BatchDelay, 0), write: s.writeEntries}
	if cfg.BatchWriters > 0 {
		s.batch.slots = make(chan struct{}, cfg.BatchWriters)
	}
	if rdb != nil {
		s.batch.after = s.afterEntries
	}
	return s
}

// Submission is a customer's entry.
type Submission struct {
	Name           string
	PhoneNumber    string
	Email          string
	AgreePrivacy   bool
	AgreeMarketing bool
	// StoreVisited is derived from VisitCode: a valid code sets it; true
	// without a code is refused (PART_010).
	StoreVisited bool
	// VisitCode is the day's store visit code from the store QR link (v) or
	// typed by the customer; empty for an entry without a visit.
	VisitCode string
	Channel   string
	Source    string
	ClientIP  string
	// VerificationToken proves the phone (events with verifyPhone).
	VerificationToken string
}

// Receipt is what the customer gets back.
type Receipt struct {
	ParticipantID  string    `json:"participantId"`
	EventID        uuid.UUID `json:"eventId"`
	BonusEntries   int       `json:"bonusEntries"`
	ParticipatedAt time.Time `json:"participatedAt"`
}

// BonusEntries: 1, or 3 for a store visit (+2 bonus).
func BonusEntries(storeVisited bool) int {
	if storeVisited {
		return 3
	}
	return 1
}

func (s *Submission) validate() error {
	var v apperr.Validation
	s.Name = strings.TrimSpace(s.Name)
	n := utf8.RuneCountInString(s.Name)
	v.Check(n >= 1 && n <= 50, "name", "must be 1 to 50 characters")
	d, err := phone.Normalize(s.PhoneNumber)
	v.Check(err == nil, "phoneNumber", "must be a Korean mobile number such as 010-1234-5678")
	s.PhoneNumber = d
	if s.Email = strings.TrimSpace(s.Email); s.Email != "" {
		a, err := mail.ParseAddress(s.Email)
		v.Check(err == nil && a.Address == s.Email && len(s.Email) <= 100, "email", "must be an email address")
	}
	v.Check(s.AgreePrivacy, "agreePrivacy", "consent to the collection of personal data is required")
	if s.Channel == "" {
		s.Channel = "WEB"
	}
	v.Check(slices.Contains(EntryChannels, s.Channel), "channel", "must be WEB, MOBILE or INSTORE")
	if s.Source == "" {
		s.Source = "DIRECT"
	}
	v.Check(slices.Contains(event.Sources, s.Source), "source", "must be one of %s", strings.Join(event.Sources, ", "))
	if err := v.Err(); err != nil {
		return err
	}
	s.VisitCode = strings.TrimSpace(s.VisitCode)
	switch {
	case s.VisitCode == "" && s.StoreVisited:
		return visitCodeError("a store visit needs the store's visit code of today")
	case s.VisitCode != "" && !event.WellFormedVisitCode(s.VisitCode):
		return visitCodeError("must be the 6 digits of today's store visit code")
	}
	return nil
}

// visitCodeError is PART_010, naming the field as a validation error does,
// so the page can show it beside the code field.
func visitCodeError(msg string) error {
	return apperr.New(apperr.Invalid, CodeVisitCode, "visitCode: "+msg).
		With("errors", []apperr.FieldError{{Field: "visitCode", Message: msg}})
}

// MaskPhone shows 010-****-5678.
func MaskPhone(p *string) string {
	if p == nil {
		return ""
	}
	return phone.Mask(*p)
}

// MaskName shows the first and last character: 김민수 -> 김*수, 김수 -> 김*.
func MaskName(n *string) string {
	if n == nil {
		return ""
	}
	r := []rune(*n)
	switch len(r) {
	case 0:
		return ""
	case 1:
		return "*"
	case 2:
		return string(r[0]) + "*"
	default:
		return string(r[0]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1])
	}
}
