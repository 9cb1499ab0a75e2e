package analytics

import (
	"time"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/event"
)

// The read side's answers (API.md "Analytics"; JSON is the frontend's
// contract). An event's report and an owner's aggregate share one shape:
// eventId is set for an event, userId for an owner's aggregate.

// Figures says which fields of a report are measured (counted from entries,
// page views and what the channels report) and which are estimates from the
// ROI model's assumptions, so the dashboard can label them honestly.
type Figures struct {
	Measured  []string `json:"measured"`
	Estimated []string `json:"estimated"`
}

// Summary is the dashboard's cards.
type Summary struct {
	Participants    int64   `json:"participants"`
	TotalViews      int64   `json:"totalViews"`
	EngagementRate  float64 `json:"engagementRate"` // %: (participants + likes + comments + shares) / max(views + impressions, 1)
	ConversionRate  float64 `json:"conversionRate"` // %: participants / views
	EstimatedROI    float64 `json:"estimatedRoi"`
	TargetROI       float64 `json:"targetRoi"`
	SalesGrowthRate float64 `json:"salesGrowthRate"`
	StoreVisits     int64   `json:"storeVisits"`
	MarketingOptIns int64   `json:"marketingOptIns"`
}

// ChannelPerformance is one channel's line on the dashboard.
type ChannelPerformance struct {
	Channel            string  `json:"channel"`
	ChannelType        string  `json:"channelType"`
	Views              int64   `json:"views"`
	Participants       int64   `json:"participants"`
	Conversions        int64   `json:"conversions"`
	ConversionRate     float64 `json:"conversionRate"` // %: participants / views
	Impressions        int64   `json:"impressions"`
	EstimatedViews     int64   `json:"estimatedViews"`
	DistributionStatus *string `json:"distributionStatus"` // SUCCESS, FAILED; null before the fan-out settled (or, for an owner, when the events differ)
}

// DashboardROI is the dashboard's ROI card.
type DashboardROI struct {
	TotalInvestment       float64 `json:"totalInvestment"`
	ExpectedRevenue       float64 `json:"expectedRevenue"`
	ROI                   float64 `json:"roi"`
	CostPerParticipant    float64 `json:"costPerParticipant"`
	RevenuePerParticipant float64 `json:"revenuePerParticipant"`
}

// Dashboard is AnalyticsDashboard (one event) and UserAnalytics (all of an
// owner's events).
type Dashboard struct {
	EventID            *uuid.UUID           `json:"eventId,omitempty"`
	EventTitle         string               `json:"eventTitle,omitempty"`
	Status             string               `json:"status,omitempty"` // ACTIVE, ENDED (an event only)
	UserID             *uuid.UUID           `json:"userId,omitempty"`
	Events             int                  `json:"events"` // events counted
	Summary            Summary              `json:"summary"`
	ChannelPerformance []ChannelPerformance `json:"channelPerformance"`
	ROI                DashboardROI         `json:"roi"`
	Figures            Figures              `json:"figures"`
	LastUpdated        *time.Time           `json:"lastUpdated"` // the last rollup that changed the figures
}

// ChannelQuery narrows and orders the channel report.
type ChannelQuery struct {
	Channels  []string // only these channels (empty: all)
	SortBy    string   // participants, views, conversions, conversionRate, impressions, distributionCost, channel; empty: display order
	SortOrder string   // asc, desc; empty: desc for figures, asc for channel
}

// ChannelMetrics are a channel's counts.
type ChannelMetrics struct {
	Impressions    int64   `json:"impressions"`
	Views          int64   `json:"views"`
	Clicks         int64   `json:"clicks"`
	Participants   int64   `json:"participants"`
	Conversions    int64   `json:"conversions"`
	ConversionRate float64 `json:"conversionRate"` // %: participants / views
}

// ChannelSpend is what a channel cost.
type ChannelSpend struct {
	DistributionCost   float64 `json:"distributionCost"`
	CostPerParticipant float64 `json:"costPerParticipant"`
}

// SNSMetrics are what an SNS channel reports of its post.
type SNSMetrics struct {
	Likes    int64 `json:"likes"`
	Comments int64 `json:"comments"`
	Shares   int64 `json:"shares"`
}

// CallMetrics are what RINGOBIZ reports of its calls.
type CallMetrics struct {
	TotalCalls      int64   `json:"totalCalls"`
	CompletedCalls  int64   `json:"completedCalls"`
	AverageDuration float64 `json:"averageDuration"` // seconds
}

// ChannelReport is one channel of AnalyticsChannels.
type ChannelReport struct {
	Channel            string         `json:"channel"`
	ChannelType        string         `json:"channelType"`
	Metrics            ChannelMetrics `json:"metrics"`
	Costs              ChannelSpend   `json:"costs"`
	SNS                *SNSMetrics    `json:"sns,omitempty"`  // SNS channels only
	Call               *CallMetrics   `json:"call,omitempty"` // VOICE channels only
	DistributionStatus *string        `json:"distributionStatus"`
	EstimatedViews     int64          `json:"estimatedViews"`
	MetricsAt          *time.Time     `json:"metricsAt"` // when the channel last reported; null when it never did
}

// MeasuredInputs are the facts an ROI estimate starts from: counts and
// the owner's own settings, none of them assumed.
type MeasuredInputs struct {
	Participants   int64    `json:"participants"`
	StoreVisits    int64    `json:"storeVisits"`
	Views          int64    `json:"views"`
	Budget         int64    `json:"budget"`
	PostedChannels []string `json:"postedChannels"`
	EventDays      int      `json:"eventDays"` // 0 when the dates are unknown
}

// EventROI is one event's line in an owner's ROI report.
type EventROI struct {
	EventID         uuid.UUID `json:"eventId"`
	EventTitle      string    `json:"eventTitle"`
	Participants    int64     `json:"participants"`
	TotalInvestment float64   `json:"totalInvestment"`
	ExpectedRevenue float64   `json:"expectedRevenue"`
	ROI             float64   `json:"roi"`
	TargetROI       float64   `json:"targetRoi"`
}

// ROIReport is AnalyticsRoi: the estimate's breakdowns (investment,
// revenue, roi, targetRoi, salesGrowthRate, costPerParticipant,
// revenuePerParticipant, assumptions) beside the measured inputs.
type ROIReport struct {
	EventID *uuid.UUID `json:"eventId,omitempty"`
	UserID  *uuid.UUID `json:"userId,omitempty"`
	ROI
	MeasuredInputs MeasuredInputs `json:"measuredInputs"`
	Figures        Figures        `json:"figures"`
	Events         []EventROI     `json:"events,omitempty"` // an owner's report: each event's own figures
	LastUpdated    *time.Time     `json:"lastUpdated"`
}

// Timeline granularities.
const (
	Hourly = "hourly"
	Daily  = "daily"
)

// TimelineQuery picks the series' granularity and calendar range.
type TimelineQuery struct {
	Granularity string      // hourly (default) or daily
	StartDate   *event.Date // inclusive, a calendar date in the configured time zone
	EndDate     *event.Date // inclusive
}

// TimelinePoint is one hour or day.
type TimelinePoint struct {
	Timestamp              time.Time `json:"timestamp"`      // the start of the hour or of the day, UTC
	Date                   string    `json:"date,omitempty"` // daily points: the calendar date
	Participants           int64     `json:"participants"`
	Views                  int64     `json:"views"`
	Engagement             int64     `json:"engagement"`  // entries that opted in to marketing
	Conversions            int64     `json:"conversions"` // entries with a store visit
	CumulativeParticipants int64     `json:"cumulativeParticipants"`
}

// Peak is the point with the most entries.
type Peak struct {
	Timestamp    time.Time `json:"timestamp"`
	Date         string    `json:"date,omitempty"`
	Participants int64     `json:"participants"`
}

// Timeline is AnalyticsTimeline.
type Timeline struct {
	EventID     *uuid.UUID      `json:"eventId,omitempty"`
	UserID      *uuid.UUID      `json:"userId,omitempty"`
	Granularity string          `json:"granularity"`
	TimeZone    string          `json:"timeZone"`
	StartDate   *event.Date     `json:"startDate"`
	EndDate     *event.Date     `json:"endDate"`
	Points      []TimelinePoint `json:"points"`
	Peak        *Peak           `json:"peak"` // null when nobody entered in the range
}

// dashboardFigures labels the dashboard's fields.
func dashboardFigures() Figures {
	return Figures{
		Measured: []string{"summary.participants", "summary.totalViews", "summary.storeVisits", "summary.marketingOptIns",
			"summary.engagementRate", "summary.conversionRate", "channelPerformance.views", "channelPerformance.participants",
			"channelPerformance.conversions", "channelPerformance.conversionRate", "channelPerformance.impressions",
			"channelPerformance.distributionStatus"},
		Estimated: []string{"summary.estimatedRoi", "summary.targetRoi", "summary.salesGrowthRate", "channelPerformance.estimatedViews",
			"roi.totalInvestment", "roi.expectedRevenue", "roi.roi", "roi.costPerParticipant", "roi.revenuePerParticipant"},
	}
}

// ChannelFigures labels the channel report's fields (the report is a list,
// so the handler sends these beside it).
func ChannelFigures() Figures {
	return Figures{
		Measured: []string{"metrics.impressions", "metrics.views", "metrics.clicks", "metrics.participants", "metrics.conversions",
			"metrics.conversionRate", "sns.likes", "sns.comments", "sns.shares", "call.totalCalls", "call.completedCalls",
			"call.averageDuration", "distributionStatus", "metricsAt"},
		Estimated: []string{"estimatedViews", "costs.distributionCost", "costs.costPerParticipant"},
	}
}

// roiFigures labels the ROI report's fields.
func roiFigures() Figures {
	return Figures{
		Measured: []string{"measuredInputs.participants", "measuredInputs.storeVisits", "measuredInputs.views", "measuredInputs.budget",
			"measuredInputs.postedChannels", "measuredInputs.eventDays"},
		Estimated: []string{"investment", "revenue", "roi", "targetRoi", "salesGrowthRate", "costPerParticipant", "revenuePerParticipant",
			"assumptions"},
	}
}
