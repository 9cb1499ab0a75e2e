// Package recommend plans marketing events for small shops: given the shop's
// industry, district and the owner's objective it proposes three event plans,
// a low, a mid and a high budget one, for the owner to pick from.
//
// The AI adapter and the built-in planner both answer through Planner, and
// both answers go through Validate before they are stored, so the rest of the
// system can rely on the shape of a plan set whoever made it.
package recommend

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// Request is what the planner plans for.
type Request struct {
	Industry  string     // free text from the store profile: "카페", "음식점", "헤어샵", "Coffee shop" ...
	Region    string     // district, e.g. "서울 강남구" (may be empty)
	Objective string     // NEW_CUSTOMERS, REVISIT, SALES_INCREASE or AWARENESS
	Budget    int64      // KRW the owner indicated; 0 = not given
	StoreName string     // may be empty
	Month     time.Month // the month the event runs in, for the season
}

// Plan is one proposal. The rune limits in Validate follow the columns of
// events.ai_recommendations and what fits on a poster and a phone screen.
type Plan struct {
	BudgetLevel         string  // "LOW", "MID", "HIGH"
	EventName           string  // <= 60 runes, Korean
	Description         string  // 2-4 Korean sentences, <= 400 runes
	Prize               string  // <= 60 runes
	ParticipationMethod string  // <= 60 runes, e.g. "매장 QR 스캔 후 이름·연락처 입력"
	PromotionType       string  // <= 50 chars, an upper-case code like "STAMP", "DRAW", "SNS_SHARE"
	TargetAudience      string  // <= 100 runes, Korean
	EstimatedCost       int64   // KRW, rounded to 10,000
	ExpectedROI         float64 // percent, one decimal
}

// Planner proposes exactly three plans, LOW, MID and HIGH in that order.
type Planner interface {
	Plan(ctx context.Context, req Request) ([]Plan, error)
}

// Objectives lists the four objectives an owner can pick (the same list as
// event.Objectives; kept here so the planner has no dependency on the event
// package).
var Objectives = []string{"NEW_CUSTOMERS", "REVISIT", "SALES_INCREASE", "AWARENESS"}

// Levels are the budget levels of a plan set, in the order a planner returns them.
var Levels = []string{"LOW", "MID", "HIGH"}

// Limits of a plan's fields, in runes (characters), as Validate checks them.
const (
	MaxEventNameRunes     = 60
	MaxDescriptionRunes   = 400
	MaxPrizeRunes         = 60
	MaxParticipationRunes = 60
	MaxPromotionTypeRunes = 50
	MaxTargetRunes        = 100
	MinExpectedROI        = -100.0 // every won lost
	MaxExpectedROI        = 1000.0 // anything above is a model's fantasy, not a plan
)

// ValidationError lists everything wrong with a plan set, one problem per
// entry, each naming the plan index (0-based), its level and the JSON field
// ("plan 1 (MID) eventName: ..."). The AI adapter can hand the problems back
// to the model verbatim when it asks again.
type ValidationError struct {
	Problems []string
}

func (e *ValidationError) Error() string {
	return "recommend: invalid plans: " + strings.Join(e.Problems, "; ")
}

// Validate checks a plan set before it is stored: exactly three plans, levels
// LOW, MID, HIGH in order, every text field non-empty valid UTF-8 within its
// rune limit, promotion types upper-case codes, costs above zero and strictly
// increasing, ROI within [-100, 1000] and event names distinct. It returns a
// *ValidationError listing every problem, or nil.
func Validate(plans []Plan) error {
	var problems []string
	if len(plans) != len(Levels) {
		problems = append(problems, fmt.Sprintf("want %d plans (LOW, MID, HIGH), got %d", len(Levels), len(plans)))
	}
	names := make(map[string]int, len(plans))
	for i, p := range plans {
		bad := func(field, format string, args ...any) {
			problems = append(problems, fmt.Sprintf("plan %d (%s) %s: ", i, p.BudgetLevel, field)+fmt.Sprintf(format, args...))
		}
		if i < len(Levels) && p.BudgetLevel != Levels[i] {
			bad("budgetLevel", "is %q, want %q (plans go LOW, MID, HIGH)", p.BudgetLevel, Levels[i])
		}
		text := []struct {
			field, value string
			max          int
		}{
			{"eventName", p.EventName, MaxEventNameRunes},
			{"description", p.Description, MaxDescriptionRunes},
			{"prize", p.Prize, MaxPrizeRunes},
			{"participationMethod", p.ParticipationMethod, MaxParticipationRunes},
			{"promotionType", p.PromotionType, MaxPromotionTypeRunes},
			{"targetAudience", p.TargetAudience, MaxTargetRunes},
		}
		for _, f := range text {
			switch n := utf8.RuneCountInString(f.value); {
			case !utf8.ValidString(f.value):
				bad(f.field, "is not valid UTF-8")
			case strings.TrimSpace(f.value) == "":
				bad(f.field, "must not be empty")
			case n > f.max:
				bad(f.field, "is %d characters, at most %d allowed", n, f.max)
			}
		}
		if strings.TrimSpace(p.PromotionType) != "" && !isCode(p.PromotionType) {
			bad("promotionType", "%q is not an upper-case code like STAMP or SNS_SHARE", p.PromotionType)
		}
		if p.EstimatedCost <= 0 {
			bad("estimatedCost", "must be above 0, got %d", p.EstimatedCost)
		} else if i > 0 && plans[i-1].EstimatedCost > 0 && p.EstimatedCost <= plans[i-1].EstimatedCost {
			bad("estimatedCost", "%d is not above the previous plan's %d (costs must increase LOW < MID < HIGH)", p.EstimatedCost, plans[i-1].EstimatedCost)
		}
		if math.IsNaN(p.ExpectedROI) || p.ExpectedROI < MinExpectedROI || p.ExpectedROI > MaxExpectedROI {
			bad("expectedRoi", "%v is outside %v..%v percent", p.ExpectedROI, MinExpectedROI, MaxExpectedROI)
		}
		key := strings.TrimSpace(p.EventName)
		if j, dup := names[key]; dup && key != "" {
			bad("eventName", "%q repeats plan %d's name", p.EventName, j)
		} else {
			names[key] = i
		}
	}
	if len(problems) > 0 {
		return &ValidationError{Problems: problems}
	}
	return nil
}

// isCode reports whether s is an upper-case code: A-Z, 0-9 and underscores,
// starting with a letter.
func isCode(s string) bool {
	for i, r := range s {
		switch {
		case r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '_'):
		default:
			return false
		}
	}
	return s != ""
}
