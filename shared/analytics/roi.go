package analytics

import (
	"math"
	"slices"

	"github.com/eventmkt/backend/shared/recommend"
)

// The ROI model. Nothing in it is measured except its inputs (entries,
// store visits, the budget and which channels posted): the money figures
// are planning heuristics for a neighbourhood shop, written down here so an
// owner (and docs/analytics.md) can see exactly what a figure assumes.
//
//	distribution   = Σ ChannelCost(c) over the channels that posted
//	investment     = max(budget, distribution)
//	                 (the budget is what the owner said the event costs; a
//	                 paid channel can cost more than a small budget, and
//	                 then the channels are the floor of the real spend)
//	remainder      = investment − distribution, split prize 50% / content
//	                 creation 30% / operation 20%
//	expectedVisits = storeVisits + (participants − storeVisits) × laterVisitRate
//	revenue        = expectedVisits × averageSpend × repeatVisits
//	                 split direct sales 70% / expected additional 30% and
//	                 new customers 40% / existing customers 60%
//	ROI %          = (revenue − investment) / investment × 100
//	                 (0 when nothing was invested; capped at ±MaxPercent)
//	salesGrowth %  = revenue / (baselineDailyRevenue × eventDays) × 100
//	costPerParticipant    = investment / participants (0 without entries)
//	revenuePerParticipant = revenue / participants (0 without entries)
//
// Money is rounded to whole won, percentages to one decimal.

// ROIInput is what Estimate needs of an event: its settings and the
// measured counts.
type ROIInput struct {
	Industry       string   // the store's industry as typed ("카페", "음식점"…)
	Objective      string   // NEW_CUSTOMERS, REVISIT, SALES_INCREASE (or SALES), AWARENESS
	Budget         int64    // KRW; 0 when the owner gave none
	Channels       []string // the channels the owner selected
	PostedChannels []string // the channels whose posting succeeded (the ones that cost money)
	Participants   int64    // entries (measured)
	StoreVisits    int64    // entries with a store visit (measured)
	Views          int64    // public page views (measured; not part of the money model: a view is not a sale)
	EventDays      int      // the event's length in days; < 1 means unknown (DefaultEventDays is used)
}

// Investment is what the event costs, in KRW.
type Investment struct {
	Total           float64 `json:"total"`
	PrizeCost       float64 `json:"prizeCost"`
	ContentCreation float64 `json:"contentCreation"`
	Operation       float64 `json:"operation"`
	Distribution    float64 `json:"distribution"`
}

// Revenue is what the event is expected to bring in, in KRW, in the two
// splits the dashboard shows.
type Revenue struct {
	Total                   float64 `json:"total"`
	DirectSales             float64 `json:"directSales"`
	ExpectedSales           float64 `json:"expectedSales"`
	NewCustomerRevenue      float64 `json:"newCustomerRevenue"`
	ExistingCustomerRevenue float64 `json:"existingCustomerRevenue"`
}

// Assumptions are the figures an estimate rests on, returned with it so the
// owner sees why the numbers are what they are.
type Assumptions struct {
	IndustryCategory     string           `json:"industryCategory"`     // the industry's row in the table (OTHER when unknown)
	AverageSpend         float64          `json:"averageSpend"`         // KRW per paying visit
	LaterVisitRate       float64          `json:"laterVisitRate"`       // share of entrants without a store visit who come later
	RepeatVisits         float64          `json:"repeatVisits"`         // paying visits per converted customer
	ExpectedVisits       float64          `json:"expectedVisits"`       // store visits the revenue counts (1 decimal)
	BaselineDailyRevenue float64          `json:"baselineDailyRevenue"` // a typical shop's daily sales, KRW
	EventDays            int              `json:"eventDays"`            // the days the baseline covers
	BaselineRevenue      float64          `json:"baselineRevenue"`      // baselineDailyRevenue × eventDays
	PrizeShare           float64          `json:"prizeShare"`
	ContentShare         float64          `json:"contentShare"`
	OperationShare       float64          `json:"operationShare"`
	DirectSalesShare     float64          `json:"directSalesShare"`
	NewCustomerShare     float64          `json:"newCustomerShare"`
	ChannelCosts         map[string]int64 `json:"channelCosts"`        // posted channel -> KRW
	PlannedDistribution  float64          `json:"plannedDistribution"` // what posting every selected channel costs
}

// ROI is the estimate for one event (or, summed, for an owner's events).
type ROI struct {
	Investment            Investment  `json:"investment"`
	Revenue               Revenue     `json:"revenue"`
	ROI                   float64     `json:"roi"`             // %
	TargetROI             float64     `json:"targetRoi"`       // %, by objective
	SalesGrowthRate       float64     `json:"salesGrowthRate"` // %
	CostPerParticipant    float64     `json:"costPerParticipant"`
	RevenuePerParticipant float64     `json:"revenuePerParticipant"`
	Assumptions           Assumptions `json:"assumptions"`
}

// The fixed splits of the original design (section 2.7).
const (
	PrizeShare       = 0.5 // of the investment left after distribution
	ContentShare     = 0.3
	OperationShare   = 0.2
	DirectSalesShare = 0.7 // of the revenue; the rest is expected additional sales
	NewCustomerShare = 0.4 // of the revenue; the rest is existing customers
)

// DefaultEventDays is the length assumed for an event whose dates are not
// known, so sales growth never divides by zero days.
const DefaultEventDays = 14

// MaxPercent caps ROI and sales growth: a budget of a few won would give a
// meaningless ratio of millions of percent, and the stored numeric(10,2)
// columns must never overflow (a failing rollup would hold up every row
// behind it).
const MaxPercent = 1_000_000

// maxMoney caps a money figure for the same reason (numeric(15,2)).
const maxMoney = 999_999_999_999

// industryAssumption is one row of the per-industry table.
type industryAssumption struct {
	averageSpend   float64 // KRW per paying visit (a month's fee for FITNESS and EDUCATION, where a visit is an enrolment)
	laterVisitRate float64 // entrants who did not visit at entry but come during or soon after the event
	repeatVisits   float64 // paying visits per converted customer within the event and a few weeks after
	baselineDaily  float64 // a typical neighbourhood shop's daily sales, KRW
}

// industries keys the model on recommend.Category, the same grouping the AI
// planner uses, so a plan's promised ROI and the measured result rest on
// the same average spends (recommend/builtin.go avgSpend). Frequent cheap
// purchases (coffee, bread) convert and repeat more than rare expensive
// ones (a haircut, a month at a gym or an academy).
var industries = map[string]industryAssumption{
	"CAFE":       {averageSpend: 6_500, laterVisitRate: 0.30, repeatVisits: 1.8, baselineDaily: 600_000},
	"BAKERY":     {averageSpend: 9_000, laterVisitRate: 0.30, repeatVisits: 1.6, baselineDaily: 700_000},
	"RESTAURANT": {averageSpend: 18_000, laterVisitRate: 0.25, repeatVisits: 1.4, baselineDaily: 1_500_000},
	"BAR":        {averageSpend: 30_000, laterVisitRate: 0.20, repeatVisits: 1.3, baselineDaily: 1_200_000},
	"BEAUTY":     {averageSpend: 45_000, laterVisitRate: 0.15, repeatVisits: 1.2, baselineDaily: 900_000},
	"FITNESS":    {averageSpend: 80_000, laterVisitRate: 0.10, repeatVisits: 1.0, baselineDaily: 800_000},
	"EDUCATION":  {averageSpend: 150_000, laterVisitRate: 0.08, repeatVisits: 1.0, baselineDaily: 1_000_000},
	"RETAIL":     {averageSpend: 25_000, laterVisitRate: 0.20, repeatVisits: 1.3, baselineDaily: 1_000_000},
	"OTHER":      {averageSpend: 20_000, laterVisitRate: 0.20, repeatVisits: 1.3, baselineDaily: 800_000}, // unknown industries
}

// targetROI is the ROI an event of each objective should reach to have
// paid off, in %: sales events must pay back directly, revisit events earn
// through repeat visits, new-customer events invest in people who pay back
// over months, awareness events mostly buy reach. It matches the range the
// AI plans promise (150 / 200 / 300 %).
var targetROI = map[string]float64{
	"NEW_CUSTOMERS":  150,
	"REVISIT":        200,
	"SALES_INCREASE": 250,
	"SALES":          250,
	"AWARENESS":      100,
}

// defaultTargetROI is the target of an unknown objective.
const defaultTargetROI = 150

// channelCosts is the price of posting one event on a channel, in KRW: the
// KT partner products are paid per campaign, the SNS posts are organic
// (the owner's own account, no paid boost) and the store's QR code or a
// direct link cost nothing. They are list-price assumptions, not quotes.
var channelCosts = map[string]int64{
	"URIDONGNETV": 300_000, // 우리동네TV: one week of a local cable-TV ad slot around the store
	"GINITV":      500_000, // 지니TV: one week of an IPTV banner ad in the store's area
	"RINGOBIZ":    50_000,  // 링고비즈: one month of the event message on the store's ringback tone
	"INSTAGRAM":   0,
	"NAVER":       0,
	"KAKAO":       0,
	"STORE_QR":    0,
	"DIRECT":      0,
}

// ChannelCost is what posting one event on the channel costs, in KRW (0
// for organic, owned and unknown channels). The rollup records it as the
// channel's distribution_cost once the channel posted.
func ChannelCost(channel string) int64 {
	return channelCosts[channel]
}

// Channel types (channel_stats.channel_type).
const (
	ChannelTypeTV    = "TV"
	ChannelTypeVoice = "VOICE"
	ChannelTypeSNS   = "SNS"
	ChannelTypeOwned = "OWNED"
)

// ChannelType groups a channel for the dashboards: TV (URIDONGNETV,
// GINITV), VOICE (RINGOBIZ), SNS (INSTAGRAM, NAVER, KAKAO), and OWNED for
// the store's own QR code, a direct link and anything else (the rollup
// attributes unknown sources to DIRECT).
func ChannelType(channel string) string {
	switch channel {
	case "URIDONGNETV", "GINITV":
		return ChannelTypeTV
	case "RINGOBIZ":
		return ChannelTypeVoice
	case "INSTAGRAM", "NAVER", "KAKAO":
		return ChannelTypeSNS
	default:
		return ChannelTypeOwned
	}
}

// Estimate computes an event's investment, expected revenue and ROI from
// its settings and measured counts (see the model above). It is pure: the
// rollup stores its figures and the read side recomputes the breakdowns
// from the same inputs.
func Estimate(in ROIInput) ROI {
	category := recommend.Category(in.Industry)
	ind, ok := industries[category]
	if !ok {
		category, ind = "OTHER", industries["OTHER"]
	}
	a := Assumptions{IndustryCategory: category, AverageSpend: ind.averageSpend, LaterVisitRate: ind.laterVisitRate,
		RepeatVisits: ind.repeatVisits, BaselineDailyRevenue: ind.baselineDaily, EventDays: in.EventDays,
		PrizeShare: PrizeShare, ContentShare: ContentShare, OperationShare: OperationShare, DirectSalesShare: DirectSalesShare,
		NewCustomerShare: NewCustomerShare, ChannelCosts: map[string]int64{}}
	if a.EventDays < 1 {
		a.EventDays = DefaultEventDays
	}
	a.BaselineRevenue = ind.baselineDaily * float64(a.EventDays)

	var distribution int64
	for _, ch := range in.PostedChannels {
		if _, seen := a.ChannelCosts[ch]; !seen {
			a.ChannelCosts[ch] = ChannelCost(ch)
			distribution += ChannelCost(ch)
		}
	}
	var planned int64
	for i, ch := range in.Channels {
		if !slices.Contains(in.Channels[:i], ch) {
			planned += ChannelCost(ch)
		}
	}
	a.PlannedDistribution = float64(planned)

	var r ROI
	r.Assumptions = a
	total := money(float64(max(in.Budget, distribution, 0)))
	rest := total - float64(distribution)
	r.Investment = Investment{Total: total, Distribution: float64(distribution),
		PrizeCost: money(rest * PrizeShare), ContentCreation: money(rest * ContentShare)}
	r.Investment.Operation = rest - r.Investment.PrizeCost - r.Investment.ContentCreation

	participants := max(in.Participants, 0)
	visits := min(max(in.StoreVisits, 0), participants)
	expected := float64(visits) + float64(participants-visits)*ind.laterVisitRate
	r.Assumptions.ExpectedVisits = math.Round(expected*10) / 10
	revenue := money(expected * ind.averageSpend * ind.repeatVisits)
	r.Revenue = splitRevenue(revenue)

	r.ROI = roiPercent(revenue, total)
	r.TargetROI = TargetROI(in.Objective)
	r.SalesGrowthRate = percent(revenue, a.BaselineRevenue)
	r.CostPerParticipant = perHead(total, participants)
	r.RevenuePerParticipant = perHead(revenue, participants)
	return r
}

// TargetROI is the ROI (%) an event of the objective should reach.
func TargetROI(objective string) float64 {
	if t, ok := targetROI[objective]; ok {
		return t
	}
	return defaultTargetROI
}

// splitRevenue splits a total in the design's fixed shares; the second
// part of each split takes the rounding remainder, so the parts add up.
func splitRevenue(total float64) Revenue {
	r := Revenue{Total: total, DirectSales: money(total * DirectSalesShare), NewCustomerRevenue: money(total * NewCustomerShare)}
	r.ExpectedSales = total - r.DirectSales
	r.ExistingCustomerRevenue = total - r.NewCustomerRevenue
	return r
}

// roiPercent is (revenue − investment) / investment × 100, 0 when nothing
// was invested (there is no return on nothing).
func roiPercent(revenue, investment float64) float64 {
	if investment <= 0 {
		return 0
	}
	return capPercent((revenue - investment) / investment * 100)
}

// percent is part / whole × 100, rounded to 1 decimal; 0 when whole is 0.
func percent(part, whole float64) float64 {
	if whole <= 0 {
		return 0
	}
	return capPercent(part / whole * 100)
}

func capPercent(p float64) float64 {
	return math.Round(min(max(p, -MaxPercent), MaxPercent)*10) / 10
}

// perHead divides money by a head count, in whole won; 0 without heads.
func perHead(amount float64, heads int64) float64 {
	if heads <= 0 {
		return 0
	}
	return money(amount / float64(heads))
}

// money rounds to whole won within the stored columns' range.
func money(v float64) float64 {
	return math.Round(min(max(v, -maxMoney), maxMoney))
}
