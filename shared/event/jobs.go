package event

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/queue"
	"github.com/eventmkt/backend/shared/user"
)

// Job types and states (seed event ERD).
const (
	JobRecommendation = "AI_RECOMMENDATION"
	JobImage          = "IMAGE_GENERATION"

	JobPending    = "PENDING"
	JobProcessing = "PROCESSING"
	JobCompleted  = "COMPLETED"
	JobFailed     = "FAILED"
)

// Job is an async piece of work the owner polls.
type Job struct {
	JobID        uuid.UUID `json:"jobId"`
	EventID      uuid.UUID `json:"eventId"`
	UserID       uuid.UUID `json:"-"`
	JobType      string    `json:"jobType"`
	Status       string    `json:"status"`
	Progress     int       `json:"progress"`
	ErrorMessage *string   `json:"errorMessage,omitempty"`
	Generator    *string   `json:"generator,omitempty"`
	// FallbackReason says why the built-in generator stood in for the AI one.
	FallbackReason *string    `json:"fallbackReason,omitempty"`
	CreatedAt      time.Time  `json:"createdAt"`
	UpdatedAt      time.Time  `json:"updatedAt"`
	CompletedAt    *time.Time `json:"completedAt,omitempty"`
}

// cachedJob is the job as kept in Redis (with the owner, for access checks).
type cachedJob struct {
	Job
	Owner uuid.UUID `json:"owner"`
}

// RecommendationJob is the ai-recommendation-jobs message.
type RecommendationJob struct {
	JobID     uuid.UUID `json:"jobId"`
	EventID   uuid.UUID `json:"eventId"`
	Objective string    `json:"objective"`
	Industry  string    `json:"industry"`
	Region    string    `json:"region"`
	Budget    int64     `json:"budget"`
	StoreName string    `json:"storeName"`
	Address   string    `json:"address"`
}

// ImageEdit is the poster editor's input: new texts and colours.
type ImageEdit struct {
	Title           *string `json:"title,omitempty"`
	PrizeText       *string `json:"prizeText,omitempty"`
	GuideText       *string `json:"guideText,omitempty"`
	BackgroundColor *string `json:"backgroundColor,omitempty"`
	TextColor       *string `json:"textColor,omitempty"`
	AccentColor     *string `json:"accentColor,omitempty"`
}

// ImageJob is the image-generation-jobs message: a set of styles x platforms,
// or the re-render of one poster with edits.
type ImageJob struct {
	JobID         uuid.UUID  `json:"jobId"`
	EventID       uuid.UUID  `json:"eventId"`
	Styles        []string   `json:"styles"`
	Platforms     []string   `json:"platforms"`
	BrandColor    string     `json:"brandColor,omitempty"`
	EventName     string     `json:"eventName"`
	Prize         string     `json:"prize"`
	StartDate     string     `json:"startDate,omitempty"`
	EndDate       string     `json:"endDate,omitempty"`
	StoreName     string     `json:"storeName"`
	Industry      string     `json:"industry"`
	SourceImageID *uuid.UUID `json:"sourceImageId,omitempty"`
	Edit          *ImageEdit `json:"edit,omitempty"`
}

// ImageRequest is the posters step.
type ImageRequest struct {
	Styles     []string
	Platforms  []string
	BrandColor *string
}

func (s *Service) jobStatusKey(id uuid.UUID) string {
	return s.cfg.KeyPrefix + "job:status:" + id.String()
}

// JobStatusTTL is how long a job's status is served from Redis.
const JobStatusTTL = 10 * time.Minute

const jobColumns = `job_id, event_id, coalesce(user_id, '00000000-0000-0000-0000-000000000000'), job_type, status, progress,
	error_message, generator, fallback_reason, created_at, updated_at, completed_at`

func scanJob(row pgx.Row) (Job, error) {
	var j Job
	err := row.Scan(&j.JobID, &j.EventID, &j.UserID, &j.JobType, &j.Status, &j.Progress, &j.ErrorMessage, &j.Generator, &j.FallbackReason, &j.CreatedAt, &j.UpdatedAt, &j.CompletedAt)
	return j, err
}

// cacheJob writes a worker's change of the job's status through to Redis
// (Postgres stays the truth).
func (s *Service) cacheJob(ctx context.Context, j Job) {
	b, _ := json.Marshal(cachedJob{Job: j, Owner: j.UserID})
	if err := s.rdb.Set(ctx, s.jobStatusKey(j.JobID), b, JobStatusTTL).Err(); err != nil {
		s.log.WarnContext(ctx, "job status cache unavailable", "jobId", j.JobID, "error", err)
	}
}

// fillJobCache caches a status read before the worker may have moved on
// (the request's PENDING, sent after the message; a reader's miss): it
// never overwrites what the worker has written meanwhile.
func (s *Service) fillJobCache(ctx context.Context, j Job) {
	b, _ := json.Marshal(cachedJob{Job: j, Owner: j.UserID})
	if err := s.rdb.SetNX(ctx, s.jobStatusKey(j.JobID), b, JobStatusTTL).Err(); err != nil {
		s.log.WarnContext(ctx, "job status cache unavailable", "jobId", j.JobID, "error", err)
	}
}

// createJob inserts a job and its queue message in one transaction.
func (s *Service) createJob(ctx context.Context, tx pgx.Tx, e *Event, jobType, queueName string, body func(jobID uuid.UUID) any) (Job, error) {
	jobID := uuid.New()
	payload := body(jobID)
	req, _ := json.Marshal(payload)
	j, err := scanJob(tx.QueryRow(ctx, `INSERT INTO events.jobs (job_id, event_id, user_id, job_type, request, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING `+jobColumns, jobID, e.EventID, e.UserID, jobType, req, s.now()))
	if err != nil {
		return Job{}, fmt.Errorf("event: create job: %w", err)
	}
	m, err := queue.NewMessage("job-"+jobID.String(), queueName, jobType, e.EventID.String(), payload)
	if err != nil {
		return Job{}, err
	}
	return j, s.outbox.Enqueue(ctx, tx, m)
}

// regionOf takes the district from an address ("서울 강남구 테헤란로 1" ->
// "서울 강남구"), which is what the planner's regional data is keyed by.
func regionOf(address string) string {
	f := strings.Fields(address)
	if len(f) > 2 {
		f = f[:2]
	}
	return strings.Join(f, " ")
}

// RequestRecommendations queues the AI planner for a draft.
func (s *Service) RequestRecommendations(ctx context.Context, c user.Caller, id uuid.UUID, region *string, budget *int64) (Job, error) {
	var v apperr.Validation
	if region != nil {
		v.Check(runes(*region) <= 100, "region", "must be at most 100 characters")
	}
	if budget != nil {
		v.Check(*budget >= 0 && *budget <= 10_000_000_000, "budget", "must be a whole number of won from 0 to 10,000,000,000")
	}
	if err := v.Err(); err != nil {
		return Job{}, err
	}
	return s.startJob(ctx, c, id, JobRecommendation, func(tx pgx.Tx, e *Event, store user.Store) (Job, error) {
		msg := RecommendationJob{EventID: id, Objective: e.Objective, Industry: store.Industry, Region: regionOf(store.Address),
			Budget: deref64(e.Budget), StoreName: store.Name, Address: store.Address}
		if region != nil && strings.TrimSpace(*region) != "" {
			msg.Region = strings.TrimSpace(*region)
		}
		if budget != nil {
			msg.Budget = *budget
		}
		return s.createJob(ctx, tx, e, JobRecommendation, queue.AIRecommendationJobs, func(jobID uuid.UUID) any { msg.JobID = jobID; return msg })
	})
}

// RequestImages queues poster generation: one image per style x platform.
func (s *Service) RequestImages(ctx context.Context, c user.Caller, id uuid.UUID, in ImageRequest) (Job, error) {
	var v apperr.Validation
	if len(in.Styles) == 0 {
		in.Styles = Styles
	}
	if len(in.Platforms) == 0 {
		in.Platforms = Platforms
	}
	for _, st := range in.Styles {
		v.Check(slices.Contains(Styles, st), "styles", "%q is not one of %s", st, strings.Join(Styles, ", "))
	}
	for _, p := range in.Platforms {
		v.Check(slices.Contains(Platforms, p), "platforms", "%q is not one of %s", p, strings.Join(Platforms, ", "))
	}
	if in.BrandColor != nil {
		v.Check(hexColor.MatchString(*in.BrandColor), "brandColor", "must be a colour like #FF5733")
	}
	if err := v.Err(); err != nil {
		return Job{}, err
	}
	return s.startJob(ctx, c, id, JobImage, func(tx pgx.Tx, e *Event, store user.Store) (Job, error) {
		if e.SelectedRecommendationID == nil {
			return Job{}, apperr.New(apperr.Conflict, CodeNeedsPlanning, "select an AI recommendation first")
		}
		msg := s.imageJob(e, store)
		msg.Styles, msg.Platforms = dedupe(in.Styles), dedupe(in.Platforms)
		if in.BrandColor != nil {
			msg.BrandColor = strings.ToUpper(*in.BrandColor)
		}
		return s.createJob(ctx, tx, e, JobImage, queue.ImageGenerationJobs, func(jobID uuid.UUID) any { msg.JobID = jobID; return msg })
	})
}

// RequestImageEdit queues the re-render of one poster with edited texts and
// colours, as a new image (the old one stays).
func (s *Service) RequestImageEdit(ctx context.Context, c user.Caller, id, imageID uuid.UUID, edit ImageEdit) (Job, error) {
	var v apperr.Validation
	for field, p := range map[string]*string{"backgroundColor": edit.BackgroundColor, "textColor": edit.TextColor, "accentColor": edit.AccentColor} {
		if p != nil {
			v.Check(hexColor.MatchString(*p), field, "must be a colour like #FF5733")
		}
	}
	for field, p := range map[string]*string{"title": edit.Title, "prizeText": edit.PrizeText, "guideText": edit.GuideText} {
		if p != nil {
			v.Check(runes(*p) <= 200, field, "must be at most 200 characters")
		}
	}
	if err := v.Err(); err != nil {
		return Job{}, err
	}
	return s.startJob(ctx, c, id, JobImage, func(tx pgx.Tx, e *Event, store user.Store) (Job, error) {
		var style, platform string
		err := tx.QueryRow(ctx, `SELECT style, platform FROM events.generated_images WHERE event_id = $1 AND image_id = $2`, id, imageID).Scan(&style, &platform)
		if errors.Is(err, pgx.ErrNoRows) {
			return Job{}, apperr.New(apperr.NotFound, CodeItemNotFound, "this event has no such image")
		}
		if err != nil {
			return Job{}, err
		}
		msg := s.imageJob(e, store)
		msg.Styles, msg.Platforms, msg.SourceImageID, msg.Edit = []string{style}, []string{platform}, &imageID, &edit
		return s.createJob(ctx, tx, e, JobImage, queue.ImageGenerationJobs, func(jobID uuid.UUID) any { msg.JobID = jobID; return msg })
	})
}

func (s *Service) imageJob(e *Event, store user.Store) ImageJob {
	j := ImageJob{EventID: e.EventID, EventName: deref(e.EventName), Prize: deref(e.Prize), StoreName: store.Name, Industry: store.Industry}
	if e.StartDate != nil {
		j.StartDate = e.StartDate.String()
	}
	if e.EndDate != nil {
		j.EndDate = e.EndDate.String()
	}
	return j
}

func dedupe(in []string) []string {
	var out []string
	for _, v := range in {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// startJob runs fn on a locked draft of the caller's; the job and its
// message commit together and the message is sent right after.
func (s *Service) startJob(ctx context.Context, c user.Caller, id uuid.UUID, jobType string, fn func(tx pgx.Tx, e *Event, store user.Store) (Job, error)) (Job, error) {
	pre, err := loadOwned(ctx, s.db, c, id, false)
	if err != nil {
		return Job{}, err
	}
	store, err := s.stores.StoreByID(ctx, pre.StoreID)
	if err != nil {
		return Job{}, err
	}
	var j Job
	var expired []Job
	err = s.outbox.InTx(ctx, func(ctx context.Context, tx pgx.Tx) error {
		e, err := loadOwned(ctx, tx, c, id, true)
		if err != nil {
			return err
		}
		if e.Status != StatusDraft {
			return wrongState(e, "plan")
		}
		if expired, err = s.claimJobSlot(ctx, tx, e, jobType); err != nil { // AI_001, AI_002 (joblimits.go)
			return err
		}
		if j, err = fn(tx, e, store); err != nil {
			return err
		}
		return markLatestJob(ctx, tx, j)
	})
	if err != nil {
		return Job{}, err
	}
	for _, old := range expired {
		s.cacheJob(ctx, old)
		s.log.WarnContext(ctx, "job expired and replaced by a newer request", "jobId", old.JobID, "jobType", old.JobType, "eventId", id)
	}
	s.fillJobCache(ctx, j)
	s.log.InfoContext(ctx, "job queued", "jobId", j.JobID, "jobType", j.JobType, "eventId", id)
	return j, nil
}

// GetJob returns a job's status to its owner, from Redis when cached.
func (s *Service) GetJob(ctx context.Context, c user.Caller, jobID uuid.UUID) (Job, error) {
	var j Job
	if raw, err := s.rdb.Get(ctx, s.jobStatusKey(jobID)).Bytes(); err == nil {
		var cj cachedJob
		if json.Unmarshal(raw, &cj) == nil {
			j = cj.Job
			j.UserID = cj.Owner
		}
	}
	if j.JobID == uuid.Nil {
		var err error
		j, err = scanJob(s.db.QueryRow(ctx, `SELECT `+jobColumns+` FROM events.jobs WHERE job_id = $1`, jobID))
		if errors.Is(err, pgx.ErrNoRows) {
			return Job{}, apperr.New(apperr.NotFound, CodeJobNotFound, "no such job")
		}
		if err != nil {
			return Job{}, fmt.Errorf("event: job: %w", err)
		}
		s.fillJobCache(ctx, j)
	}
	if j.UserID != c.UserID && !c.IsAdmin() {
		return Job{}, apperr.New(apperr.Forbidden, CodeForbidden, "this job belongs to another owner")
	}
	return j, nil
}

// ErrJobSettled tells a worker the job is already COMPLETED or FAILED: the
// message is a duplicate, acknowledge it and do nothing.
var ErrJobSettled = errors.New("event: job already settled")

// BeginJob moves a job to PROCESSING (again, on a redelivery) and returns
// it. A settled job returns ErrJobSettled, a job that does not exist a
// permanent error (its message can never succeed).
func (s *Service) BeginJob(ctx context.Context, jobID uuid.UUID) (Job, error) {
	j, err := scanJob(s.db.QueryRow(ctx, `UPDATE events.jobs SET status = 'PROCESSING', progress = GREATEST(progress, 5),
		attempts = attempts + 1, started_at = coalesce(started_at, $2), updated_at = $2
		WHERE job_id = $1 AND status IN ('PENDING', 'PROCESSING') RETURNING `+jobColumns, jobID, s.now()))
	if errors.Is(err, pgx.ErrNoRows) {
		var exists bool
		err := s.db.QueryRow(ctx, `SELECT true FROM events.jobs WHERE job_id = $1`, jobID).Scan(&exists)
		if errors.Is(err, pgx.ErrNoRows) {
			return Job{}, errNoSuchJob(jobID)
		}
		if err != nil {
			return Job{}, fmt.Errorf("event: begin job: %w", err)
		}
		return Job{}, ErrJobSettled
	}
	if err != nil {
		return Job{}, fmt.Errorf("event: begin job: %w", err)
	}
	s.cacheJob(ctx, j)
	return j, nil
}

// errNoSuchJob is a worker's job that does not exist: permanent, its
// message can never succeed.
func errNoSuchJob(jobID uuid.UUID) error {
	return apperr.Permanent(apperr.New(apperr.Invalid, CodeJobNotFound, "no such job: "+jobID.String()))
}

// SetProgress records a running job's progress (0..99; 100 is completion).
func (s *Service) SetProgress(ctx context.Context, jobID uuid.UUID, progress int) error {
	j, err := scanJob(s.db.QueryRow(ctx, `UPDATE events.jobs SET progress = GREATEST(progress, $2), updated_at = $3
		WHERE job_id = $1 AND status = 'PROCESSING' RETURNING `+jobColumns, jobID, min(max(progress, 0), 99), s.now()))
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrJobSettled
	}
	if err != nil {
		return fmt.Errorf("event: job progress: %w", err)
	}
	s.cacheJob(ctx, j)
	return nil
}

// Origin says which generator produced a job's result and, when the AI one
// failed, why the built-in one stood in.
type Origin struct {
	Generator      string
	FallbackReason string
}

// finishJob settles a job inside tx and refreshes the cache after commit.
// Only the event's latest job of the type may store results: an older one
// (a slow or redelivered job a newer request replaced) is marked FAILED
// and ErrJobSuperseded returned, leaving the event as the newer job left
// it. The event's row is locked before the job's, the order startJob
// takes them in.
func (s *Service) finishJob(ctx context.Context, jobID uuid.UUID, origin Origin, fn func(tx pgx.Tx, j Job) error) error {
	var j Job
	superseded := false
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		var eventID uuid.UUID
		var jobType string
		err := tx.QueryRow(ctx, `SELECT event_id, job_type FROM events.jobs WHERE job_id = $1`, jobID).Scan(&eventID, &jobType)
		if errors.Is(err, pgx.ErrNoRows) {
			return errNoSuchJob(jobID)
		}
		if err != nil {
			return err
		}
		var latest *uuid.UUID // no row: the event is gone; NULL: no job since migration 018
		if err := tx.QueryRow(ctx, `SELECT `+latestColumn(jobType)+` FROM events.events WHERE event_id = $1 FOR UPDATE`, eventID).Scan(&latest); err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		j, err = scanJob(tx.QueryRow(ctx, `SELECT `+jobColumns+` FROM events.jobs WHERE job_id = $1 FOR UPDATE`, jobID))
		if err != nil {
			return err
		}
		if j.Status == JobCompleted || j.Status == JobFailed {
			return ErrJobSettled
		}
		if latest != nil && *latest != jobID {
			superseded = true
			j, err = scanJob(tx.QueryRow(ctx, `UPDATE events.jobs SET status = 'FAILED', error_message = $2, completed_at = $3, updated_at = $3
				WHERE job_id = $1 RETURNING `+jobColumns, jobID, supersededMessage, s.now()))
			return err
		}
		if err := fn(tx, j); err != nil {
			return err
		}
		var fallback *string
		if origin.FallbackReason != "" {
			fallback = &origin.FallbackReason
		}
		j, err = scanJob(tx.QueryRow(ctx, `UPDATE events.jobs SET status = 'COMPLETED', progress = 100, generator = left($2, 50), fallback_reason = $4,
			completed_at = $3, updated_at = $3, error_message = NULL WHERE job_id = $1 RETURNING `+jobColumns, jobID, origin.Generator, s.now(), fallback))
		return err
	})
	if err != nil {
		return err
	}
	s.cacheJob(ctx, j)
	if superseded {
		s.log.InfoContext(ctx, "job replaced by a newer one; its results were dropped", "jobId", jobID, "jobType", j.JobType, "eventId", j.EventID)
		return ErrJobSuperseded
	}
	return nil
}

// CompleteRecommendations stores a planner's plans for the job's event,
// replacing earlier plans (the owner asked again), and completes the job.
// A draft that moved on (published, deleted) keeps what it has.
func (s *Service) CompleteRecommendations(ctx context.Context, jobID uuid.UUID, recs []Recommendation, origin Origin) error {
	return s.finishJob(ctx, jobID, origin, func(tx pgx.Tx, j Job) error {
		e, err := loadEvent(ctx, tx, j.EventID, true)
		if errors.Is(err, errNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if e.Status != StatusDraft {
			return nil
		}
		now := s.now()
		if _, err := tx.Exec(ctx, `DELETE FROM events.ai_recommendations WHERE event_id = $1`, e.EventID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE events.events SET selected_recommendation_id = NULL, updated_at = $2 WHERE event_id = $1`, e.EventID, now); err != nil {
			return err
		}
		for _, r := range recs {
			if _, err := tx.Exec(ctx, `INSERT INTO events.ai_recommendations (event_id, job_id, budget_level, event_name, description, prize,
				participation_method, promotion_type, target_audience, estimated_cost, expected_roi, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)`,
				e.EventID, jobID, r.BudgetLevel, r.EventName, r.Description, r.Prize, r.ParticipationMethod, r.PromotionType,
				r.TargetAudience, r.EstimatedCost, r.ExpectedROI, now); err != nil {
				return fmt.Errorf("event: store recommendation: %w", err)
			}
		}
		return nil
	})
}

// NewImage is a rendered poster to attach to the job's event.
type NewImage struct {
	Style         string
	Platform      string
	URL           string
	Width, Height int
	SourceImageID *uuid.UUID
	Spec          json.RawMessage // what it was rendered from, for later edits
}

// CompleteImages attaches rendered posters to the job's event and
// completes the job.
func (s *Service) CompleteImages(ctx context.Context, jobID uuid.UUID, imgs []NewImage, origin Origin) error {
	return s.finishJob(ctx, jobID, origin, func(tx pgx.Tx, j Job) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT true FROM events.events WHERE event_id = $1`, j.EventID).Scan(&exists); errors.Is(err, pgx.ErrNoRows) {
			return nil
		} else if err != nil {
			return err
		}
		now := s.now()
		for _, img := range imgs {
			spec := img.Spec
			if spec == nil {
				spec = json.RawMessage(`{}`)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO events.generated_images (event_id, job_id, image_url, style, platform, width, height,
				source_image_id, spec, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`,
				j.EventID, jobID, img.URL, img.Style, img.Platform, img.Width, img.Height, img.SourceImageID, []byte(spec), now); err != nil {
				return fmt.Errorf("event: store image: %w", err)
			}
		}
		return nil
	})
}

// FailJob marks a job FAILED with a message the owner can read.
func (s *Service) FailJob(ctx context.Context, jobID uuid.UUID, message string) error {
	j, err := scanJob(s.db.QueryRow(ctx, `UPDATE events.jobs SET status = 'FAILED', error_message = $2, completed_at = $3, updated_at = $3
		WHERE job_id = $1 AND status IN ('PENDING', 'PROCESSING') RETURNING `+jobColumns, jobID, message, s.now()))
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrJobSettled
	}
	if err != nil {
		return fmt.Errorf("event: fail job: %w", err)
	}
	s.cacheJob(ctx, j)
	return nil
}

// ImageSpec returns what a poster was rendered from, for an edit's
// re-render. An image that is gone is permanent: the edit can never be made.
func (s *Service) ImageSpec(ctx context.Context, imageID uuid.UUID) (json.RawMessage, error) {
	var spec []byte
	err := s.db.QueryRow(ctx, `SELECT spec FROM events.generated_images WHERE image_id = $1`, imageID).Scan(&spec)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.Permanent(apperr.New(apperr.NotFound, CodeItemNotFound, "no such image"))
	}
	return spec, err
}

// sweepJobs fails jobs stuck in PENDING or PROCESSING beyond the timeout,
// so the owner's poll ends instead of spinning forever.
func (s *Service) sweepJobs(ctx context.Context, now time.Time) (int, error) {
	rows, err := s.db.Query(ctx, `UPDATE events.jobs SET status = 'FAILED', error_message = $2, completed_at = $1, updated_at = $1
		WHERE status IN ('PENDING', 'PROCESSING') AND created_at < $1::timestamptz - make_interval(secs => $3::float8)
		RETURNING `+jobColumns, now, "timed out after "+s.cfg.JobTimeout.String(), s.cfg.JobTimeout.Seconds())
	if err != nil {
		return 0, fmt.Errorf("event: sweep jobs: %w", err)
	}
	jobs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Job, error) { return scanJob(r) })
	if err != nil {
		return 0, err
	}
	for _, j := range jobs {
		s.cacheJob(ctx, j)
		s.log.WarnContext(ctx, "job timed out", "jobId", j.JobID, "jobType", j.JobType)
	}
	return len(jobs), nil
}
