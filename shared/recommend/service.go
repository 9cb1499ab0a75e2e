package recommend

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/eventmkt/backend/shared/openai"
)

// storeToken stands for the store's name in cached plans, which are shared
// by every store with the same key and must not carry another store's name.
const storeToken = "{{STORE}}"

// CacheTTL keeps an AI answer for a day, as the seed design did.
const CacheTTL = 24 * time.Hour

// Outcome is a set of plans and where they came from.
type Outcome struct {
	Plans          []Plan `json:"plans"`
	Generator      string `json:"generator"`
	FallbackReason string `json:"fallbackReason,omitempty"`
	Cached         bool   `json:"-"`
}

// Service plans with the AI when one is configured, falls back to the
// built-in planner when it fails, and caches AI answers per exact prompt
// (the store's name is never in it: the model writes {{STORE}}).
type Service struct {
	ai      *AI // nil: built-in only
	builtin *Builtin
	rdb     goredis.UniversalClient
	log     *slog.Logger
	// FallbackBudget is the time kept back from the caller's deadline for
	// the built-in planner and for storing its plans: the AI call is cut
	// short that much before the deadline, and the fallback runs on a
	// context of its own with this budget, so a hanging AI endpoint still
	// ends in plans. 0 means DefaultFallbackBudget.
	FallbackBudget time.Duration
	// KeyPrefix goes in front of the plan cache's Redis keys ("" in
	// production; tests isolate with one).
	KeyPrefix string
}

// DefaultFallbackBudget is FallbackBudget's default (AI_FALLBACK_BUDGET_SECONDS).
const DefaultFallbackBudget = 20 * time.Second

func (s *Service) fallbackBudget() time.Duration {
	if s.FallbackBudget > 0 {
		return s.FallbackBudget
	}
	return DefaultFallbackBudget
}

// NewService wires the planners; ai may be nil.
func NewService(ai *AI, builtin *Builtin, rdb goredis.UniversalClient, log *slog.Logger) *Service {
	return &Service{ai: ai, builtin: builtin, rdb: rdb, log: log}
}

// Plan returns three plans for req. Only AI answers are cached: the
// built-in planner is deterministic and answers in microseconds, faster
// than a cache round trip, and it writes the real store name with the right
// Korean particles, which a cached template could not.
func (s *Service) Plan(ctx context.Context, req Request) (Outcome, error) {
	if s.ai == nil {
		return s.builtinPlan(ctx, req, "")
	}
	store := req.StoreName
	if store == "" {
		store = "우리 가게"
	}
	generic := req
	generic.StoreName = storeToken
	key := s.KeyPrefix + s.ai.cacheKey(generic) // what the model is asked, no more and no less: never another store's free text
	if raw, err := s.rdb.Get(ctx, key).Bytes(); err == nil {
		var out Outcome
		if json.Unmarshal(raw, &out) == nil && Validate(out.Plans) == nil {
			out.Cached = true
			return withStore(out, store), nil
		}
	}
	plans, err := s.aiPlan(ctx, generic)
	if err != nil {
		why := reason(err)
		s.log.WarnContext(ctx, "AI planner failed; the built-in planner stands in", "reason", why, "error", err)
		// The fallback has a budget of its own: the AI may have used up
		// (or the host cancelled) the caller's context.
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.fallbackBudget())
		defer cancel()
		return s.builtinPlan(fctx, req, why)
	}
	out := Outcome{Plans: plans, Generator: s.ai.Name()}
	if b, err := json.Marshal(out); err == nil {
		if err := s.rdb.Set(ctx, key, b, CacheTTL).Err(); err != nil {
			s.log.WarnContext(ctx, "plan cache unavailable", "error", err)
		}
	}
	return withStore(out, store), nil
}

// errNoTimeForAI: the caller's deadline leaves no time for an AI call
// before the fallback budget.
var errNoTimeForAI = fmt.Errorf("no time left for the AI before the deadline: %w", context.DeadlineExceeded)

// aiPlan asks the AI, ending the call FallbackBudget before ctx's deadline
// (whatever the client's own per-attempt timeout and retries would allow),
// so the built-in planner and the job's write still fit before it.
func (s *Service) aiPlan(ctx context.Context, req Request) ([]Plan, error) {
	if dl, ok := ctx.Deadline(); ok {
		cut := dl.Add(-s.fallbackBudget())
		if !time.Now().Before(cut) {
			return nil, errNoTimeForAI
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, cut)
		defer cancel()
	}
	return s.ai.Plan(ctx, req)
}

func (s *Service) builtinPlan(ctx context.Context, req Request, fallbackReason string) (Outcome, error) {
	plans, err := s.builtin.Plan(ctx, req)
	if err != nil {
		return Outcome{}, err
	}
	return Outcome{Plans: plans, Generator: "builtin", FallbackReason: fallbackReason}, nil
}

// reason says in a few words why the AI answer was not used.
func reason(err error) string {
	var se *openai.StatusError
	switch {
	case errors.Is(err, openai.ErrCircuitOpen):
		return "AI endpoint unavailable (circuit open)"
	case errors.Is(err, openai.ErrMalformed):
		return "AI answer rejected: " + truncate(err.Error(), 200)
	case errors.As(err, &se):
		return fmt.Sprintf("AI endpoint answered HTTP %d", se.Status)
	case errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "deadline exceeded") || strings.Contains(err.Error(), "Timeout"):
		return "AI endpoint timed out"
	default:
		return "AI endpoint failed: " + truncate(err.Error(), 200)
	}
}

func withStore(out Outcome, store string) Outcome {
	plans := make([]Plan, len(out.Plans))
	for i, p := range out.Plans {
		for _, f := range []*string{&p.EventName, &p.Description, &p.Prize, &p.ParticipationMethod, &p.TargetAudience} {
			*f = strings.ReplaceAll(*f, storeToken, store)
		}
		plans[i] = p
	}
	out.Plans = plans
	return out
}
