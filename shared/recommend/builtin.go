package recommend

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/eventmkt/backend/shared/apperr"
)

// Categories lists every industry category Category returns, OTHER last.
var Categories = []string{"CAFE", "BAKERY", "RESTAURANT", "BAR", "BEAUTY", "FITNESS", "EDUCATION", "RETAIL", "OTHER"}

// ErrUnknownObjective is returned by Builtin.Plan for an objective outside
// Objectives; asking again will not help, so it is permanent
// (apperr.IsPermanent) and a job runner fails the job instead of retrying.
var ErrUnknownObjective = apperr.Permanent(errors.New("recommend: unknown objective"))

// categoryKeywords maps industry words to categories. The groups are tried in
// this order and the first group with a matching word wins, so the more
// specific groups come first: "베이커리 카페" is a bakery, "스터디카페" is
// education, "요리주점" is a bar, "barbershop" is beauty.
//
// A keyword that is ASCII or a single rune must equal a whole word of the
// industry (an English plural "s"/"es" allowed), so "bar" does not match
// "barbecue" and "짐" does not match inside another word; longer Korean
// keywords match anywhere, since Korean compounds ("영어학원", "한식당") are
// written without spaces.
var categoryKeywords = []struct {
	category string
	words    []string
}{
	{"EDUCATION", []string{"학원", "교습소", "공부방", "과외", "교육", "아카데미", "어학", "스터디", "코딩", "피아노", "논술", "academy", "school", "tutor", "tutoring", "education", "lesson", "learning"}},
	{"BAKERY", []string{"베이커리", "빵집", "빵가게", "제빵", "제과", "케이크", "도넛", "떡집", "bakery", "bakeries", "bread", "patisserie", "cake", "donut", "doughnut", "bagel"}},
	{"CAFE", []string{"카페", "커피", "찻집", "다방", "디저트", "빙수", "로스터리", "브런치", "cafe", "café", "coffee", "coffeeshop", "tea", "espresso", "roastery", "dessert", "brunch"}},
	{"BEAUTY", []string{"미용", "헤어", "네일", "피부", "뷰티", "에스테틱", "속눈썹", "왁싱", "바버", "이발", "메이크업", "hair", "hairshop", "nail", "nails", "beauty", "salon", "barber", "barbershop", "spa", "skin", "lash", "waxing", "makeup"}},
	{"FITNESS", []string{"헬스", "필라테스", "요가", "피트니스", "크로스핏", "복싱", "주짓수", "태권도", "수영", "클라이밍", "피티", "짐", "gym", "fitness", "pilates", "yoga", "crossfit", "boxing", "pt"}},
	{"BAR", []string{"주점", "호프", "포차", "포장마차", "술집", "이자카야", "와인바", "칵테일", "맥주", "펍", "바", "bar", "pub", "beer", "brewery", "izakaya", "cocktail", "tavern", "hof", "pocha"}},
	{"RESTAURANT", []string{"식당", "음식", "한식", "중식", "일식", "양식", "분식", "레스토랑", "고깃집", "고기", "국밥", "치킨", "피자", "버거", "족발", "보쌈", "초밥", "스시", "라멘", "돈까스", "냉면", "국수", "갈비", "삼겹살", "곱창", "찌개", "해물", "꽃게", "횟집", "뷔페", "restaurant", "diner", "bistro", "food", "kitchen", "grill", "bbq", "barbecue", "pizza", "burger", "chicken", "sushi", "ramen", "noodle", "dining", "eatery"}},
	{"RETAIL", []string{"소매", "옷가게", "의류", "잡화", "편의점", "꽃집", "꽃가게", "플라워", "마트", "슈퍼", "문구", "화장품", "액세서리", "안경", "서점", "편집숍", "편집샵", "retail", "boutique", "clothing", "clothes", "apparel", "florist", "flower", "convenience", "mart", "grocery", "supermarket", "fashion", "stationery", "bookstore", "store"}},
}

// Category maps a store profile's free-text industry ("카페", "Coffee shop",
// "영어학원") to one of Categories, OTHER when no keyword matches, so the
// planner and its ROI assumptions can key on a small fixed set. Matching is
// case-insensitive.
func Category(industry string) string {
	s := strings.ToLower(industry)
	words := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for _, g := range categoryKeywords {
		for _, kw := range g.words {
			if matchKeyword(s, words, kw) {
				return g.category
			}
		}
	}
	return "OTHER"
}

func matchKeyword(s string, words []string, kw string) bool {
	if !isASCII(kw) && utf8.RuneCountInString(kw) > 1 {
		return strings.Contains(s, kw)
	}
	for _, w := range words {
		if w == kw || w == kw+"s" || w == kw+"es" {
			return true
		}
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// The ROI model. Every plan's ExpectedROI follows from these tables and
// nothing else:
//
//	participants = round(cost / 10,000 × participantsPer10k[category] × levelReach[level]), at least 1
//	revenue      = participants × conversionRate[objective] × avgSpend[category] × visitMultiplier[objective]
//	ROI %        = (revenue − cost) / cost × 100, rounded to one decimal
//
// The numbers are planning assumptions for a neighbourhood shop, not
// measurements; they are set so a plan's ROI lands roughly between 20% and
// 420% (most between 50% and 400%), and they are the place to tune once real
// event results come in.

// avgSpend is the average spend per paying visit in KRW, by category (a
// month's fee for fitness and education, where one "visit" is an enrolment).
var avgSpend = map[string]float64{
	"CAFE":       6_500,
	"BAKERY":     9_000,
	"RESTAURANT": 18_000,
	"BAR":        30_000,
	"BEAUTY":     45_000,
	"FITNESS":    80_000,
	"EDUCATION":  150_000,
	"RETAIL":     25_000,
	"OTHER":      20_000,
}

// participantsPer10k is how many people join an event per 10,000 KRW of
// event budget at the LOW level. Cheap prizes (a coffee) draw many entrants
// per won; a gym or academy buys few, more valuable entrants, so the rate
// falls roughly as the average spend rises.
var participantsPer10k = map[string]float64{
	"CAFE":       12,
	"BAKERY":     9,
	"RESTAURANT": 4.2,
	"BAR":        2.3,
	"BEAUTY":     1.8,
	"FITNESS":    0.85,
	"EDUCATION":  0.45,
	"RETAIL":     3.2,
	"OTHER":      3.5,
}

// levelReach scales participantsPer10k by budget level: diminishing returns,
// since a bigger budget goes into bigger prizes and wider promotion that each
// add fewer entrants per won. Every tier still reaches more people than the
// one below, because its cost is about twice as high (see costTiers).
var levelReach = [3]float64{1.00, 0.85, 0.72}

// conversionRate is the share of participants who become paying visits
// because of the event, by objective: people who must buy to take part
// (SALES_INCREASE) convert best, people who only shared a post (AWARENESS)
// least.
var conversionRate = map[string]float64{
	"NEW_CUSTOMERS":  0.35,
	"REVISIT":        0.40,
	"SALES_INCREASE": 0.50,
	"AWARENESS":      0.25,
}

// visitMultiplier counts the paying visits per converted participant: a
// stamp or loyalty event brings a regular back about 1.6 times within the
// event; the other objectives count the one visit.
var visitMultiplier = map[string]float64{
	"NEW_CUSTOMERS":  1.0,
	"REVISIT":        1.6,
	"SALES_INCREASE": 1.0,
	"AWARENESS":      1.0,
}

// defaultTiers are the LOW, MID and HIGH costs in KRW when the owner gave no
// budget: what a neighbourhood shop of the category typically spends on one
// event (prizes plus printing and promotion).
var defaultTiers = map[string][3]int64{
	"CAFE":       {300_000, 700_000, 1_500_000},
	"BAKERY":     {300_000, 700_000, 1_500_000},
	"RESTAURANT": {500_000, 1_200_000, 2_500_000},
	"BAR":        {500_000, 1_200_000, 2_500_000},
	"BEAUTY":     {400_000, 1_000_000, 2_000_000},
	"FITNESS":    {400_000, 1_000_000, 2_000_000},
	"EDUCATION":  {500_000, 1_200_000, 2_500_000},
	"RETAIL":     {300_000, 800_000, 1_800_000},
	"OTHER":      {300_000, 700_000, 1_500_000},
}

// With a budget from the owner, the tiers are these percentages of it
// (half, the budget itself, double), each rounded to 10,000 KRW and at least
// the tier's minimum. The minimums keep the 1:2:4 ratio, so even a tiny
// budget gives three strictly increasing costs.
var (
	budgetPercent = [3]int64{50, 100, 200}
	minTierCost   = [3]int64{100_000, 200_000, 400_000}
)

// maxBudget caps the owner's budget at the event API's own limit (10 billion
// KRW), so doubling it can never overflow.
const maxBudget = 10_000_000_000

// costTiers returns the LOW, MID and HIGH costs for a category and budget.
func costTiers(category string, budget int64) [3]int64 {
	if budget <= 0 {
		return defaultTiers[category]
	}
	budget = min(budget, maxBudget)
	var tiers [3]int64
	for i, pct := range budgetPercent {
		// budget × pct / 100, rounded half up to a multiple of 10,000.
		c := (budget*pct + 500_000) / 1_000_000 * 10_000
		tiers[i] = max(c, minTierCost[i])
	}
	return tiers
}

// expectedParticipants is the model's head count for a plan.
func expectedParticipants(category string, level int, cost int64) float64 {
	return max(1, math.Round(float64(cost)/10_000*participantsPer10k[category]*levelReach[level]))
}

// expectedROI is the model's ROI in percent, rounded to one decimal.
func expectedROI(category, objective string, level int, cost int64) float64 {
	revenue := expectedParticipants(category, level, cost) * conversionRate[objective] * avgSpend[category] * visitMultiplier[objective]
	return math.Round((revenue-float64(cost))/float64(cost)*100*10) / 10
}

// season is the seasonal theme of a month: a word for event names and a
// phrase that opens the description.
type season struct {
	word   string // "가을"
	phrase string // "깊어 가는 가을을 맞아"
}

// seasons is indexed by month; the special months (새해, 설·밸런타인, 가정의
// 달, 추석, 연말) carry the occasion shops actually market around.
var seasons = [13]season{
	{}, // no month given: no theme
	{"새해", "새해를 맞아"},
	{"설맞이", "설 명절과 밸런타인데이가 있는 2월을 맞아"},
	{"봄", "새봄을 맞아"},
	{"봄", "꽃 피는 봄을 맞아"},
	{"가정의 달", "가정의 달 5월을 맞아"},
	{"여름", "초여름을 맞아"},
	{"여름", "무더운 여름을 맞아"},
	{"여름", "한여름을 맞아"},
	{"추석", "풍성한 추석 명절을 맞아"},
	{"가을", "선선한 가을을 맞아"},
	{"가을", "깊어 가는 가을을 맞아"},
	{"연말", "한 해를 마무리하는 연말을 맞아"},
}

func seasonOf(m time.Month) season {
	if m < time.January || m > time.December {
		return season{}
	}
	return seasons[m]
}

// Caps on the owner's own text as it is woven into the copy, so a long store
// name or region can never push a field past Validate's limits.
const (
	maxStoreRunes    = 40
	maxDistrictRunes = 20
)

// district picks the district out of a region ("서울 강남구" -> "강남구",
// "경기 성남시 분당구" -> "분당구", "제주 제주시" -> "제주시"): the last word
// ending in 구 or 군, else the last ending in 시, else the last word.
func district(region string) string {
	f := strings.Fields(region)
	if len(f) == 0 {
		return ""
	}
	d := lastEndingIn(f, "구군")
	if d == "" {
		d = lastEndingIn(f, "시")
	}
	if d == "" {
		d = f[len(f)-1]
	}
	return truncate(d, maxDistrictRunes)
}

// lastEndingIn returns the last word of more than one rune whose final rune
// is one of suffixes, or "".
func lastEndingIn(words []string, suffixes string) string {
	for i := len(words) - 1; i >= 0; i-- {
		r, _ := utf8.DecodeLastRuneInString(words[i])
		if strings.ContainsRune(suffixes, r) && utf8.RuneCountInString(words[i]) > 1 {
			return words[i]
		}
	}
	return ""
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// objectParticle is the object particle (을 or 를) for a word: 을 after a
// final consonant. Words not ending in Hangul or a digit get "을(를)".
func objectParticle(word string) string {
	r, _ := utf8.DecodeLastRuneInString(word)
	switch {
	case r >= 0xAC00 && r <= 0xD7A3:
		if (r-0xAC00)%28 != 0 {
			return "을"
		}
		return "를"
	case r >= '0' && r <= '9':
		if strings.ContainsRune("013678", r) { // 영 일 삼 육 칠 팔
			return "을"
		}
		return "를"
	}
	return "을(를)"
}

// Builtin is the default planner: deterministic and offline, built from the
// rule and template tables in this package, so plans are available without
// an AI model (or when it fails) and the same request always gets the same
// plans.
type Builtin struct{}

// NewBuiltin returns the built-in planner.
func NewBuiltin() *Builtin { return &Builtin{} }

// Plan proposes LOW, MID and HIGH plans for the request. The same request
// always gives the same plans. The only error is ErrUnknownObjective (the
// objective is matched after trimming spaces, case-insensitively); ctx is
// not consulted because the work takes microseconds.
func (b *Builtin) Plan(_ context.Context, req Request) ([]Plan, error) {
	objective := strings.ToUpper(strings.TrimSpace(req.Objective))
	oi := -1
	for i, o := range Objectives {
		if o == objective {
			oi = i
		}
	}
	if oi < 0 {
		return nil, fmt.Errorf("%w %q: want one of %s", ErrUnknownObjective, req.Objective, strings.Join(Objectives, ", "))
	}
	category := Category(req.Industry)
	cc := copyByCategory[category]
	oc := cc.objectives[objective]
	ss := seasonOf(req.Month)

	store := truncate(strings.Join(strings.Fields(req.StoreName), " "), maxStoreRunes)
	if store == "" {
		store = "우리 " + cc.place
	}
	area := district(req.Region)
	if area == "" {
		area = "인근"
	}

	costs := costTiers(category, req.Budget)
	plans := make([]Plan, len(Levels))
	fill := strings.NewReplacer(
		"{S}", ss.word,
		"{D}", area,
		"{qr}", cc.qr,
		"{visit}", cc.visit,
		"{revisit}", cc.revisit,
		"{bundle을}", cc.bundle+objectParticle(cc.bundle),
		"{bundle}", cc.bundle,
		"{threshold}", cc.threshold,
	).Replace
	audience := tidy(fill(oc.audience))
	for level := range plans {
		m := mechanics[oi][level]
		prize := oc.prizes[level]
		sentence := strings.ReplaceAll(fill(m.sentence), "{prize을}", prize+objectParticle(prize))
		plans[level] = Plan{
			BudgetLevel:         Levels[level],
			EventName:           tidy(fill(oc.names[level])),
			Description:         tidy(strings.Join([]string{ss.phrase, store + "에서", oc.hook, sentence, closers[level]}, " ")),
			Prize:               prize,
			ParticipationMethod: tidy(fill(m.method)),
			PromotionType:       m.promotionType,
			TargetAudience:      audience,
			EstimatedCost:       costs[level],
			ExpectedROI:         expectedROI(category, objective, level, costs[level]),
		}
	}
	return plans, nil
}

// tidy collapses the double spaces an empty placeholder (no season) leaves.
func tidy(s string) string {
	if !strings.Contains(s, "  ") && strings.TrimSpace(s) == s {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}
