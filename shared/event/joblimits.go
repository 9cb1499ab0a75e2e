package event

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/eventmkt/backend/shared/apperr"
)

// Limits on AI plan and poster jobs, which cost money (a model call, up to
// nine rendered posters and three painted backdrops) and time:
//
//   - one job in flight per (event, type): a second request while one is
//     PENDING or PROCESSING is AI_001 naming the running job, whose poll
//     the console can follow instead. Settling the job (COMPLETED or FAILED)
//     frees the slot; a job not settled within JobTimeout (its worker died)
//     no longer holds it: the next request marks it FAILED and takes over.
//   - a daily quota per owner and type (PlanJobsPerDay, PosterJobsPerDay;
//     poster edits count as poster jobs), over all the owner's events, the
//     day being the calendar day in TimeZone: AI_002 with Retry-After until
//     the next midnight. Jobs are never deleted (a deleted event keeps its
//     jobs), so deleting drafts does not buy more.
//   - only the latest job of a type writes results into the event
//     (events.latest_*_job_id, checked under the event's row lock in
//     finishJob): a job that was replaced finishes FAILED, storing nothing.
//
// Requests for one owner are serialised by an advisory lock on the owner,
// so concurrent requests cannot overrun the quota.

// ErrJobSuperseded tells a worker that a newer job of the same type was
// queued for the event: its results were not stored and the job is FAILED.
// It is an ErrJobSettled, so workers acknowledge it like a duplicate.
var ErrJobSuperseded = fmt.Errorf("%w: a newer job of its type replaced it", ErrJobSettled)

// supersededMessage is what the owner's poll of a replaced job shows.
const supersededMessage = "replaced by a newer request; its results were not used"

// ownerJobLock is the advisory lock key of an owner's job requests.
func ownerJobLock(owner uuid.UUID) int64 {
	return int64(binary.BigEndian.Uint64(owner[:8]) ^ 0x4a4f4251554f5441) // "JOBQUOTA"
}

// latestColumn is the events column naming the latest job of a type.
func latestColumn(jobType string) string {
	if jobType == JobRecommendation {
		return "latest_recommendation_job_id"
	}
	return "latest_image_job_id"
}

// claimJobSlot runs inside the request's transaction, with the event's row
// locked, before the job is inserted. It refuses a request while a job of
// the type runs for the event (AI_001) or once the owner's daily quota is
// used (AI_002), and fails the event's expired jobs of the type, which it
// returns so the caller can refresh their cached status after commit.
func (s *Service) claimJobSlot(ctx context.Context, tx pgx.Tx, e *Event, jobType string) ([]Job, error) {
	now := s.now()
	var running uuid.UUID
	err := tx.QueryRow(ctx, `SELECT job_id FROM events.jobs WHERE event_id = $1 AND job_type = $2 AND status IN ('PENDING', 'PROCESSING')
		AND created_at > $3 ORDER BY created_at DESC LIMIT 1`, e.EventID, jobType, now.Add(-s.cfg.JobTimeout)).Scan(&running)
	switch {
	case err == nil:
		return nil, apperr.New(apperr.TooMany, CodeJobRunning, "a job of this kind is already running for this event; follow it (jobId) or wait until it ends").
			With("jobId", running.String())
	case !errors.Is(err, pgx.ErrNoRows):
		return nil, fmt.Errorf("event: running job: %w", err)
	}
	if limit := s.dailyLimit(jobType); limit > 0 {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, ownerJobLock(e.UserID)); err != nil {
			return nil, fmt.Errorf("event: job quota lock: %w", err)
		}
		local := now.In(s.cfg.TimeZone)
		dayStart := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, s.cfg.TimeZone)
		var used int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM events.jobs WHERE user_id = $1 AND job_type = $2 AND created_at >= $3`,
			e.UserID, jobType, dayStart).Scan(&used); err != nil {
			return nil, fmt.Errorf("event: job quota: %w", err)
		}
		if used >= limit {
			secs := max(1, int(math.Ceil(dayStart.AddDate(0, 0, 1).Sub(now).Seconds())))
			return nil, apperr.New(apperr.TooMany, CodeJobQuota, fmt.Sprintf("the daily limit of %d jobs of this kind is used up; it resets at midnight", limit)).
				RetryAfter(secs)
		}
	}
	rows, err := tx.Query(ctx, `UPDATE events.jobs SET status = 'FAILED', error_message = $3, completed_at = $4, updated_at = $4
		WHERE event_id = $1 AND job_type = $2 AND status IN ('PENDING', 'PROCESSING') RETURNING `+jobColumns,
		e.EventID, jobType, "timed out after "+s.cfg.JobTimeout.String()+"; "+supersededMessage, now)
	if err != nil {
		return nil, fmt.Errorf("event: expire jobs: %w", err)
	}
	expired, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Job, error) { return scanJob(r) })
	if err != nil {
		return nil, fmt.Errorf("event: expire jobs: %w", err)
	}
	return expired, nil
}

func (s *Service) dailyLimit(jobType string) int {
	if jobType == JobRecommendation {
		return s.cfg.PlanJobsPerDay
	}
	return s.cfg.PosterJobsPerDay
}

// markLatestJob records j as the event's latest job of its type.
func markLatestJob(ctx context.Context, tx pgx.Tx, j Job) error {
	if _, err := tx.Exec(ctx, `UPDATE events.events SET `+latestColumn(j.JobType)+` = $2 WHERE event_id = $1`, j.EventID, j.JobID); err != nil {
		return fmt.Errorf("event: latest job: %w", err)
	}
	return nil
}
