// Package event owns promotional events: the creation wizard, the
// DRAFT -> PUBLISHED -> ENDED lifecycle, the async AI jobs that fill in plans
// and posters, the public page and the draw commitment made at publish.
package event

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/phone"
)

// States of an event.
const (
	StatusDraft     = "DRAFT"
	StatusPublished = "PUBLISHED"
	StatusEnded     = "ENDED"
)

// Objectives an owner can pick.
var Objectives = []string{"NEW_CUSTOMERS", "REVISIT", "SALES_INCREASE", "AWARENESS"}

// Channels the event can be published to, in display order.
var Channels = []string{"URIDONGNETV", "RINGOBIZ", "GINITV", "INSTAGRAM", "NAVER", "KAKAO"}

// Poster styles and platforms (with their pixel sizes).
var (
	Styles         = []string{"SIMPLE", "FANCY", "TRENDY"}
	Platforms      = []string{"INSTAGRAM", "NAVER", "KAKAO"}
	PlatformSizes  = map[string][2]int{"INSTAGRAM": {1080, 1080}, "NAVER": {800, 600}, "KAKAO": {800, 800}}
	hexColor       = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)
	uriDongNeRadii = []string{"500m", "1km", "2km", "3km", "5km"}
	timeSlots      = []string{"MORNING", "LUNCH", "AFTERNOON", "EVENING", "NIGHT", "ALL_DAY"}
)

// Error codes.
const (
	CodeNotFound      = "EVENT_001"
	CodeForbidden     = "EVENT_003"
	CodeWrongState    = "EVENT_004"
	CodeNotReady      = "EVENT_005"
	CodeItemNotFound  = "EVENT_006" // a recommendation or image of the event
	CodeTooManyViews  = "EVENT_007" // the page-view beacon, throttled per client
	CodeJobNotFound   = "JOB_001"
	CodeNeedsPlanning = "CONTENT_001" // posters before a plan is selected
	CodeJobRunning    = "AI_001"      // 429: a job of this type is already running for the event (jobId names it)
	CodeJobQuota      = "AI_002"      // 429: the owner's daily quota of this job type is used up (Retry-After: next midnight)
	// RINGOBIZ puts a message on a phone line: only the store's own line,
	// proved by an SMS code (StorePhoneVerification*).
	CodeRingbackNotVerified = "RINGO_001" // the store has no verified line yet
	CodeRingbackNotStore    = "RINGO_002" // the number is not the store's verified line
)

// Date is a calendar date (YYYY-MM-DD) in the event's time zone.
type Date struct{ time.Time }

// ParseDate reads YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	return Date{t}, err
}

func (d Date) String() string { return d.Format(time.DateOnly) }

// MarshalJSON writes "YYYY-MM-DD".
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads "YYYY-MM-DD".
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	parsed, err := ParseDate(s)
	*d = parsed
	return err
}

// Recommendation is one AI plan.
type Recommendation struct {
	RecommendationID    uuid.UUID `json:"recommendationId"`
	BudgetLevel         string    `json:"budgetLevel"`
	EventName           string    `json:"eventName"`
	Description         string    `json:"description"`
	Prize               string    `json:"prize"`
	ParticipationMethod string    `json:"participationMethod"`
	PromotionType       string    `json:"promotionType"`
	TargetAudience      string    `json:"targetAudience"`
	EstimatedCost       int64     `json:"estimatedCost"`
	ExpectedROI         float64   `json:"expectedRoi"`
	IsSelected          bool      `json:"isSelected"`
}

// Image is one generated poster.
type Image struct {
	ImageID    uuid.UUID `json:"imageId"`
	Style      string    `json:"style"`
	Platform   string    `json:"platform"`
	ImageURL   string    `json:"imageUrl"`
	Width      int       `json:"width"`
	Height     int       `json:"height"`
	IsSelected bool      `json:"isSelected"`
}

// Event is the owner's view of an event.
type Event struct {
	EventID                  uuid.UUID                  `json:"eventId"`
	UserID                   uuid.UUID                  `json:"userId"`
	StoreID                  uuid.UUID                  `json:"storeId"`
	Objective                string                     `json:"objective"`
	Status                   string                     `json:"status"`
	EventName                *string                    `json:"eventName"`
	Description              *string                    `json:"description"`
	Prize                    *string                    `json:"prize"`
	StartDate                *Date                      `json:"startDate"`
	EndDate                  *Date                      `json:"endDate"`
	WinnerCount              int                        `json:"winnerCount"`
	Budget                   *int64                     `json:"budget"`
	Channels                 []string                   `json:"channels"`
	ChannelSettings          map[string]json.RawMessage `json:"channelSettings"`
	SelectedRecommendationID *uuid.UUID                 `json:"selectedRecommendationId"`
	SelectedImageID          *uuid.UUID                 `json:"selectedImageId"`
	SelectedImageURL         *string                    `json:"selectedImageUrl"`
	Recommendations          []Recommendation           `json:"recommendations"`
	Images                   []Image                    `json:"images"`
	DrawCommitment           *string                    `json:"drawCommitment,omitempty"`
	TimeZone                 string                     `json:"timeZone"`
	VerifyPhone              bool                       `json:"verifyPhone"` // entries need an SMS-verified phone
	WebPoster                *WebPoster                 `json:"-"`           // the entry page's poster, made at publish
	PublishedAt              *time.Time                 `json:"publishedAt,omitempty"`
	EndedAt                  *time.Time                 `json:"endedAt,omitempty"`
	CreatedAt                time.Time                  `json:"createdAt"`
	UpdatedAt                time.Time                  `json:"updatedAt"`
}

// Summary is one row of the owner's event list.
type Summary struct {
	EventID          uuid.UUID `json:"eventId"`
	EventName        *string   `json:"eventName"`
	Objective        string    `json:"objective"`
	Status           string    `json:"status"`
	StartDate        *Date     `json:"startDate"`
	EndDate          *Date     `json:"endDate"`
	ParticipantCount int       `json:"participantCount"`
	CreatedAt        time.Time `json:"createdAt"`
}

// Filter narrows the owner's list.
type Filter struct {
	Status    string
	Objective string
	Search    string
	Page      int
	Size      int
}

// Update edits a draft; nil fields stay.
type Update struct {
	EventName   *string
	Description *string
	Prize       *string
	StartDate   *string
	EndDate     *string
	WinnerCount *int
	Budget      *int64
	VerifyPhone *bool
}

// Selection picks a plan, optionally overriding its copy and setting dates.
type Selection struct {
	RecommendationID uuid.UUID
	EventName        *string
	Description      *string
	Prize            *string
	StartDate        *string
	EndDate          *string
}

// ChannelChoice is the channels step.
type ChannelChoice struct {
	Channels []string
	Settings map[string]json.RawMessage
}

func runes(s string) int { return utf8.RuneCountInString(s) }

// validateUpdate checks the fields and resolves the dates; current is the
// stored event, so a new start date is checked against the stored end date.
func (u Update) validate(v *apperr.Validation, cur *Event) (start, end *Date) {
	if u.EventName != nil {
		n := runes(strings.TrimSpace(*u.EventName))
		v.Check(n >= 1 && n <= 200, "eventName", "must be 1 to 200 characters")
	}
	if u.Description != nil {
		v.Check(runes(*u.Description) <= 5000, "description", "must be at most 5000 characters")
	}
	if u.Prize != nil {
		v.Check(runes(*u.Prize) <= 200, "prize", "must be at most 200 characters")
	}
	if u.WinnerCount != nil {
		v.Check(*u.WinnerCount >= 1 && *u.WinnerCount <= 1000, "winnerCount", "must be from 1 to 1000")
	}
	if u.Budget != nil {
		v.Check(*u.Budget >= 0 && *u.Budget <= 10_000_000_000, "budget", "must be a whole number of won from 0 to 10,000,000,000")
	}
	start, end = cur.StartDate, cur.EndDate
	if u.StartDate != nil {
		d, err := ParseDate(*u.StartDate)
		v.Check(err == nil, "startDate", "must be a date YYYY-MM-DD")
		if err == nil {
			start = &d
		}
	}
	if u.EndDate != nil {
		d, err := ParseDate(*u.EndDate)
		v.Check(err == nil, "endDate", "must be a date YYYY-MM-DD")
		if err == nil {
			end = &d
		}
	}
	if start != nil && end != nil {
		v.Check(!start.After(end.Time), "endDate", "must not be before startDate")
	}
	return start, end
}

// channel settings, as the channels step sends them.
type uriDongNeSettings struct {
	Radius   string `json:"radius"`
	TimeSlot string `json:"timeSlot"`
}

type ringoSettings struct {
	PhoneNumber string `json:"phoneNumber"`
	Message     string `json:"message"`
}

type snsSettings struct {
	ScheduledTime *time.Time `json:"scheduledTime"`
	Hashtags      []string   `json:"hashtags"`
}

type giniSettings struct {
	TimeSlot string `json:"timeSlot"`
	Region   string `json:"region"`
}

// validate checks the channels and each selected channel's settings, and
// returns the settings normalised (phone digits, upper-case slots).
func (c ChannelChoice) validate(now time.Time) (map[string]json.RawMessage, error) {
	var v apperr.Validation
	v.Check(len(c.Channels) >= 1, "channels", "choose at least one channel")
	seen := map[string]bool{}
	for _, ch := range c.Channels {
		v.Check(slices.Contains(Channels, ch), "channels", "%q is not one of %s", ch, strings.Join(Channels, ", "))
		v.Check(!seen[ch], "channels", "%s is listed twice", ch)
		seen[ch] = true
	}
	for ch := range c.Settings {
		v.Check(seen[ch], "settings."+ch, "settings for a channel that is not selected")
	}
	out := map[string]json.RawMessage{}
	decode := func(ch string, dst any) bool {
		raw, ok := c.Settings[ch]
		if !ok {
			raw = json.RawMessage(`{}`)
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			v.Addf("settings."+ch, "malformed: %v", err)
			return false
		}
		return true
	}
	put := func(ch string, val any) {
		b, _ := json.Marshal(val)
		out[ch] = b
	}
	for _, ch := range c.Channels {
		switch ch {
		case "URIDONGNETV":
			var s uriDongNeSettings
			if decode(ch, &s) {
				s.Radius, s.TimeSlot = strings.ToLower(s.Radius), strings.ToUpper(s.TimeSlot)
				v.Check(slices.Contains(uriDongNeRadii, s.Radius), "settings.URIDONGNETV.radius", "must be one of %s", strings.Join(uriDongNeRadii, ", "))
				v.Check(slices.Contains(timeSlots, s.TimeSlot), "settings.URIDONGNETV.timeSlot", "must be one of %s", strings.Join(timeSlots, ", "))
				put(ch, s)
			}
		case "GINITV":
			var s giniSettings
			if decode(ch, &s) {
				s.TimeSlot = strings.ToUpper(s.TimeSlot)
				if s.TimeSlot == "" {
					s.TimeSlot = "ALL_DAY"
				}
				v.Check(slices.Contains(timeSlots, s.TimeSlot), "settings.GINITV.timeSlot", "must be one of %s", strings.Join(timeSlots, ", "))
				v.Check(runes(s.Region) <= 100, "settings.GINITV.region", "must be at most 100 characters")
				put(ch, s)
			}
		case "RINGOBIZ":
			var s ringoSettings
			if decode(ch, &s) {
				d, err := normalizeBusinessPhone(s.PhoneNumber)
				v.Check(err == nil, "settings.RINGOBIZ.phoneNumber", "the store's phone number (for the ringback message) is required")
				s.PhoneNumber = d
				s.Message = strings.TrimSpace(s.Message)
				if msg := ringbackMessageError(s.Message); msg != "" {
					v.Addf("settings.RINGOBIZ.message", "%s", msg)
				}
				put(ch, s)
			}
		default: // INSTAGRAM, NAVER, KAKAO
			var s snsSettings
			if decode(ch, &s) {
				if s.ScheduledTime != nil {
					v.Check(!s.ScheduledTime.Before(now.Add(-time.Minute)), "settings."+ch+".scheduledTime", "must not be in the past")
				}
				v.Check(len(s.Hashtags) <= 30, "settings."+ch+".hashtags", "at most 30 hashtags")
				put(ch, s)
			}
		}
	}
	return out, v.Err()
}

// normalizeBusinessPhone accepts a mobile number or a landline (02-123-4567).
func normalizeBusinessPhone(s string) (string, error) {
	if d, err := phone.Normalize(s); err == nil {
		return d, nil
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '-' || r == ' ' || r == '(' || r == ')' || r == '.':
		default:
			return "", phone.ErrInvalid
		}
	}
	d := b.String()
	if len(d) < 9 || len(d) > 11 || d[0] != '0' {
		return "", phone.ErrInvalid
	}
	return d, nil
}

// RingbackMessageMax caps the ringback message: it is read out to callers
// while the phone rings, and 100 characters is about 20 seconds of speech.
const RingbackMessageMax = 100

var (
	// A link cannot be followed by ear and is how a phishing line would
	// be read out: none, in any spelling (scheme, www., a domain).
	ringbackURL = regexp.MustCompile(`(?i)(https?:|www\.|[a-z0-9-]+\.(com|net|org|kr|co|io|me|ly|gl|link|shop|site|xyz|info|biz)\b)`)
	// A phone number would send the store's callers to another line: no
	// run of 7 or more digits, separators allowed.
	ringbackPhone = regexp.MustCompile(`[0-9](?:[\s.()+-]*[0-9]){6,}`)
)

// ringbackMessageError says what is wrong with an owner's ringback message
// ("" when it is fine; empty means the built-in text): at most
// RingbackMessageMax characters, one line, no links, no phone numbers.
func ringbackMessageError(m string) string {
	switch {
	case runes(m) > RingbackMessageMax:
		return fmt.Sprintf("must be at most %d characters (it is read out while the phone rings)", RingbackMessageMax)
	case strings.ContainsAny(m, "\r\n\t"):
		return "must be one line"
	case ringbackURL.MatchString(m):
		return "must not contain a link (callers only hear it)"
	case ringbackPhone.MatchString(m):
		return "must not contain a phone number (callers are already on the store's line)"
	}
	return ""
}
