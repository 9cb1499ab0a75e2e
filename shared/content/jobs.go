package content

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/event"
)

// completeTimeout bounds the write of a finished job's posters.
const completeTimeout = 10 * time.Second

// Jobs runs the image-generation-jobs queue.
type Jobs struct {
	events  *event.Service
	posters *Service
	log     *slog.Logger
	// GiveUpAfter deliveries a failing job is marked FAILED.
	GiveUpAfter int
}

// NewJobs wires the worker.
func NewJobs(events *event.Service, posters *Service, log *slog.Logger) *Jobs {
	return &Jobs{events: events, posters: posters, log: log, GiveUpAfter: 5}
}

// Run handles one delivery: a set of styles x platforms, or the re-render of
// one poster with the editor's changes.
func (j *Jobs) Run(ctx context.Context, msg event.ImageJob, delivery int) error {
	if _, err := j.events.BeginJob(ctx, msg.JobID); err != nil {
		if errors.Is(err, event.ErrJobSettled) {
			j.log.InfoContext(ctx, "image job already settled; duplicate delivery ignored", "jobId", msg.JobID)
			return nil
		}
		return err
	}
	specs := SpecsFor(msg)
	if msg.SourceImageID != nil {
		raw, err := j.events.ImageSpec(ctx, *msg.SourceImageID)
		if err != nil {
			return j.fail(ctx, msg, delivery, err)
		}
		var src PosterSpec
		if err := json.Unmarshal(raw, &src); err != nil || src.Style == "" {
			src = specs[0] // posters made before specs were kept: rebuild from the event
		}
		specs = []PosterSpec{ApplyEdit(src, *msg.Edit)}
	}
	if len(specs) == 0 {
		return j.fail(ctx, msg, delivery, apperr.Permanent(apperr.Invalidf("JOB_002", "the job asks for no posters")))
	}
	posters, origin, err := j.posters.Render(ctx, msg.EventID, msg.JobID, msg.Industry, specs, func(done int) {
		_ = j.events.SetProgress(ctx, msg.JobID, 10+done*85/len(specs))
	})
	if err != nil {
		return j.fail(ctx, msg, delivery, err)
	}
	imgs := make([]event.NewImage, len(posters))
	for i, p := range posters {
		imgs[i] = event.NewImage{Style: p.Style, Platform: p.Platform, URL: p.URL, Width: p.Width, Height: p.Height,
			SourceImageID: msg.SourceImageID, Spec: specJSON(p.Spec)}
	}
	// The posters exist: record them even if the fallback used the rest of
	// the invocation's time (a write on a context of its own).
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), completeTimeout)
	defer cancel()
	if err := j.events.CompleteImages(wctx, msg.JobID, imgs, origin); err != nil && !errors.Is(err, event.ErrJobSettled) {
		return j.fail(ctx, msg, delivery, err)
	}
	j.log.InfoContext(ctx, "posters ready", "jobId", msg.JobID, "eventId", msg.EventID, "count", len(imgs), "generator", origin.Generator, "fallbackReason", origin.FallbackReason)
	return nil
}

// fail decides between a retry and the end: a permanent problem
// (apperr.IsPermanent) or the last allowed delivery marks the job FAILED
// and completes the message.
func (j *Jobs) fail(ctx context.Context, msg event.ImageJob, delivery int, cause error) error {
	if !apperr.IsPermanent(cause) && delivery < j.GiveUpAfter {
		return fmt.Errorf("image job %s (delivery %d): %w", msg.JobID, delivery, cause)
	}
	msgText := cause.Error()
	if len(msgText) > 300 {
		msgText = msgText[:300]
	}
	if err := j.events.FailJob(ctx, msg.JobID, "posters could not be made: "+msgText); err != nil && !errors.Is(err, event.ErrJobSettled) {
		return err
	}
	j.log.ErrorContext(ctx, "image job failed", "jobId", msg.JobID, "delivery", delivery, "error", cause)
	return nil
}
