package event

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/queue"
	"github.com/eventmkt/backend/shared/user"
)

// Message types this domain sends.
const (
	TypeEventCreated = "EventCreated"
	TypeEventEnded   = "EventEnded"
	TypeDistribute   = "DistributeChannel"
)

// EventCreated tells analytics an event went live.
type EventCreated struct {
	Type       string    `json:"type"`
	EventID    uuid.UUID `json:"eventId"`
	UserID     uuid.UUID `json:"userId"`
	StoreID    uuid.UUID `json:"storeId"`
	Title      string    `json:"title"`
	Objective  string    `json:"objective"`
	Industry   string    `json:"industry"`
	Budget     int64     `json:"budget"`
	Channels   []string  `json:"channels"`
	StartDate  string    `json:"startDate"`
	EndDate    string    `json:"endDate"`
	OccurredAt time.Time `json:"occurredAt"`
}

// EventEnded tells analytics an event closed.
type EventEnded struct {
	Type       string    `json:"type"`
	EventID    uuid.UUID `json:"eventId"`
	UserID     uuid.UUID `json:"userId"`
	Reason     string    `json:"reason"` // OWNER or END_DATE
	OccurredAt time.Time `json:"occurredAt"`
}

// DistributeChannel asks the distribution domain to post the event on one
// channel; it carries everything the channel needs.
type DistributeChannel struct {
	EventID uuid.UUID `json:"eventId"`
	Channel string    `json:"channel"`
	// Channels are all the event's channels: whoever handles the first
	// message learns from it which channels must settle.
	Channels       []string        `json:"channels"`
	Attempt        int             `json:"attempt"`
	EventName      string          `json:"eventName"`
	Description    string          `json:"description"`
	Prize          string          `json:"prize"`
	StartDate      string          `json:"startDate"`
	EndDate        string          `json:"endDate"`
	ImageURL       string          `json:"imageUrl"`
	StoreName      string          `json:"storeName"`
	StoreAddress   string          `json:"storeAddress"`
	StorePhone     string          `json:"storePhone"`
	ParticipateURL string          `json:"participateUrl"`
	Settings       json.RawMessage `json:"settings"`
}

// Today is the calendar date at now in loc.
func Today(now time.Time, loc *time.Location) Date {
	y, m, d := now.In(loc).Date()
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// Zones caches loaded time zones: time.LoadLocation reads the zone file on
// every call, which showed up at 3% of a flash-traffic submit's CPU.
type Zones struct{ m sync.Map } // name -> *time.Location

// Get returns the named zone, UTC when the name is unknown.
func (z *Zones) Get(name string) *time.Location {
	if l, ok := z.m.Load(name); ok {
		return l.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC // not cached: a bad name is rare and may be mended
	}
	z.m.Store(name, loc)
	return loc
}

// zone loads a zone once, UTC when the name is unknown: for cold paths.
func zone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}

// missingForPublish lists what stands between a draft and publishing.
func missingForPublish(e *Event, now time.Time) []string {
	var missing []string
	if e.EventName == nil || *e.EventName == "" {
		missing = append(missing, "eventName")
	}
	if e.StartDate == nil {
		missing = append(missing, "startDate")
	}
	if e.EndDate == nil {
		missing = append(missing, "endDate")
	} else if e.EndDate.Before(Today(now, zone(e.TimeZone)).Time) {
		missing = append(missing, "endDate (in the past)")
	}
	if e.SelectedRecommendationID == nil {
		missing = append(missing, "selectedRecommendation")
	}
	if e.SelectedImageID == nil {
		missing = append(missing, "selectedImage")
	}
	if len(e.Channels) == 0 {
		missing = append(missing, "channels")
	}
	return missing
}

// Publish takes a ready draft live. In one transaction it sets PUBLISHED,
// commits to the draw seed (32 random bytes kept here; its SHA-256 is public
// from now on), records the entry page's poster and queues EventCreated for
// analytics plus one distribution job per channel, so either all of it
// happens or none.
func (s *Service) Publish(ctx context.Context, c user.Caller, id uuid.UUID) (*Event, error) {
	pre, err := loadOwned(ctx, s.db, c, id, false)
	if err != nil {
		return nil, err
	}
	store, err := s.stores.StoreByID(ctx, pre.StoreID)
	if err != nil {
		return nil, fmt.Errorf("event: store of %s: %w", id, err)
	}
	now := s.now()
	poster, posterOf := s.webPoster(ctx, pre, now)
	var out *Event
	err = s.outbox.InTx(ctx, func(ctx context.Context, tx pgx.Tx) error {
		e, err := loadOwned(ctx, tx, c, id, true)
		if err != nil {
			return err
		}
		if e.Status != StatusDraft {
			return wrongState(e, "publish")
		}
		if missing := missingForPublish(e, now); len(missing) > 0 {
			return apperr.New(apperr.Conflict, CodeNotReady, fmt.Sprintf("the event is not ready to publish: %v missing", missing)).With("missing", missing)
		}
		seed := make([]byte, 32)
		if _, err := rand.Read(seed); err != nil {
			return err
		}
		sum := sha256.Sum256(seed)
		commitment := hex.EncodeToString(sum[:])
		var posterURL *string
		var posterW, posterH *int
		if poster != nil && deref(e.SelectedImageURL) == posterOf { // the poster still selected under the lock
			posterURL, posterW, posterH = &poster.URL, &poster.Width, &poster.Height
		}
		if _, err := tx.Exec(ctx, `UPDATE events.events SET status = 'PUBLISHED', draw_seed = $2, draw_commitment = $3,
			published_at = $4, updated_at = $4, web_poster_url = $5, web_poster_width = $6, web_poster_height = $7
			WHERE event_id = $1 AND status = 'DRAFT'`, id, seed, commitment, now, posterURL, posterW, posterH); err != nil {
			return fmt.Errorf("event: publish: %w", err)
		}
		if s.afterPublishUpdate != nil {
			if err := s.afterPublishUpdate(); err != nil {
				return err
			}
		}
		msgs, err := s.publishMessages(e, store, now)
		if err != nil {
			return err
		}
		if err := s.outbox.Enqueue(ctx, tx, msgs...); err != nil {
			return err
		}
		out, err = loadFull(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.RefreshPublic(ctx, id)
	s.log.InfoContext(ctx, "event published", "eventId", id, "channels", out.Channels, "drawCommitment", *out.DrawCommitment)
	return out, nil
}

// webPoster makes the entry page's copy of the selected poster before the
// publish transaction (it reads and writes Blob, which must not happen under
// a row lock), for a draft that is ready to publish. Failing to make it does
// not stop the publish: the event goes live with poster null, the entry
// page shows the full-size poster instead, and the log says why. It returns
// the poster and the image URL it was made from.
func (s *Service) webPoster(ctx context.Context, e *Event, now time.Time) (*WebPoster, string) {
	if s.cfg.WebPosters == nil || e.Status != StatusDraft || e.SelectedImageURL == nil || len(missingForPublish(e, now)) > 0 {
		return nil, ""
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.WebPosterTimeout)
	defer cancel()
	p, err := s.cfg.WebPosters.WebPoster(ctx, e.EventID, *e.SelectedImageURL)
	if err != nil {
		s.log.ErrorContext(ctx, "web poster not made: the event publishes with poster null and the entry page shows the full-size poster",
			"eventId", e.EventID, "imageUrl", *e.SelectedImageURL, "error", err)
		return nil, ""
	}
	return &p, *e.SelectedImageURL
}

func (s *Service) publishMessages(e *Event, store user.Store, now time.Time) ([]queue.Message, error) {
	created, err := queue.NewMessage("event-created-"+e.EventID.String(), queue.AnalyticsEvents, TypeEventCreated, e.EventID.String(), EventCreated{
		Type: TypeEventCreated, EventID: e.EventID, UserID: e.UserID, StoreID: e.StoreID, Title: *e.EventName, Objective: e.Objective,
		Industry: store.Industry, Budget: deref64(e.Budget), Channels: e.Channels, StartDate: e.StartDate.String(), EndDate: e.EndDate.String(), OccurredAt: now,
	})
	if err != nil {
		return nil, err
	}
	msgs := []queue.Message{created}
	for _, ch := range e.Channels {
		settings := e.ChannelSettings[ch]
		if settings == nil {
			settings = json.RawMessage(`{}`)
		}
		m, err := queue.NewMessage("dist-"+e.EventID.String()+"-"+ch, queue.DistributionJobs, TypeDistribute, e.EventID.String(), DistributeChannel{
			EventID: e.EventID, Channel: ch, Channels: e.Channels, Attempt: 1, EventName: *e.EventName, Description: deref(e.Description), Prize: deref(e.Prize),
			StartDate: e.StartDate.String(), EndDate: e.EndDate.String(), ImageURL: deref(e.SelectedImageURL), StoreName: store.Name,
			StoreAddress: store.Address, StorePhone: store.Phone, ParticipateURL: s.participateURL(e.EventID, ch), Settings: settings,
		})
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, m)
	}
	return msgs, nil
}

// participateURL is the entry page a channel's post links to; ch tells the
// page (and its view beacon) where the visitor came from.
func (s *Service) participateURL(id uuid.UUID, ch string) string {
	return EntryURL(s.cfg.PublicWebURL, id, ch)
}

// EntryURL is the web app's entry page of an event for a source:
// PUBLIC_WEB_URL/e/{eventId}?ch=SOURCE.
func EntryURL(webURL string, id uuid.UUID, source string) string {
	return webURL + "/e/" + id.String() + "?ch=" + url.QueryEscape(source)
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func deref64(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// End closes a published event by the owner's hand.
func (s *Service) End(ctx context.Context, c user.Caller, id uuid.UUID) (*Event, error) {
	now := s.now()
	var out *Event
	err := s.outbox.InTx(ctx, func(ctx context.Context, tx pgx.Tx) error {
		e, err := loadOwned(ctx, tx, c, id, true)
		if err != nil {
			return err
		}
		if e.Status != StatusPublished {
			return wrongState(e, "end")
		}
		if err := s.endTx(ctx, tx, e, "OWNER", now); err != nil {
			return err
		}
		out, err = loadFull(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.RefreshPublic(ctx, id)
	s.log.InfoContext(ctx, "event ended", "eventId", id, "reason", "OWNER")
	return out, nil
}

func (s *Service) endTx(ctx context.Context, tx pgx.Tx, e *Event, reason string, now time.Time) error {
	if _, err := tx.Exec(ctx, `UPDATE events.events SET status = 'ENDED', ended_at = $2, updated_at = $2 WHERE event_id = $1`, e.EventID, now); err != nil {
		return fmt.Errorf("event: end: %w", err)
	}
	m, err := queue.NewMessage("event-ended-"+e.EventID.String(), queue.AnalyticsEvents, TypeEventEnded, e.EventID.String(),
		EventEnded{Type: TypeEventEnded, EventID: e.EventID, UserID: e.UserID, Reason: reason, OccurredAt: now})
	if err != nil {
		return err
	}
	return s.outbox.Enqueue(ctx, tx, m)
}

// AutoEndResult says what one EventAutoEnd run did.
type AutoEndResult struct {
	Ended      int
	JobsFailed int
}

// AutoEnd ends published events whose end date has passed in their time
// zone, and fails jobs stuck past their timeout. Safe to run twice at once:
// rows are claimed with SKIP LOCKED and the state check makes it idempotent.
func (s *Service) AutoEnd(ctx context.Context) (AutoEndResult, error) {
	var res AutoEndResult
	now := s.now()
	for {
		var ended []uuid.UUID
		err := s.outbox.InTx(ctx, func(ctx context.Context, tx pgx.Tx) error {
			rows, err := tx.Query(ctx, `SELECT `+eventColumns+` FROM events.events
				WHERE status = 'PUBLISHED' AND end_date < ($1::timestamptz AT TIME ZONE time_zone)::date
				ORDER BY end_date LIMIT 100 FOR UPDATE SKIP LOCKED`, now)
			if err != nil {
				return err
			}
			events, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Event, error) { return scanEvent(r) })
			if err != nil {
				return err
			}
			for _, e := range events {
				if err := s.endTx(ctx, tx, e, "END_DATE", now); err != nil {
					return err
				}
				ended = append(ended, e.EventID)
			}
			return nil
		})
		if err != nil {
			return res, fmt.Errorf("event: auto-end: %w", err)
		}
		for _, id := range ended {
			s.RefreshPublic(ctx, id)
			s.log.InfoContext(ctx, "event ended", "eventId", id, "reason", "END_DATE")
		}
		res.Ended += len(ended)
		if len(ended) < 100 {
			break
		}
	}
	failed, err := s.sweepJobs(ctx, now)
	res.JobsFailed = failed
	return res, err
}
