package apperr_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/eventmkt/backend/shared/apperr"
)

// The permanent mark travels through wrapping and leaves the kind and code
// as they were.
func TestPermanent(t *testing.T) {
	t.Parallel()
	bad := apperr.Invalidf("TEST_001", "not a job")
	tests := []struct {
		name      string
		err       error
		permanent bool
		kind      apperr.Kind
		code      string
	}{
		{"nil", nil, false, apperr.Internal, ""},
		{"marked", apperr.Permanent(bad), true, apperr.Invalid, "TEST_001"},
		{"marked, then wrapped", fmt.Errorf("job 7: %w", apperr.Permanent(bad)), true, apperr.Invalid, "TEST_001"},
		{"classified after marking", apperr.Wrap(apperr.Permanent(errors.New("gone")), apperr.NotFound, "TEST_404", "no such job"), true, apperr.NotFound, "TEST_404"},
		{"marked plain error", apperr.Permanent(errors.New("unknown objective")), true, apperr.Internal, ""},
		{"invalid, not marked", bad, false, apperr.Invalid, "TEST_001"},
		{"transient", apperr.Wrap(errors.New("refused"), apperr.Unavailable, "", "down"), false, apperr.Unavailable, ""},
		{"deadline", fmt.Errorf("call: %w", context.DeadlineExceeded), false, apperr.Internal, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := apperr.IsPermanent(tt.err); got != tt.permanent {
				t.Errorf("IsPermanent = %v, want %v", got, tt.permanent)
			}
			if tt.err == nil {
				if apperr.Permanent(nil) != nil {
					t.Error("Permanent(nil) is not nil")
				}
				return
			}
			if got := apperr.As(tt.err); got.Kind != tt.kind || got.Code != tt.code {
				t.Errorf("As = %v %q, want %v %q", got.Kind, got.Code, tt.kind, tt.code)
			}
		})
	}
	if err := apperr.Permanent(bad); err.Error() != bad.Error() || !errors.Is(err, bad) {
		t.Errorf("the mark changed the error: %q", err)
	}
}

// RetryAfter is what RetryAfterSeconds reads back, and the problem member a
// client sees; other members stay.
func TestRetryAfter(t *testing.T) {
	t.Parallel()
	base := apperr.New(apperr.TooMany, "TEST_429", "slow down").With("remainingTries", 0)
	tests := []struct {
		name   string
		err    *apperr.Error
		secs   int
		ok     bool
		member any
	}{
		{"set", base.RetryAfter(42), 42, true, 42},
		{"zero is a wait too", base.RetryAfter(0), 0, true, 0},
		{"none", base, 0, false, nil},
		{"not an int", base.With("retryAfterSeconds", "soon"), 0, false, "soon"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			secs, ok := tt.err.RetryAfterSeconds()
			if secs != tt.secs || ok != tt.ok {
				t.Errorf("RetryAfterSeconds = %d, %v, want %d, %v", secs, ok, tt.secs, tt.ok)
			}
			if got := tt.err.Extra["retryAfterSeconds"]; got != tt.member {
				t.Errorf("member %v, want %v", got, tt.member)
			}
			if tt.err.Extra["remainingTries"] != 0 {
				t.Errorf("other members lost: %v", tt.err.Extra)
			}
		})
	}
	if _, ok := base.RetryAfterSeconds(); ok {
		t.Error("RetryAfter changed the error it was called on")
	}
}
