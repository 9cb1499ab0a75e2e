package distribution

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// KTConfig reaches one of KT's partner APIs (우리동네TV, 지니TV, 링고비즈).
// They have no public specification; docs/channels.md is the v1 contract
// we agreed on and the simulator plays.
type KTConfig struct {
	BaseURL string // CHANNEL_<NAME>_BASE_URL
	APIKey  string // CHANNEL_<NAME>_API_KEY
}

// ktAPIVersion is the contract version sent with every call.
const ktAPIVersion = "1"

// Field limits of the v1 contracts; longer copy is shortened here rather
// than refused there.
const (
	ktTitleLimit       = 100
	ktDescriptionLimit = 1000
	ringbackTextLimit  = 200
)

// ktClient is what the three KT adapters share: auth, versioning,
// idempotency and the partner error shape.
type ktClient struct {
	channel string
	cfg     KTConfig
	client  *http.Client
}

func newKTClient(channel string, cfg KTConfig, client *http.Client) ktClient {
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	return ktClient{channel: channel, cfg: cfg, client: client}
}

func (c ktClient) configured() error {
	var missing []string
	if c.cfg.BaseURL == "" {
		missing = append(missing, "CHANNEL_"+c.channel+"_BASE_URL")
	}
	if c.cfg.APIKey == "" {
		missing = append(missing, "CHANNEL_"+c.channel+"_API_KEY")
	}
	if len(missing) > 0 {
		return Permanent(c.channel, "%s is not configured: set %s", c.channel, strings.Join(missing, ", "))
	}
	return nil
}

func (c ktClient) header(idempotencyKey string) http.Header {
	h := http.Header{"Authorization": {"Bearer " + c.cfg.APIKey}, "X-Kt-Api-Version": {ktAPIVersion}}
	if idempotencyKey != "" {
		h.Set("Idempotency-Key", idempotencyKey)
	}
	return h
}

// create POSTs a new resource under the distribution's idempotency key: a
// retry after a lost answer gets the original back instead of a second ad.
func (c ktClient) create(ctx context.Context, p Post, path string, in, out any) error {
	if p.DistributionID == "" {
		return Permanent(c.channel, "no distribution id to use as the idempotency key")
	}
	return partnerError(doJSON(ctx, c.client, c.channel, http.MethodPost, c.cfg.BaseURL+path, c.header(p.DistributionID), in, out))
}

// stats GETs a resource's figures.
func (c ktClient) stats(ctx context.Context, path, id string, out any) error {
	if err := c.configured(); err != nil {
		return err
	}
	if id == "" {
		return Permanent(c.channel, "metrics: no post id")
	}
	return partnerError(doJSON(ctx, c.client, c.channel, http.MethodGet, c.cfg.BaseURL+path+"/"+url.PathEscape(id)+"/stats", c.header(""), nil, out))
}

// partnerError replaces a partner's JSON error body ({"code","message"},
// the shape of the KT and Kakao contracts) with "message (code)".
func partnerError(err error) error {
	var ce *CallError
	if !errors.As(err, &ce) || ce.Status == 0 {
		return err
	}
	var body struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	if json.Unmarshal([]byte(ce.Message), &body) == nil && body.Message != "" {
		ce.Message = body.Message
		if body.Code != "" {
			ce.Message += " (" + body.Code + ")"
		}
	}
	return ce
}

// decodeSettings reads the owner's channel settings; malformed settings are
// the owner's to fix, not worth a retry.
func decodeSettings(channel string, raw json.RawMessage, dst any) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return Permanent(channel, "settings are malformed: %v", err)
	}
	return nil
}

// Time slots of the v1 contracts. The event's channel step stores them
// upper-case (ALL_DAY for all), so any case and both spellings of "all"
// are accepted.
var ktTimeSlots = map[string]string{
	"morning": "morning", "lunch": "lunch", "afternoon": "afternoon",
	"evening": "evening", "night": "night", "all": "all", "all_day": "all", "allday": "all",
}

// parseTimeSlot maps a settings time slot to the contract's; empty is "all".
func parseTimeSlot(channel, s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "all", nil
	}
	if slot, ok := ktTimeSlots[s]; ok {
		return slot, nil
	}
	return "", Permanent(channel, "settings: timeSlot %q must be one of morning, lunch, afternoon, evening, night, all", s)
}

// Radius bounds of 우리동네TV, in meters, and the default.
const (
	minRadiusMeters     = 100
	maxRadiusMeters     = 10_000
	defaultRadiusMeters = 1000
)

// parseRadius reads the 우리동네TV radius: "500m", "1km", "1.5km", "800",
// a number of meters, or nothing (1 km).
func parseRadius(raw json.RawMessage) (int, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" || string(raw) == `""` {
		return defaultRadiusMeters, nil
	}
	var meters float64
	var n float64
	var s string
	switch {
	case json.Unmarshal(raw, &n) == nil:
		meters = n
	case json.Unmarshal(raw, &s) == nil:
		s = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
		unit := 1.0
		switch {
		case strings.HasSuffix(s, "km"):
			s, unit = strings.TrimSuffix(s, "km"), 1000
		case strings.HasSuffix(s, "m"):
			s = strings.TrimSuffix(s, "m")
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, Permanent(UriDongneTV, "settings: radius %s is not a distance (500m, 1km, 2km or meters)", raw)
		}
		meters = v * unit
	default:
		return 0, Permanent(UriDongneTV, "settings: radius %s is not a distance (500m, 1km, 2km or meters)", raw)
	}
	m := int(math.Round(meters))
	if m < minRadiusMeters || m > maxRadiusMeters {
		return 0, Permanent(UriDongneTV, "settings: radius %s is out of range (%d m to %d km)", raw, minRadiusMeters, maxRadiusMeters/1000)
	}
	return m, nil
}

// uriDongneTV is 우리동네TV: a local-area TV ad around the store.
type uriDongneTV struct{ ktClient }

// NewUriDongneTV returns the 우리동네TV adapter (v1 local-ads contract).
func NewUriDongneTV(cfg KTConfig, client *http.Client) Adapter {
	return uriDongneTV{newKTClient(UriDongneTV, cfg, client)}
}

func (a uriDongneTV) Channel() string { return UriDongneTV }

type localAdRequest struct {
	StoreName    string `json:"storeName"`
	StoreAddress string `json:"storeAddress"`
	Title        string `json:"title"`
	Description  string `json:"description"`
	ImageURL     string `json:"imageUrl"`
	LandingURL   string `json:"landingUrl"`
	RadiusMeters int    `json:"radiusMeters"`
	TimeSlot     string `json:"timeSlot"`
	StartDate    string `json:"startDate"`
	EndDate      string `json:"endDate"`
}

type localAdResponse struct {
	AdID           string `json:"adId"`
	Status         string `json:"status"`
	EstimatedViews int    `json:"estimatedViews"`
	PreviewURL     string `json:"previewUrl"`
}

// Publish books the local ad with the owner's radius and time slot.
func (a uriDongneTV) Publish(ctx context.Context, p Post) (Result, error) {
	if err := a.configured(); err != nil {
		return Result{}, err
	}
	var s struct {
		Radius   json.RawMessage `json:"radius"`
		TimeSlot string          `json:"timeSlot"`
	}
	if err := decodeSettings(UriDongneTV, p.Settings, &s); err != nil {
		return Result{}, err
	}
	radius, err := parseRadius(s.Radius)
	if err != nil {
		return Result{}, err
	}
	slot, err := parseTimeSlot(UriDongneTV, s.TimeSlot)
	if err != nil {
		return Result{}, err
	}
	req := localAdRequest{StoreName: p.StoreName, StoreAddress: p.StoreAddress, Title: clipRunes(p.EventName, ktTitleLimit),
		Description: clipRunes(adDescription(p), ktDescriptionLimit), ImageURL: p.ImageURL, LandingURL: p.ParticipateURL,
		RadiusMeters: radius, TimeSlot: slot, StartDate: p.StartDate, EndDate: p.EndDate}
	var resp localAdResponse
	if err := a.create(ctx, p, "/v1/local-ads", req, &resp); err != nil {
		return Result{}, err
	}
	if resp.AdID == "" {
		return Result{}, &CallError{Channel: UriDongneTV, Transient: true, Message: "local-ads answered no adId"}
	}
	return Result{PostID: resp.AdID, PostURL: resp.PreviewURL, EstimatedViews: resp.EstimatedViews}, nil
}

// Metrics reads the ad's impressions (screens shown) and views (watched).
func (a uriDongneTV) Metrics(ctx context.Context, postID string) (Metrics, error) {
	var st struct {
		Impressions int64 `json:"impressions"`
		Views       int64 `json:"views"`
	}
	if err := a.stats(ctx, "/v1/local-ads", postID, &st); err != nil {
		return Metrics{}, err
	}
	return Metrics{Impressions: st.Impressions, Views: st.Views}, nil
}

// giniTV is 지니TV: an IPTV ad shown to households of the store's region.
type giniTV struct{ ktClient }

// NewGiniTV returns the 지니TV adapter (v1 iptv-ads contract).
func NewGiniTV(cfg KTConfig, client *http.Client) Adapter {
	return giniTV{newKTClient(GiniTV, cfg, client)}
}

func (a giniTV) Channel() string { return GiniTV }

type iptvAdRequest struct {
	StoreName   string `json:"storeName"`
	Region      string `json:"region"`
	Title       string `json:"title"`
	Description string `json:"description"`
	ImageURL    string `json:"imageUrl"`
	LandingURL  string `json:"landingUrl"`
	TimeSlot    string `json:"timeSlot"`
	StartDate   string `json:"startDate"`
	EndDate     string `json:"endDate"`
}

type iptvAdResponse struct {
	AdID                 string `json:"adId"`
	Status               string `json:"status"`
	EstimatedImpressions int    `json:"estimatedImpressions"`
	PreviewURL           string `json:"previewUrl"`
}

// Publish books the IPTV ad for the owner's region (or the store's city
// and district) and time slot.
func (a giniTV) Publish(ctx context.Context, p Post) (Result, error) {
	if err := a.configured(); err != nil {
		return Result{}, err
	}
	var s struct {
		TimeSlot string `json:"timeSlot"`
		Region   string `json:"region"`
	}
	if err := decodeSettings(GiniTV, p.Settings, &s); err != nil {
		return Result{}, err
	}
	slot, err := parseTimeSlot(GiniTV, s.TimeSlot)
	if err != nil {
		return Result{}, err
	}
	region := strings.TrimSpace(s.Region)
	if region == "" {
		region = addressRegion(p.StoreAddress)
	}
	if region == "" {
		return Result{}, Permanent(GiniTV, "no region: the store has no address and the settings name no region")
	}
	req := iptvAdRequest{StoreName: p.StoreName, Region: region, Title: clipRunes(p.EventName, ktTitleLimit),
		Description: clipRunes(adDescription(p), ktDescriptionLimit), ImageURL: p.ImageURL, LandingURL: p.ParticipateURL,
		TimeSlot: slot, StartDate: p.StartDate, EndDate: p.EndDate}
	var resp iptvAdResponse
	if err := a.create(ctx, p, "/v1/iptv-ads", req, &resp); err != nil {
		return Result{}, err
	}
	if resp.AdID == "" {
		return Result{}, &CallError{Channel: GiniTV, Transient: true, Message: "iptv-ads answered no adId"}
	}
	return Result{PostID: resp.AdID, PostURL: resp.PreviewURL, EstimatedViews: resp.EstimatedImpressions}, nil
}

// Metrics reads the ad's impressions and views.
func (a giniTV) Metrics(ctx context.Context, postID string) (Metrics, error) {
	var st struct {
		Impressions int64 `json:"impressions"`
		Views       int64 `json:"views"`
	}
	if err := a.stats(ctx, "/v1/iptv-ads", postID, &st); err != nil {
		return Metrics{}, err
	}
	return Metrics{Impressions: st.Impressions, Views: st.Views}, nil
}

// addressRegion is the city and district of a Korean address, its first two
// words: "서울 강남구 테헤란로 1" → "서울 강남구".
func addressRegion(address string) string {
	words := strings.Fields(address)
	return strings.Join(words[:min(2, len(words))], " ")
}

// adDescription is an ad's body text: the description, then the prize.
func adDescription(p Post) string {
	d := strings.TrimSpace(p.Description)
	if p.Prize != "" {
		if d != "" {
			d += "\n"
		}
		d += "경품: " + p.Prize
	}
	return d
}

// ringoBiz is 링고비즈: a message callers to the store hear instead of the
// ringback tone.
type ringoBiz struct{ ktClient }

// NewRingoBiz returns the 링고비즈 adapter (v1 ringbacks contract).
func NewRingoBiz(cfg KTConfig, client *http.Client) Adapter {
	return ringoBiz{newKTClient(RingoBiz, cfg, client)}
}

func (a ringoBiz) Channel() string { return RingoBiz }

type ringbackRequest struct {
	PhoneNumber string `json:"phoneNumber"`
	Text        string `json:"text"`
	StartDate   string `json:"startDate"`
	EndDate     string `json:"endDate"`
}

type ringbackResponse struct {
	RingbackID     string `json:"ringbackId"`
	Status         string `json:"status"`
	EstimatedCalls int    `json:"estimatedCalls"`
}

// Publish sets the ringback message on the store's line. The message has
// no page to show, so PostURL stays empty.
func (a ringoBiz) Publish(ctx context.Context, p Post) (Result, error) {
	if err := a.configured(); err != nil {
		return Result{}, err
	}
	var s struct {
		PhoneNumber string `json:"phoneNumber"`
		Message     string `json:"message"`
	}
	if err := decodeSettings(RingoBiz, p.Settings, &s); err != nil {
		return Result{}, err
	}
	raw := s.PhoneNumber
	if strings.TrimSpace(raw) == "" {
		raw = p.StorePhone
	}
	number, err := phoneDigits(raw)
	if err != nil {
		return Result{}, err
	}
	text := clipRunes(strings.TrimSpace(s.Message), ringbackTextLimit)
	if text == "" {
		text = ringbackText(p)
	}
	req := ringbackRequest{PhoneNumber: number, Text: text, StartDate: p.StartDate, EndDate: p.EndDate}
	var resp ringbackResponse
	if err := a.create(ctx, p, "/v1/ringbacks", req, &resp); err != nil {
		return Result{}, err
	}
	if resp.RingbackID == "" {
		return Result{}, &CallError{Channel: RingoBiz, Transient: true, Message: "ringbacks answered no ringbackId"}
	}
	return Result{PostID: resp.RingbackID, EstimatedViews: resp.EstimatedCalls}, nil
}

// Metrics reads how many callers heard the message, and for how long.
func (a ringoBiz) Metrics(ctx context.Context, postID string) (Metrics, error) {
	var st struct {
		TotalCalls             int64   `json:"totalCalls"`
		CompletedCalls         int64   `json:"completedCalls"`
		AverageDurationSeconds float64 `json:"averageDurationSeconds"`
	}
	if err := a.stats(ctx, "/v1/ringbacks", postID, &st); err != nil {
		return Metrics{}, err
	}
	return Metrics{TotalCalls: st.TotalCalls, CompletedCalls: st.CompletedCalls, AverageDuration: st.AverageDurationSeconds}, nil
}

// phoneDigits is the store's number as 9 to 11 digits (02-123-4567,
// 031-123-4567, 010-1234-5678, +82 10 ...); anything else cannot get a
// ringback.
func phoneDigits(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", Permanent(RingoBiz, "no phone number: set the store's phone or settings.phoneNumber")
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
		case r == '-' || r == '.' || r == '(' || r == ')' || r == ' ':
		default:
			return "", Permanent(RingoBiz, "phone number %q has characters other than digits", s)
		}
	}
	d := b.String()
	if strings.HasPrefix(s, "+82") {
		d = "0" + strings.TrimPrefix(strings.TrimPrefix(d, "82"), "0")
	}
	if n := len(d); n < 9 || n > 11 || d[0] != '0' {
		return "", Permanent(RingoBiz, "phone number %q is not a Korean number of 9 to 11 digits", s)
	}
	return d, nil
}

// ringbackText is the spoken message: the store, the event, the prize and
// the end date, within the contract's 200 characters. Long names are
// shortened before anything is cut.
func ringbackText(p Post) string {
	store := strings.TrimSpace(p.StoreName)
	name := strings.TrimSpace(p.EventName)
	prize := strings.TrimSpace(p.Prize)
	for _, limit := range []int{0, 60, 40, 20} {
		if limit > 0 {
			store, name, prize = clipRunes(store, limit), clipRunes(name, limit), clipRunes(prize, limit)
		}
		var b strings.Builder
		b.WriteString("안녕하세요, ")
		if store != "" {
			b.WriteString(store + "입니다. ")
		} else {
			b.WriteString("저희 가게입니다. ")
		}
		b.WriteString("지금 '" + name + "' 이벤트를 진행하고 있어요. ")
		if prize != "" {
			b.WriteString("참여하신 분들 중 추첨으로 " + prize + objectParticle(prize) + " 드립니다. ")
		}
		if end := koreanDate(p.EndDate); end != "" {
			b.WriteString(end + "까지 ")
		}
		b.WriteString("매장에서 참여 방법을 확인해 주세요. 곧 연결해 드리겠습니다.")
		if text := b.String(); utf8.RuneCountInString(text) <= ringbackTextLimit {
			return text
		}
	}
	return clipRunes(fmt.Sprintf("안녕하세요, %s입니다. %s 이벤트 중입니다.", store, name), ringbackTextLimit)
}

// objectParticle is 을 after a final consonant and 를 after a vowel; for a
// word that does not end in Hangul it is the neutral "을(를)".
func objectParticle(word string) string {
	r, _ := utf8.DecodeLastRuneInString(word)
	if r < 0xAC00 || r > 0xD7A3 {
		return "을(를)"
	}
	if (r-0xAC00)%28 != 0 {
		return "을"
	}
	return "를"
}

// koreanDate writes YYYY-MM-DD as "12월 10일"; "" when unreadable.
func koreanDate(d string) string {
	parts := strings.Split(d, "-")
	if len(parts) != 3 {
		return ""
	}
	m, err1 := strconv.Atoi(parts[1])
	day, err2 := strconv.Atoi(parts[2])
	if err1 != nil || err2 != nil || m < 1 || m > 12 || day < 1 || day > 31 {
		return ""
	}
	return fmt.Sprintf("%d월 %d일", m, day)
}
