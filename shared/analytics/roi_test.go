package analytics

import (
	"reflect"
	"testing"
)

// Every want below is computed by hand from the tables in roi.go.
func TestEstimate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		in   ROIInput
		want ROI
	}{
		{
			// CAFE: spend 6,500, later 0.30, repeat 1.8, baseline 600,000/day.
			// distribution 300,000 (URIDONGNETV); investment max(1,000,000, 300,000);
			// remainder 700,000 = 350,000 + 210,000 + 140,000.
			// visits 60 + 140 × 0.30 = 102; revenue 102 × 6,500 × 1.8 = 1,193,400
			// = 835,380 direct + 358,020 later = 477,360 new + 716,040 existing.
			// ROI (1,193,400 − 1,000,000) / 1,000,000 = 19.34 % -> 19.3.
			// growth 1,193,400 / (600,000 × 10) = 19.89 % -> 19.9.
			name: "cafe revisit with a paid channel",
			in: ROIInput{Industry: "카페", Objective: "REVISIT", Budget: 1_000_000, Channels: []string{"INSTAGRAM", "KAKAO", "URIDONGNETV", "GINITV"},
				PostedChannels: []string{"INSTAGRAM", "KAKAO", "URIDONGNETV"}, Participants: 200, StoreVisits: 60, Views: 1000, EventDays: 10},
			want: ROI{
				Investment: Investment{Total: 1_000_000, PrizeCost: 350_000, ContentCreation: 210_000, Operation: 140_000, Distribution: 300_000},
				Revenue:    Revenue{Total: 1_193_400, DirectSales: 835_380, ExpectedSales: 358_020, NewCustomerRevenue: 477_360, ExistingCustomerRevenue: 716_040},
				ROI:        19.3, TargetROI: 200, SalesGrowthRate: 19.9, CostPerParticipant: 5_000, RevenuePerParticipant: 5_967,
				Assumptions: Assumptions{IndustryCategory: "CAFE", AverageSpend: 6_500, LaterVisitRate: 0.3, RepeatVisits: 1.8, ExpectedVisits: 102,
					BaselineDailyRevenue: 600_000, EventDays: 10, BaselineRevenue: 6_000_000, PrizeShare: 0.5, ContentShare: 0.3, OperationShare: 0.2,
					DirectSalesShare: 0.7, NewCustomerShare: 0.4, ChannelCosts: map[string]int64{"INSTAGRAM": 0, "KAKAO": 0, "URIDONGNETV": 300_000},
					PlannedDistribution: 800_000},
			},
		},
		{
			// RESTAURANT, no budget: the channels are the investment (500,000 +
			// 50,000), nothing left to split; no entries: revenue 0, ROI −100 %,
			// no per-head figures.
			name: "restaurant without entries or budget",
			in: ROIInput{Industry: "음식점", Objective: "NEW_CUSTOMERS", PostedChannels: []string{"GINITV", "RINGOBIZ", "GINITV"},
				Channels: []string{"GINITV", "RINGOBIZ"}, EventDays: 7},
			want: ROI{
				Investment: Investment{Total: 550_000, Distribution: 550_000},
				ROI:        -100, TargetROI: 150,
				Assumptions: Assumptions{IndustryCategory: "RESTAURANT", AverageSpend: 18_000, LaterVisitRate: 0.25, RepeatVisits: 1.4,
					BaselineDailyRevenue: 1_500_000, EventDays: 7, BaselineRevenue: 10_500_000, PrizeShare: 0.5, ContentShare: 0.3, OperationShare: 0.2,
					DirectSalesShare: 0.7, NewCustomerShare: 0.4, ChannelCosts: map[string]int64{"GINITV": 500_000, "RINGOBIZ": 50_000},
					PlannedDistribution: 550_000},
			},
		},
		{
			// Unknown industry -> OTHER (20,000, 0.20, 1.3, 800,000/day);
			// unknown objective -> 150; no dates -> 14 days.
			// Nothing invested: ROI 0, cost per head 0.
			// visits 10 (12 visits of 10 entrants are clamped); revenue 10 × 20,000 × 1.3 = 260,000
			// = 182,000 + 78,000 = 104,000 + 156,000.
			// growth 260,000 / 11,200,000 = 2.32 % -> 2.3; 26,000 per head.
			name: "unknown industry, nothing invested, no dates",
			in:   ROIInput{Industry: "우주정거장", Objective: "WORLD_PEACE", Participants: 10, StoreVisits: 12},
			want: ROI{
				Revenue:         Revenue{Total: 260_000, DirectSales: 182_000, ExpectedSales: 78_000, NewCustomerRevenue: 104_000, ExistingCustomerRevenue: 156_000},
				TargetROI:       150,
				SalesGrowthRate: 2.3, RevenuePerParticipant: 26_000,
				Assumptions: Assumptions{IndustryCategory: "OTHER", AverageSpend: 20_000, LaterVisitRate: 0.2, RepeatVisits: 1.3, ExpectedVisits: 10,
					BaselineDailyRevenue: 800_000, EventDays: 14, BaselineRevenue: 11_200_000, PrizeShare: 0.5, ContentShare: 0.3, OperationShare: 0.2,
					DirectSalesShare: 0.7, NewCustomerShare: 0.4, ChannelCosts: map[string]int64{}},
			},
		},
		{
			// An odd remainder: 1,000,001 = 500,001 (500,000.5 rounds up) +
			// 300,000 + 200,000. BAKERY: visits 3 + 7 × 0.3 = 5.1; revenue
			// 5.1 × 9,000 × 1.6 = 73,440 = 51,408 + 22,032 = 29,376 + 44,064.
			// ROI (73,440 − 1,000,001) / 1,000,001 = −92.656 % -> −92.7.
			// growth 73,440 / 700,000 = 10.49 % -> 10.5.
			// per head 100,000.1 -> 100,000 and 7,344.
			name: "bakery sales, odd remainder",
			in:   ROIInput{Industry: "동네 베이커리", Objective: "SALES", Budget: 1_000_001, Participants: 10, StoreVisits: 3, EventDays: 1},
			want: ROI{
				Investment: Investment{Total: 1_000_001, PrizeCost: 500_001, ContentCreation: 300_000, Operation: 200_000},
				Revenue:    Revenue{Total: 73_440, DirectSales: 51_408, ExpectedSales: 22_032, NewCustomerRevenue: 29_376, ExistingCustomerRevenue: 44_064},
				ROI:        -92.7, TargetROI: 250, SalesGrowthRate: 10.5, CostPerParticipant: 100_000, RevenuePerParticipant: 7_344,
				Assumptions: Assumptions{IndustryCategory: "BAKERY", AverageSpend: 9_000, LaterVisitRate: 0.3, RepeatVisits: 1.6, ExpectedVisits: 5.1,
					BaselineDailyRevenue: 700_000, EventDays: 1, BaselineRevenue: 700_000, PrizeShare: 0.5, ContentShare: 0.3, OperationShare: 0.2,
					DirectSalesShare: 0.7, NewCustomerShare: 0.4, ChannelCosts: map[string]int64{}},
			},
		},
		{
			// A 1-won budget: CAFE 10 visits × 6,500 × 1.8 = 117,000, and
			// (117,000 − 1) / 1 × 100 is capped at MaxPercent. The 1 won
			// remainder is all prize (0.5 rounds up), 0.1 won per head is 0.
			name: "absurd ratio is capped",
			in:   ROIInput{Industry: "카페", Objective: "AWARENESS", Budget: 1, Participants: 10, StoreVisits: 10, EventDays: 1},
			want: ROI{
				Investment: Investment{Total: 1, PrizeCost: 1, ContentCreation: 0, Operation: 0},
				Revenue:    Revenue{Total: 117_000, DirectSales: 81_900, ExpectedSales: 35_100, NewCustomerRevenue: 46_800, ExistingCustomerRevenue: 70_200},
				ROI:        MaxPercent, TargetROI: 100, SalesGrowthRate: 19.5, CostPerParticipant: 0, RevenuePerParticipant: 11_700,
				Assumptions: Assumptions{IndustryCategory: "CAFE", AverageSpend: 6_500, LaterVisitRate: 0.3, RepeatVisits: 1.8, ExpectedVisits: 10,
					BaselineDailyRevenue: 600_000, EventDays: 1, BaselineRevenue: 600_000, PrizeShare: 0.5, ContentShare: 0.3, OperationShare: 0.2,
					DirectSalesShare: 0.7, NewCustomerShare: 0.4, ChannelCosts: map[string]int64{}},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Estimate(tc.in); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Estimate(%+v)\n got %+v\nwant %+v", tc.in, got, tc.want)
			}
		})
	}
}

func TestChannelCostAndType(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		channel, typ string
		cost         int64
	}{
		{"URIDONGNETV", "TV", 300_000},
		{"GINITV", "TV", 500_000},
		{"RINGOBIZ", "VOICE", 50_000},
		{"INSTAGRAM", "SNS", 0},
		{"NAVER", "SNS", 0},
		{"KAKAO", "SNS", 0},
		{"STORE_QR", "OWNED", 0},
		{"DIRECT", "OWNED", 0},
		{"FAX", "OWNED", 0},
	} {
		if got := ChannelType(tc.channel); got != tc.typ {
			t.Errorf("ChannelType(%s) = %s, want %s", tc.channel, got, tc.typ)
		}
		if got := ChannelCost(tc.channel); got != tc.cost {
			t.Errorf("ChannelCost(%s) = %d, want %d", tc.channel, got, tc.cost)
		}
	}
}
