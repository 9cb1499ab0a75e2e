package recommend

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/eventmkt/backend/shared/openai"
)

// Chat is what the AI planner needs from a chat model: a structured answer
// and the model's name for records. *openai.Client is the real one.
type Chat interface {
	ChatJSON(ctx context.Context, system, user, schemaName string, schema json.RawMessage, out any) error
	ChatModel() string
}

// AI plans with an OpenAI-compatible chat model, asking for a JSON-schema
// structured answer, then repairs what can be repaired (whitespace, lengths,
// rounding, order) and rejects the rest.
type AI struct {
	client Chat
}

// NewAI wraps a client.
func NewAI(c Chat) *AI { return &AI{client: c} }

// Name identifies the generator in job records.
func (a *AI) Name() string { return "openai:" + a.client.ChatModel() }

// aiPlan is Plan as the model writes it.
type aiPlan struct {
	BudgetLevel         string  `json:"budgetLevel"`
	EventName           string  `json:"eventName"`
	Description         string  `json:"description"`
	Prize               string  `json:"prize"`
	ParticipationMethod string  `json:"participationMethod"`
	PromotionType       string  `json:"promotionType"`
	TargetAudience      string  `json:"targetAudience"`
	EstimatedCost       float64 `json:"estimatedCost"`
	ExpectedROI         float64 `json:"expectedRoi"`
}

// planSchema is the answer's JSON schema (strict mode: every property
// required, no others).
var planSchema = json.RawMessage(`{
  "type": "object",
  "additionalProperties": false,
  "required": ["plans"],
  "properties": {
    "plans": {
      "type": "array",
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": ["budgetLevel", "eventName", "description", "prize", "participationMethod", "promotionType", "targetAudience", "estimatedCost", "expectedRoi"],
        "properties": {
          "budgetLevel": {"type": "string", "enum": ["LOW", "MID", "HIGH"]},
          "eventName": {"type": "string", "description": "Korean, at most 60 characters"},
          "description": {"type": "string", "description": "2-4 Korean sentences"},
          "prize": {"type": "string"},
          "participationMethod": {"type": "string"},
          "promotionType": {"type": "string", "description": "upper-case code such as STAMP, DRAW, INSTANT_WIN, SNS_SHARE, REVIEW, BUNDLE, FIRST_VISIT, REFERRAL, SEASONAL"},
          "targetAudience": {"type": "string"},
          "estimatedCost": {"type": "integer", "description": "KRW"},
          "expectedRoi": {"type": "number", "description": "percent"}
        }
      }
    }
  }
}`)

const systemPrompt = `당신은 한국 소상공인을 위한 이벤트 마케팅 기획 전문가입니다. 가게의 업종, 지역, 계절, 목표와 예산에 맞춰
실행 가능한 이벤트 기획안을 정확히 3개(LOW, MID, HIGH 예산 순서) 제안합니다. 모든 문구는 자연스러운 한국어로 쓰고,
비용은 원 단위 정수, 기대 ROI는 (기대매출 - 비용) / 비용 x 100 으로 계산한 퍼센트입니다. 예산이 클수록 비용이 커야 합니다.
가게 이름이 필요하면 {{STORE}} 라고 그대로 쓰세요.`

// The owner's free text as it reaches the model: one line, at most this
// many characters (the profile allows 100 for the industry and the request
// 100 for the region; a category and a district need far fewer, and less
// text is less room for instructions aimed at the model).
const (
	MaxPromptIndustryRunes = 40
	MaxPromptRegionRunes   = 40
)

// promptInput is everything the model is told about the request, in a
// fixed order: the plan cache is keyed on exactly this (see Service.Plan).
type promptInput struct {
	Industry  string `json:"industry"`
	Region    string `json:"region"`
	Objective string `json:"objective"`
	Budget    int64  `json:"budgetKRW"`
	Month     int    `json:"month"`
	Store     string `json:"store"`
}

// userPrompt is the user message for req: its free text normalised to one
// line and capped.
func userPrompt(req Request) string {
	b, _ := json.Marshal(promptInput{Industry: oneLine(req.Industry, MaxPromptIndustryRunes), Region: oneLine(req.Region, MaxPromptRegionRunes),
		Objective: req.Objective, Budget: req.Budget, Month: int(req.Month), Store: oneLine(req.StoreName, MaxEventNameRunes)})
	return "이 가게의 이벤트 기획안 3개를 만들어 주세요: " + string(b)
}

// oneLine drops control and format characters, folds white space to
// single spaces and cuts at max runes.
func oneLine(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && !unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) > max {
		r = r[:max]
	}
	return strings.TrimSpace(string(r))
}

// cacheKey names the AI answer to req: a hash of the model, the system
// prompt and the user message, so two requests share an answer only when
// the model was asked exactly the same thing.
func (a *AI) cacheKey(req Request) string {
	h := sha256.New()
	for _, part := range []string{a.Name(), systemPrompt, userPrompt(req)} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return "recommend:v2:" + hex.EncodeToString(h.Sum(nil))
}

// Plan asks the model and returns three valid plans or an error.
func (a *AI) Plan(ctx context.Context, req Request) ([]Plan, error) {
	var out struct {
		Plans []aiPlan `json:"plans"`
	}
	if err := a.client.ChatJSON(ctx, systemPrompt, userPrompt(req), "event_plans", planSchema, &out); err != nil {
		return nil, err
	}
	plans := repair(out.Plans)
	if err := Validate(plans); err != nil {
		return nil, fmt.Errorf("%w: %v", openai.ErrMalformed, err)
	}
	return plans, nil
}

// repair fixes what a model commonly gets slightly wrong, without inventing
// content: it trims, cuts over-long text at a rune boundary, rounds money and
// percentages, and orders the plans by budget level (or by cost when the
// levels are missing or repeated).
func repair(in []aiPlan) []Plan {
	plans := make([]Plan, 0, len(in))
	for _, p := range in {
		plans = append(plans, Plan{
			BudgetLevel:         strings.ToUpper(strings.TrimSpace(p.BudgetLevel)),
			EventName:           clip(p.EventName, 60),
			Description:         clip(p.Description, 400),
			Prize:               clip(p.Prize, 60),
			ParticipationMethod: clip(p.ParticipationMethod, 60),
			PromotionType:       strings.ToUpper(strings.ReplaceAll(clip(p.PromotionType, 50), " ", "_")),
			TargetAudience:      clip(p.TargetAudience, 100),
			EstimatedCost:       int64(math.Round(p.EstimatedCost/10000)) * 10000,
			ExpectedROI:         math.Round(p.ExpectedROI*10) / 10,
		})
	}
	rank := map[string]int{"LOW": 0, "MID": 1, "HIGH": 2}
	levels := map[string]bool{}
	for _, p := range plans {
		levels[p.BudgetLevel] = true
	}
	if len(plans) == 3 && len(levels) == 3 && levels["LOW"] && levels["MID"] && levels["HIGH"] {
		sort.SliceStable(plans, func(i, j int) bool { return rank[plans[i].BudgetLevel] < rank[plans[j].BudgetLevel] })
	} else if len(plans) == 3 {
		sort.SliceStable(plans, func(i, j int) bool { return plans[i].EstimatedCost < plans[j].EstimatedCost })
		for i, l := range []string{"LOW", "MID", "HIGH"} {
			plans[i].BudgetLevel = l
		}
	}
	return plans
}

func clip(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:max-1])) + "…"
}
