package recommend

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// industryOf is an industry word per category, as an owner would type it.
var industryOf = map[string]string{
	"CAFE":       "카페",
	"BAKERY":     "베이커리",
	"RESTAURANT": "한식당",
	"BAR":        "호프",
	"BEAUTY":     "헤어샵",
	"FITNESS":    "필라테스",
	"EDUCATION":  "영어학원",
	"RETAIL":     "꽃집",
	"OTHER":      "세탁소",
}

func plan(t testing.TB, req Request) []Plan {
	t.Helper()
	plans, err := NewBuiltin().Plan(context.Background(), req)
	if err != nil {
		t.Fatalf("Plan(%+v): %v", req, err)
	}
	return plans
}

// wantROI recomputes the documented formula from the assumption tables.
func wantROI(category, objective string, level int, cost int64) (participants, roi float64) {
	participants = math.Max(1, math.Round(float64(cost)/10_000*participantsPer10k[category]*levelReach[level]))
	revenue := participants * conversionRate[objective] * avgSpend[category] * visitMultiplier[objective]
	return participants, math.Round((revenue-float64(cost))/float64(cost)*100*10) / 10
}

// latinWord finds Latin-letter words; the Korean copy may only use the
// abbreviations Korean marketing copy uses as is.
var latinWord = regexp.MustCompile(`[A-Za-z]+`)

var allowedLatin = map[string]bool{"SNS": true, "QR": true, "PT": true, "kg": true}

func isHangul(r rune) bool { return r >= 0xAC00 && r <= 0xD7A3 }

func TestPlanEveryCategoryAndObjective(t *testing.T) {
	t.Parallel()
	if len(industryOf) != len(Categories) {
		t.Fatalf("industryOf covers %d categories, Categories has %d", len(industryOf), len(Categories))
	}
	for _, category := range Categories {
		for _, objective := range Objectives {
			t.Run(category+"/"+objective, func(t *testing.T) {
				t.Parallel()
				req := Request{Industry: industryOf[category], Region: "서울 강남구", Objective: objective, StoreName: "테스트상회", Month: time.November}
				if got := Category(req.Industry); got != category {
					t.Fatalf("Category(%q) = %s, want %s", req.Industry, got, category)
				}
				plans := plan(t, req)
				if err := Validate(plans); err != nil {
					t.Fatalf("Validate: %v", err)
				}
				if len(plans) != 3 {
					t.Fatalf("got %d plans, want 3", len(plans))
				}
				names := map[string]bool{}
				types := map[string]bool{}
				prevParticipants := 0.0
				for i, p := range plans {
					if p.BudgetLevel != Levels[i] {
						t.Errorf("plan %d level = %s, want %s", i, p.BudgetLevel, Levels[i])
					}
					if want := defaultTiers[category][i]; p.EstimatedCost != want {
						t.Errorf("plan %d cost = %d, want %d", i, p.EstimatedCost, want)
					}
					if i > 0 && p.EstimatedCost <= plans[i-1].EstimatedCost {
						t.Errorf("plan %d cost %d not above %d", i, p.EstimatedCost, plans[i-1].EstimatedCost)
					}
					if names[p.EventName] {
						t.Errorf("plan %d repeats name %q", i, p.EventName)
					}
					names[p.EventName] = true
					if types[p.PromotionType] {
						t.Errorf("plan %d repeats promotion type %s", i, p.PromotionType)
					}
					types[p.PromotionType] = true

					participants, roi := wantROI(category, objective, i, p.EstimatedCost)
					if p.ExpectedROI != roi {
						t.Errorf("plan %d ROI = %v, want %v", i, p.ExpectedROI, roi)
					}
					if participants <= prevParticipants {
						t.Errorf("plan %d reaches %v participants, not more than the tier below (%v)", i, participants, prevParticipants)
					}
					prevParticipants = participants
					if p.ExpectedROI < 20 || p.ExpectedROI > 420 {
						t.Errorf("plan %d ROI %v is outside the plausible 20..420", i, p.ExpectedROI)
					}

					copyFields := map[string]string{
						"EventName": p.EventName, "Description": p.Description, "Prize": p.Prize,
						"ParticipationMethod": p.ParticipationMethod, "TargetAudience": p.TargetAudience,
					}
					for field, s := range copyFields {
						if !strings.ContainsFunc(s, isHangul) {
							t.Errorf("plan %d %s %q has no Korean", i, field, s)
						}
						if strings.ContainsAny(s, "{}") || strings.Contains(s, "  ") || s != strings.TrimSpace(s) {
							t.Errorf("plan %d %s %q has a placeholder or stray spaces", i, field, s)
						}
						for _, w := range latinWord.FindAllString(s, -1) {
							if !allowedLatin[w] {
								t.Errorf("plan %d %s %q has the Latin word %q", i, field, s, w)
							}
						}
					}
					if last, _ := utf8.DecodeLastRuneInString(p.Prize); !isHangul(last) {
						t.Errorf("plan %d prize %q does not end in Hangul (the particle would be a guess)", i, p.Prize)
					}
					if n := strings.Count(p.Description, "."); n < 2 || n > 4 {
						t.Errorf("plan %d description has %d sentences, want 2-4: %q", i, n, p.Description)
					}
					if !strings.Contains(p.Description, p.Prize) {
						t.Errorf("plan %d description does not name the prize %q: %q", i, p.Prize, p.Description)
					}
					if !strings.Contains(p.Description, "테스트상회에서") {
						t.Errorf("plan %d description does not name the store: %q", i, p.Description)
					}
					if !strings.Contains(p.TargetAudience, "강남구") {
						t.Errorf("plan %d audience does not name the district: %q", i, p.TargetAudience)
					}
				}
			})
		}
	}
}

func TestCopyDiffersPerCategoryAndObjective(t *testing.T) {
	t.Parallel()
	type triple struct{ name, prize, description string }
	seen := map[triple]string{}
	mid := map[string]Plan{}
	for _, category := range Categories {
		for _, objective := range Objectives {
			combo := category + "/" + objective
			plans := plan(t, Request{Industry: industryOf[category], Objective: objective, Month: time.May})
			mid[combo] = plans[1]
			for i, p := range plans {
				k := triple{p.EventName, p.Prize, p.Description}
				if other, dup := seen[k]; dup {
					t.Errorf("%s plan %d repeats %s's copy: %+v", combo, i, other, k)
				}
				seen[k] = fmt.Sprintf("%s plan %d", combo, i)
			}
		}
	}
	tests := []struct{ a, b string }{
		{"CAFE/REVISIT", "RESTAURANT/REVISIT"},
		{"CAFE/REVISIT", "CAFE/AWARENESS"},
		{"BEAUTY/NEW_CUSTOMERS", "FITNESS/NEW_CUSTOMERS"},
		{"EDUCATION/SALES_INCREASE", "EDUCATION/REVISIT"},
	}
	for _, tt := range tests {
		a, b := mid[tt.a], mid[tt.b]
		if a.EventName == b.EventName || a.Prize == b.Prize {
			t.Errorf("MID plans of %s and %s share a name or prize: %q/%q vs %q/%q", tt.a, tt.b, a.EventName, a.Prize, b.EventName, b.Prize)
		}
	}
}

func TestPrizesSuitTheIndustry(t *testing.T) {
	t.Parallel()
	// Each category's prizes mention at least one of its typical prizes.
	tests := []struct {
		category string
		want     []string
	}{
		{"CAFE", []string{"아메리카노", "시그니처 음료", "디저트 세트", "원두"}},
		{"BEAUTY", []string{"헤어 클리닉", "네일 케어"}},
		{"FITNESS", []string{"PT 1회권", "1개월 회원권"}},
		{"EDUCATION", []string{"레벨 테스트", "교재"}},
		{"RESTAURANT", []string{"식사권", "메인 메뉴"}},
		{"RETAIL", []string{"할인쿠폰", "상품권"}},
	}
	for _, tt := range tests {
		var prizes []string
		for _, objective := range Objectives {
			p := copyByCategory[tt.category].objectives[objective].prizes
			prizes = append(prizes, p[:]...)
		}
		all := strings.Join(prizes, " | ")
		for _, w := range tt.want {
			if !strings.Contains(all, w) {
				t.Errorf("%s prizes %q never mention %q", tt.category, all, w)
			}
		}
	}
}

func TestCopyTablesComplete(t *testing.T) {
	t.Parallel()
	for _, category := range Categories {
		cc, ok := copyByCategory[category]
		if !ok {
			t.Fatalf("no copy for %s", category)
		}
		if _, ok := avgSpend[category]; !ok {
			t.Errorf("no average spend for %s", category)
		}
		if _, ok := participantsPer10k[category]; !ok {
			t.Errorf("no participation rate for %s", category)
		}
		if _, ok := defaultTiers[category]; !ok {
			t.Errorf("no default tiers for %s", category)
		}
		if got := objectParticle(cc.revisit); got != "을" {
			t.Errorf("%s revisit %q takes %s; templates write {revisit}을", category, cc.revisit, got)
		}
		if len(cc.objectives) != len(Objectives) {
			t.Errorf("%s has copy for %d objectives, want %d", category, len(cc.objectives), len(Objectives))
		}
	}
	for _, objective := range Objectives {
		if _, ok := conversionRate[objective]; !ok {
			t.Errorf("no conversion rate for %s", objective)
		}
		if _, ok := visitMultiplier[objective]; !ok {
			t.Errorf("no visit multiplier for %s", objective)
		}
	}
}

func TestBudgetTiers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		category string
		budget   int64
		want     [3]int64
	}{
		{"budget given", "CAFE", 1_000_000, [3]int64{500_000, 1_000_000, 2_000_000}},
		{"budget ignores category", "RESTAURANT", 1_000_000, [3]int64{500_000, 1_000_000, 2_000_000}},
		{"rounded half up to 10,000", "CAFE", 333_333, [3]int64{170_000, 330_000, 670_000}},
		{"tiny budget hits the minimums", "CAFE", 50_000, [3]int64{100_000, 200_000, 400_000}},
		{"huge budget is capped", "CAFE", 50_000_000_000, [3]int64{5_000_000_000, 10_000_000_000, 20_000_000_000}},
		{"no budget: cafe defaults", "CAFE", 0, [3]int64{300_000, 700_000, 1_500_000}},
		{"no budget: restaurant defaults", "RESTAURANT", 0, [3]int64{500_000, 1_200_000, 2_500_000}},
		{"no budget: beauty defaults", "BEAUTY", 0, [3]int64{400_000, 1_000_000, 2_000_000}},
		{"negative budget is no budget", "FITNESS", -5, [3]int64{400_000, 1_000_000, 2_000_000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			plans := plan(t, Request{Industry: industryOf[tt.category], Objective: "REVISIT", Budget: tt.budget, Month: time.March})
			got := [3]int64{plans[0].EstimatedCost, plans[1].EstimatedCost, plans[2].EstimatedCost}
			if got != tt.want {
				t.Errorf("costs = %v, want %v", got, tt.want)
			}
			if err := Validate(plans); err != nil {
				t.Errorf("Validate: %v", err)
			}
		})
	}
}

// Every budget gives strictly increasing costs and participants, in every category.
func TestBudgetTiersIncrease(t *testing.T) {
	t.Parallel()
	for _, category := range Categories {
		for budget := int64(0); budget <= 5_000_000; budget += 7_919 {
			costs := costTiers(category, budget)
			for i := 1; i < 3; i++ {
				p0, p1 := expectedParticipants(category, i-1, costs[i-1]), expectedParticipants(category, i, costs[i])
				if costs[i] <= costs[i-1] || p1 <= p0 {
					t.Fatalf("%s budget %d: tier %d cost %d (%v people) not above %d (%v people)", category, budget, i, costs[i], p1, costs[i-1], p0)
				}
				if costs[i]%10_000 != 0 {
					t.Fatalf("%s budget %d: cost %d not rounded to 10,000", category, budget, costs[i])
				}
			}
		}
	}
}

func TestSeason(t *testing.T) {
	t.Parallel()
	tests := []struct {
		month time.Month
		want  []string
	}{
		{time.January, []string{"새해"}},
		{time.February, []string{"설맞이", "밸런타인"}},
		{time.April, []string{"봄"}},
		{time.May, []string{"가정의 달"}},
		{time.July, []string{"여름"}},
		{time.September, []string{"추석"}},
		{time.October, []string{"가을"}},
		{time.December, []string{"연말"}},
	}
	for _, tt := range tests {
		t.Run(tt.month.String(), func(t *testing.T) {
			t.Parallel()
			for _, objective := range Objectives {
				plans := plan(t, Request{Industry: "카페", Objective: objective, Month: tt.month})
				var text strings.Builder
				for _, p := range plans {
					text.WriteString(p.EventName + "\n" + p.Description + "\n")
				}
				for _, w := range tt.want {
					if !strings.Contains(text.String(), w) {
						t.Errorf("%s: no plan mentions %q:\n%s", objective, w, text.String())
					}
				}
			}
		})
	}
}

// Without a month (or with a bad one) the plans drop the season and stay valid.
func TestNoSeason(t *testing.T) {
	t.Parallel()
	for _, m := range []time.Month{0, 13} {
		for _, objective := range Objectives {
			plans := plan(t, Request{Industry: "카페", Objective: objective, Month: m})
			if err := Validate(plans); err != nil {
				t.Errorf("month %d %s: %v", m, objective, err)
			}
			for _, p := range plans {
				if p.EventName != strings.TrimSpace(p.EventName) || strings.Contains(p.EventName+p.Description+p.ParticipationMethod, "  ") {
					t.Errorf("month %d %s: stray spaces in %+v", m, objective, p)
				}
			}
		}
	}
}

func TestRegionAndStoreName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                string
		region, store       string
		wantAudience        string
		wantDescriptionPart string
	}{
		{"region and store", "서울 마포구", "민수네 카페", "마포구", "민수네 카페에서"},
		{"city and district", "경기 성남시 분당구", "빈 잔", "분당구", "빈 잔에서"},
		{"no region, no store", "", "", "인근", "우리 카페에서"},
		{"spaces in the store name", "  ", "  민수네   카페 ", "인근", "민수네 카페에서"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			plans := plan(t, Request{Industry: "카페", Region: tt.region, StoreName: tt.store, Objective: "NEW_CUSTOMERS", Month: time.June})
			for i, p := range plans {
				if !strings.Contains(p.TargetAudience, tt.wantAudience) {
					t.Errorf("plan %d audience %q lacks %q", i, p.TargetAudience, tt.wantAudience)
				}
				if !strings.Contains(p.Description, tt.wantDescriptionPart) {
					t.Errorf("plan %d description %q lacks %q", i, p.Description, tt.wantDescriptionPart)
				}
			}
		})
	}
}

// Long owner text is cut, never pushed past the limits.
func TestLongInputsStayValid(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("가나다라마바사아자차", 30)
	for _, category := range Categories {
		for _, objective := range Objectives {
			plans := plan(t, Request{Industry: industryOf[category], Region: "서울 " + long + "구", StoreName: long, Objective: objective, Budget: math.MaxInt64, Month: time.February})
			if err := Validate(plans); err != nil {
				t.Errorf("%s/%s: %v", category, objective, err)
			}
		}
	}
}

func TestDistrict(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"서울 강남구", "강남구"},
		{"서울특별시 마포구 합정동", "마포구"},
		{"경기 성남시 분당구", "분당구"},
		{"경기 가평군", "가평군"},
		{"제주 제주시", "제주시"},
		{"부산", "부산"},
		{"  ", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := district(tt.in); got != tt.want {
			t.Errorf("district(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCategory(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"카페", "CAFE"},
		{"Coffee shop", "CAFE"},
		{"COFFEE", "CAFE"},
		{"디저트 카페", "CAFE"},
		{"빵집", "BAKERY"},
		{"베이커리 카페", "BAKERY"},
		{"Bakery", "BAKERY"},
		{"한식당", "RESTAURANT"},
		{"음식점", "RESTAURANT"},
		{"치킨집", "RESTAURANT"},
		{"Korean BBQ restaurant", "RESTAURANT"},
		{"barbecue", "RESTAURANT"},
		{"호프", "BAR"},
		{"포차", "BAR"},
		{"요리주점", "BAR"},
		{"Wine Bar", "BAR"},
		{"헤어샵", "BEAUTY"},
		{"미용실", "BEAUTY"},
		{"네일", "BEAUTY"},
		{"피부관리실", "BEAUTY"},
		{"Barbershop", "BEAUTY"},
		{"Nail salon", "BEAUTY"},
		{"필라테스", "FITNESS"},
		{"헬스장", "FITNESS"},
		{"요가", "FITNESS"},
		{"PT 샵", "FITNESS"},
		{"Gym", "FITNESS"},
		{"영어학원", "EDUCATION"},
		{"교습소", "EDUCATION"},
		{"스터디카페", "EDUCATION"},
		{"English academy", "EDUCATION"},
		{"꽃집", "RETAIL"},
		{"옷가게", "RETAIL"},
		{"편의점", "RETAIL"},
		{"잡화", "RETAIL"},
		{"Flower shop", "RETAIL"},
		{"꽃게탕", "RESTAURANT"}, // not a florist (꽃)
		{"세탁소", "OTHER"},
		{"", "OTHER"},
		{"  ", "OTHER"},
	}
	for _, tt := range tests {
		if got := Category(tt.in); got != tt.want {
			t.Errorf("Category(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestUnknownObjective(t *testing.T) {
	t.Parallel()
	for _, objective := range []string{"", "GROWTH", "NEW CUSTOMERS"} {
		plans, err := NewBuiltin().Plan(context.Background(), Request{Industry: "카페", Objective: objective})
		if !errors.Is(err, ErrUnknownObjective) || plans != nil {
			t.Errorf("Plan(objective %q) = %v, %v; want ErrUnknownObjective", objective, plans, err)
			continue
		}
		if !strings.Contains(err.Error(), fmt.Sprintf("%q", objective)) {
			t.Errorf("error %q does not name the objective %q", err, objective)
		}
	}
	// Case and spaces do not matter.
	if _, err := NewBuiltin().Plan(context.Background(), Request{Industry: "카페", Objective: " revisit "}); err != nil {
		t.Errorf("Plan(objective \" revisit \"): %v", err)
	}
}

func validSet() []Plan {
	return []Plan{
		{"LOW", "가을 커피 스탬프 챌린지", "설명입니다. 참여하세요.", "아메리카노 1잔", "방문할 때마다 QR 스탬프 적립", "STAMP", "강남구 단골 고객", 300_000, 120.5},
		{"MID", "가을 단골 럭키 드로우", "설명입니다. 참여하세요.", "디저트 세트", "재방문 인증 후 추첨 응모", "DRAW", "강남구 단골 고객", 700_000, 80},
		{"HIGH", "가을 단골 감사 룰렛", "설명입니다. 참여하세요.", "원두 1kg", "재방문 인증 후 룰렛 참여", "INSTANT_WIN", "강남구 단골 고객", 1_500_000, -20},
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func([]Plan) []Plan
		want   string // part of the error; "" for a valid set
	}{
		{"valid", func(p []Plan) []Plan { return p }, ""},
		{"two plans", func(p []Plan) []Plan { return p[:2] }, "want 3 plans (LOW, MID, HIGH), got 2"},
		{"four plans", func(p []Plan) []Plan { return append(p, p[2]) }, "got 4"},
		{"no plans", func(p []Plan) []Plan { return nil }, "got 0"},
		{"wrong order", func(p []Plan) []Plan { p[0], p[1] = p[1], p[0]; return p }, `plan 0 (MID) budgetLevel: is "MID", want "LOW"`},
		{"empty name", func(p []Plan) []Plan { p[1].EventName = " "; return p }, "plan 1 (MID) eventName: must not be empty"},
		{"empty description", func(p []Plan) []Plan { p[0].Description = ""; return p }, "plan 0 (LOW) description: must not be empty"},
		{"empty audience", func(p []Plan) []Plan { p[2].TargetAudience = ""; return p }, "plan 2 (HIGH) targetAudience: must not be empty"},
		{"name too long", func(p []Plan) []Plan { p[2].EventName = strings.Repeat("가", 61); return p }, "plan 2 (HIGH) eventName: is 61 characters, at most 60 allowed"},
		{"prize too long", func(p []Plan) []Plan { p[0].Prize = strings.Repeat("상", 61); return p }, "plan 0 (LOW) prize: is 61 characters"},
		{"method too long", func(p []Plan) []Plan { p[0].ParticipationMethod = strings.Repeat("참", 61); return p }, "plan 0 (LOW) participationMethod: is 61 characters"},
		{"description too long", func(p []Plan) []Plan { p[1].Description = strings.Repeat("설", 401); return p }, "plan 1 (MID) description: is 401 characters"},
		{"lower-case promotion type", func(p []Plan) []Plan { p[0].PromotionType = "stamp"; return p }, `plan 0 (LOW) promotionType: "stamp" is not an upper-case code`},
		{"invalid UTF-8", func(p []Plan) []Plan { p[0].Prize = "\xff"; return p }, "plan 0 (LOW) prize: is not valid UTF-8"},
		{"decreasing cost", func(p []Plan) []Plan { p[2].EstimatedCost = 500_000; return p }, "plan 2 (HIGH) estimatedCost: 500000 is not above the previous plan's 700000"},
		{"equal cost", func(p []Plan) []Plan { p[1].EstimatedCost = 300_000; return p }, "plan 1 (MID) estimatedCost: 300000 is not above"},
		{"zero cost", func(p []Plan) []Plan { p[0].EstimatedCost = 0; return p }, "plan 0 (LOW) estimatedCost: must be above 0"},
		{"duplicate names", func(p []Plan) []Plan { p[2].EventName = p[0].EventName; return p }, `plan 2 (HIGH) eventName: "가을 커피 스탬프 챌린지" repeats plan 0's name`},
		{"ROI 5000", func(p []Plan) []Plan { p[1].ExpectedROI = 5000; return p }, "plan 1 (MID) expectedRoi: 5000 is outside -100..1000 percent"},
		{"ROI below -100", func(p []Plan) []Plan { p[1].ExpectedROI = -101; return p }, "plan 1 (MID) expectedRoi: -101 is outside"},
		{"ROI NaN", func(p []Plan) []Plan { p[1].ExpectedROI = math.NaN(); return p }, "plan 1 (MID) expectedRoi: NaN is outside"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := Validate(tt.change(validSet()))
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate = %v, want nil", err)
			case tt.want != "" && err == nil:
				t.Errorf("Validate = nil, want an error containing %q", tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Errorf("Validate = %q, want it to contain %q", err, tt.want)
			}
			var verr *ValidationError
			if err != nil && !errors.As(err, &verr) {
				t.Errorf("error %T is not a *ValidationError", err)
			}
		})
	}
}

// Every problem is reported, not just the first.
func TestValidateListsEveryProblem(t *testing.T) {
	t.Parallel()
	p := validSet()
	p[0].EventName = ""
	p[2].ExpectedROI = 2000
	var verr *ValidationError
	if err := Validate(p); !errors.As(err, &verr) || len(verr.Problems) != 2 {
		t.Fatalf("Validate = %v, want 2 problems", err)
	}
}

func TestObjectParticle(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"아메리카노 1잔", "을"},
		{"디저트 세트", "를"},
		{"PT 1회권", "을"},
		{"원두 1", "을"},
		{"쿠폰 2", "를"},
		{"coupon", "을(를)"},
		{"", "을(를)"},
	}
	for _, tt := range tests {
		if got := objectParticle(tt.in); got != tt.want {
			t.Errorf("objectParticle(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDeterministic(t *testing.T) {
	t.Parallel()
	req := Request{Industry: "카페", Region: "서울 강남구", Objective: "REVISIT", StoreName: "민수네 카페", Budget: 800_000, Month: time.November}
	first := plan(t, req)
	for range 5 {
		if again := plan(t, req); !reflect.DeepEqual(first, again) {
			t.Fatalf("second call differs:\n%+v\n%+v", first, again)
		}
	}
}

// The CAFE / REVISIT plans for 민수네 카페 in 서울 강남구 in November, no budget given.
func ExampleBuiltin_Plan() {
	plans, _ := NewBuiltin().Plan(context.Background(), Request{
		Industry: "카페", Region: "서울 강남구", Objective: "REVISIT", StoreName: "민수네 카페", Month: time.November,
	})
	for _, p := range plans {
		fmt.Printf("%s | %s | %s | %d원 | ROI %.1f%%\n", p.BudgetLevel, p.PromotionType, p.EventName, p.EstimatedCost, p.ExpectedROI)
		fmt.Println("  경품:", p.Prize)
		fmt.Println("  참여:", p.ParticipationMethod)
		fmt.Println("  대상:", p.TargetAudience)
		fmt.Println("  설명:", p.Description)
	}
	// Output:
	// LOW | STAMP | 가을 커피 스탬프 챌린지 | 300000원 | ROI 399.2%
	//   경품: 시그니처 음료 1잔
	//   참여: 방문할 때마다 매장 QR로 스탬프 적립
	//   대상: 최근 3개월 안에 다녀간 강남구 단골·재방문 고객
	//   설명: 깊어 가는 가을을 맞아 민수네 카페에서 다시 찾아 주시는 단골 손님께 감사의 마음을 담아 커피 적립 이벤트를 엽니다. 방문할 때마다 QR 스탬프를 적립해 5개를 모으시면 시그니처 음료 1잔을 드립니다. 누구나 부담 없이 참여하실 수 있습니다.
	// MID | DRAW | 가을 단골 손님 럭키 드로우 | 700000원 | ROI 324.3%
	//   경품: 디저트 세트 교환권
	//   참여: 재방문 시 매장 QR로 인증 후 추첨 응모
	//   대상: 최근 3개월 안에 다녀간 강남구 단골·재방문 고객
	//   설명: 깊어 가는 가을을 맞아 민수네 카페에서 다시 찾아 주시는 단골 손님께 감사의 마음을 담아 커피 적립 이벤트를 엽니다. 이벤트 기간에 재방문을 인증하신 분 가운데 추첨해 디저트 세트 교환권을 드립니다. 많은 관심과 참여 부탁드립니다.
	// HIGH | INSTANT_WIN | 가을 단골 감사 커피 룰렛 | 1500000원 | ROI 259.4%
	//   경품: 스페셜티 원두 1kg과 머그컵
	//   참여: 재방문 인증 후 즉석 당첨 룰렛 참여
	//   대상: 최근 3개월 안에 다녀간 강남구 단골·재방문 고객
	//   설명: 깊어 가는 가을을 맞아 민수네 카페에서 다시 찾아 주시는 단골 손님께 감사의 마음을 담아 커피 적립 이벤트를 엽니다. 재방문을 인증할 때마다 즉석 당첨 룰렛에 참여할 수 있으며, 1등 경품으로 스페셜티 원두 1kg과 머그컵을 드립니다. 푸짐한 경품이 기다리고 있으니 놓치지 마세요.
}

func BenchmarkPlan(b *testing.B) {
	planner := NewBuiltin()
	req := Request{Industry: "Coffee shop", Region: "서울 강남구", Objective: "SALES_INCREASE", StoreName: "민수네 카페", Budget: 1_000_000, Month: time.December}
	ctx := context.Background()
	for b.Loop() {
		if _, err := planner.Plan(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}
