package event_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/event"
)

// What a job worker is told about a job: one that does not exist is a
// permanent failure (its message can never succeed), a settled one is
// ErrJobSettled, and a database that does not answer is transient.
func TestWorkerJobErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newReadyEvent(t, counter, nil)
	job, err := r.svc.RequestRecommendations(ctx, r.caller, r.id, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.svc.FailJob(ctx, job.JobID, "settled for the test"); err != nil {
		t.Fatal(err)
	}
	missing := uuid.New()
	tests := []struct {
		name      string
		call      func() error
		permanent bool
		kind      apperr.Kind
		code      string
		settled   bool
	}{
		{"begin a job that does not exist", func() error { _, err := r.svc.BeginJob(ctx, missing); return err },
			true, apperr.Invalid, event.CodeJobNotFound, false},
		{"complete a job that does not exist", func() error {
			return r.svc.CompleteRecommendations(ctx, missing, nil, event.Origin{Generator: "builtin"})
		}, true, apperr.Invalid, event.CodeJobNotFound, false},
		{"the spec of an image that is gone", func() error { _, err := r.svc.ImageSpec(ctx, missing); return err },
			true, apperr.NotFound, event.CodeItemNotFound, false},
		{"begin a settled job", func() error { _, err := r.svc.BeginJob(ctx, job.JobID); return err },
			false, apperr.Internal, "", true},
		{"fail a job that does not exist", func() error { return r.svc.FailJob(ctx, missing, "x") },
			false, apperr.Internal, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if err == nil {
				t.Fatal("no error")
			}
			if got := apperr.IsPermanent(err); got != tt.permanent {
				t.Errorf("IsPermanent(%v) = %v, want %v", err, got, tt.permanent)
			}
			if e := apperr.As(err); e.Kind != tt.kind || e.Code != tt.code {
				t.Errorf("classified %v %q, want %v %q", e.Kind, e.Code, tt.kind, tt.code)
			}
			if got := errors.Is(err, event.ErrJobSettled); got != tt.settled {
				t.Errorf("ErrJobSettled: %v, want %v", got, tt.settled)
			}
		})
	}
	// Last, with the database gone: retrying may help, so not permanent.
	r.db.Close()
	if _, err := r.svc.BeginJob(ctx, missing); err == nil || apperr.IsPermanent(err) {
		t.Errorf("begin with the database gone: %v, want a transient error", err)
	}
}
