package recommend

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/event"
)

// Jobs runs the ai-recommendation-jobs queue: it moves the job through its
// states and stores the plans with the event.
type Jobs struct {
	events  *event.Service
	planner *Service
	log     *slog.Logger
	now     func() time.Time
	loc     *time.Location
	// GiveUpAfter deliveries, a job that still fails is marked FAILED so the
	// owner's poll ends (the message then completes).
	GiveUpAfter int
}

// NewJobs wires the worker.
func NewJobs(events *event.Service, planner *Service, log *slog.Logger, loc *time.Location, now func() time.Time) *Jobs {
	if now == nil {
		now = time.Now
	}
	return &Jobs{events: events, planner: planner, log: log, now: now, loc: loc, GiveUpAfter: 5}
}

// Run handles one delivery. nil completes the message; a permanent error
// (apperr.IsPermanent) marks it poison; any other error asks for a
// redelivery.
func (j *Jobs) Run(ctx context.Context, msg event.RecommendationJob, delivery int) error {
	if _, err := j.events.BeginJob(ctx, msg.JobID); err != nil {
		if errors.Is(err, event.ErrJobSettled) {
			j.log.InfoContext(ctx, "recommendation job already settled; duplicate delivery ignored", "jobId", msg.JobID)
			return nil
		}
		return err
	}
	_ = j.events.SetProgress(ctx, msg.JobID, 30)
	out, err := j.planner.Plan(ctx, Request{Industry: msg.Industry, Region: msg.Region, Objective: msg.Objective, Budget: msg.Budget,
		StoreName: msg.StoreName, Month: j.now().In(j.loc).Month()})
	if err != nil {
		return j.fail(ctx, msg, delivery, err)
	}
	recs := make([]event.Recommendation, len(out.Plans))
	for i, p := range out.Plans {
		recs[i] = event.Recommendation{BudgetLevel: p.BudgetLevel, EventName: p.EventName, Description: p.Description, Prize: p.Prize,
			ParticipationMethod: p.ParticipationMethod, PromotionType: p.PromotionType, TargetAudience: p.TargetAudience,
			EstimatedCost: p.EstimatedCost, ExpectedROI: p.ExpectedROI}
	}
	err = j.events.CompleteRecommendations(ctx, msg.JobID, recs, event.Origin{Generator: out.Generator, FallbackReason: out.FallbackReason})
	if errors.Is(err, event.ErrJobSettled) {
		return nil
	}
	if err != nil {
		return j.fail(ctx, msg, delivery, err)
	}
	j.log.InfoContext(ctx, "recommendations ready", "jobId", msg.JobID, "eventId", msg.EventID, "generator", out.Generator,
		"fallbackReason", out.FallbackReason, "cached", out.Cached)
	return nil
}

// fail decides between a retry and the end: a permanent problem or the
// last allowed delivery marks the job FAILED and completes the message.
func (j *Jobs) fail(ctx context.Context, msg event.RecommendationJob, delivery int, cause error) error {
	if !apperr.IsPermanent(cause) && delivery < j.GiveUpAfter {
		return fmt.Errorf("recommendation job %s (delivery %d): %w", msg.JobID, delivery, cause)
	}
	if err := j.events.FailJob(ctx, msg.JobID, "plans could not be generated: "+truncate(cause.Error(), 300)); err != nil && !errors.Is(err, event.ErrJobSettled) {
		return err
	}
	j.log.ErrorContext(ctx, "recommendation job failed", "jobId", msg.JobID, "delivery", delivery, "error", cause)
	return nil
}
