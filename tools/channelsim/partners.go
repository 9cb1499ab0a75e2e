package channelsim

import (
	"encoding/json"
	"fmt"
	"html"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Contract limits of docs/channels.md, v1.
const (
	titleLimit        = 100
	descriptionLimit  = 1000
	kakaoContentLimit = 2000
	kakaoButtonLimit  = 20
	ringbackTextLimit = 200
	minRadius         = 100
	maxRadius         = 10_000
)

// ktTimeSlots are the v1 contracts' time slots, with the share of a day's
// audience each reaches.
var ktTimeSlots = map[string]float64{"morning": 0.3, "lunch": 0.2, "afternoon": 0.25, "evening": 0.4, "night": 0.2, "all": 1}

var digits = regexp.MustCompile(`^[0-9]{9,11}$`)

// checker collects a request's problems into one 400.
type checker struct{ problems []string }

func (c *checker) check(ok bool, format string, args ...any) {
	if !ok {
		c.problems = append(c.problems, fmt.Sprintf(format, args...))
	}
}

func (c *checker) required(name, v string) {
	c.check(strings.TrimSpace(v) != "", "%s is required", name)
}

func (c *checker) maxLen(name, v string, n int) {
	c.check(utf8.RuneCountInString(v) <= n, "%s must be at most %d characters", name, n)
}

func (c *checker) url(name, v string) {
	if strings.TrimSpace(v) == "" {
		c.required(name, v)
		return
	}
	c.check(strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://"), "%s must be an http(s) URL", name)
}

// dates checks the campaign dates and returns its length in days.
func (c *checker) dates(start, end string) int {
	s, err1 := time.Parse(time.DateOnly, start)
	e, err2 := time.Parse(time.DateOnly, end)
	c.check(err1 == nil, "startDate must be a date YYYY-MM-DD")
	c.check(err2 == nil, "endDate must be a date YYYY-MM-DD")
	if err1 != nil || err2 != nil {
		return 1
	}
	c.check(!e.Before(s), "endDate must not be before startDate")
	return max(1, int(e.Sub(s).Hours()/24)+1)
}

func (c *checker) reply() (reply, bool) {
	if len(c.problems) == 0 {
		return reply{}, true
	}
	return reply{status: http.StatusBadRequest, body: partnerErr("INVALID_REQUEST", strings.Join(c.problems, "; "))}, false
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

func decodeBody(body []byte, dst any) (reply, bool) {
	if err := json.Unmarshal(body, dst); err != nil {
		return reply{status: http.StatusBadRequest, body: partnerErr("INVALID_JSON", "the body is not the expected JSON: "+err.Error())}, false
	}
	return reply{}, true
}

func notFound(what string) reply {
	return reply{status: http.StatusNotFound, body: partnerErr("NOT_FOUND", what+" does not exist")}
}

// createOnce makes a resource for a new idempotency key, or answers the
// original (200) for one seen before: a repeated key never posts twice.
// answer builds the resource's answer given its id. Called with s.mu held.
func (s *Sim) createOnce(channel, key, prefix string, r *resource, answer func(id string) any) reply {
	if id, ok := s.keys[channel+"\x00"+key]; ok {
		return reply{status: http.StatusOK, body: s.res[channel+"/"+id].answer}
	}
	id := fmt.Sprintf("%s_%06d", prefix, s.nextID())
	r.channel, r.id, r.created, r.factor = channel, id, s.now(), postFactor(id)
	r.answer = answer(id)
	s.res[channel+"/"+id] = r
	s.keys[channel+"\x00"+key] = id
	s.chans[channel].posts++
	return reply{status: http.StatusCreated, body: r.answer}
}

func baseOf(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// kakao answers the Kakao channel-posting partner API. Called with s.mu held.
func (s *Sim) kakao(rest string, r *http.Request, body []byte) reply {
	key, ok := strings.CutPrefix(r.Header.Get("Authorization"), "KakaoAK ")
	if !ok || strings.TrimSpace(key) == "" {
		return reply{status: http.StatusUnauthorized, body: partnerErr("UNAUTHORIZED", "Authorization: KakaoAK {apiKey} is required")}
	}
	segs := splitPath(rest)
	if len(segs) < 4 || segs[0] != "v1" || segs[1] != "channels" || segs[3] != "posts" {
		return notFound("the endpoint " + rest)
	}
	channelID := segs[2]
	switch {
	case len(segs) == 4 && r.Method == http.MethodPost:
		idem := r.Header.Get("Idempotency-Key")
		if idem == "" {
			return reply{status: http.StatusBadRequest, body: partnerErr("IDEMPOTENCY_KEY_REQUIRED", "the Idempotency-Key header is required")}
		}
		var in struct {
			Title       string `json:"title"`
			Content     string `json:"content"`
			ImageURL    string `json:"imageUrl"`
			LinkURL     string `json:"linkUrl"`
			ButtonTitle string `json:"buttonTitle"`
		}
		if rep, ok := decodeBody(body, &in); !ok {
			return rep
		}
		var c checker
		c.required("title", in.Title)
		c.maxLen("title", in.Title, titleLimit)
		c.required("content", in.Content)
		c.maxLen("content", in.Content, kakaoContentLimit)
		c.url("imageUrl", in.ImageURL)
		c.url("linkUrl", in.LinkURL)
		c.maxLen("buttonTitle", in.ButtonTitle, kakaoButtonLimit)
		if rep, ok := c.reply(); !ok {
			return rep
		}
		return s.createOnce(chKakao, channelID+"\x00"+idem, "kp", &resource{scope: channelID, title: in.Title, imageURL: in.ImageURL}, func(id string) any {
			return map[string]any{"postId": id, "postUrl": "https://pf.kakao.com/" + channelID + "/" + strings.TrimPrefix(id, "kp_"), "status": "PUBLISHED"}
		})
	case len(segs) == 6 && segs[5] == "stats" && r.Method == http.MethodGet:
		p := s.res[chKakao+"/"+segs[4]]
		if p == nil || p.scope != channelID {
			return notFound("post " + segs[4] + " on channel " + channelID)
		}
		views := growth(p.created, s.now(), 25, p.factor)
		return reply{status: http.StatusOK, body: map[string]any{"postId": p.id, "views": int64(views),
			"likes": int64(views * 0.05), "comments": int64(views * 0.01), "shares": int64(views * 0.02)}}
	}
	return notFound("the endpoint " + r.Method + " " + rest)
}

// ktResource is the collection each KT channel's v1 API posts to.
var ktResource = map[string]string{chUriDongneTV: "local-ads", chGiniTV: "iptv-ads", chRingoBiz: "ringbacks"}

// kt answers the three KT partner APIs. Called with s.mu held.
func (s *Sim) kt(channel, rest string, r *http.Request, body []byte) reply {
	segs := splitPath(rest)
	if len(segs) == 2 && segs[0] == "preview" && r.Method == http.MethodGet {
		return s.ktPreview(channel, segs[1]) // public, as an ad's preview is
	}
	key, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || strings.TrimSpace(key) == "" {
		return reply{status: http.StatusUnauthorized, body: partnerErr("UNAUTHORIZED", "Authorization: Bearer {apiKey} is required")}
	}
	if v := r.Header.Get("X-KT-Api-Version"); v != "1" {
		return reply{status: http.StatusBadRequest, body: partnerErr("UNSUPPORTED_VERSION", fmt.Sprintf("X-KT-Api-Version %q is not supported; send 1", v))}
	}
	coll := ktResource[channel]
	switch {
	case len(segs) == 2 && segs[0] == "v1" && segs[1] == coll && r.Method == http.MethodPost:
		idem := r.Header.Get("Idempotency-Key")
		if idem == "" {
			return reply{status: http.StatusBadRequest, body: partnerErr("IDEMPOTENCY_KEY_REQUIRED", "the Idempotency-Key header is required")}
		}
		switch channel {
		case chUriDongneTV:
			return s.localAd(r, idem, body)
		case chGiniTV:
			return s.iptvAd(r, idem, body)
		default:
			return s.ringback(idem, body)
		}
	case len(segs) == 4 && segs[0] == "v1" && segs[1] == coll && segs[3] == "stats" && r.Method == http.MethodGet:
		p := s.res[channel+"/"+segs[2]]
		if p == nil {
			return notFound(strings.TrimSuffix(coll, "s") + " " + segs[2])
		}
		return s.ktStats(p)
	}
	return notFound("the endpoint " + r.Method + " " + rest)
}

func (s *Sim) localAd(r *http.Request, idem string, body []byte) reply {
	var in struct {
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
	if rep, ok := decodeBody(body, &in); !ok {
		return rep
	}
	var c checker
	c.required("storeName", in.StoreName)
	c.required("storeAddress", in.StoreAddress)
	c.required("title", in.Title)
	c.maxLen("title", in.Title, titleLimit)
	c.maxLen("description", in.Description, descriptionLimit)
	c.url("imageUrl", in.ImageURL)
	c.url("landingUrl", in.LandingURL)
	c.check(in.RadiusMeters >= minRadius && in.RadiusMeters <= maxRadius, "radiusMeters must be %d to %d", minRadius, maxRadius)
	share, slotOK := ktTimeSlots[in.TimeSlot]
	c.check(slotOK, "timeSlot must be one of morning, lunch, afternoon, evening, night, all")
	days := c.dates(in.StartDate, in.EndDate)
	if rep, ok := c.reply(); !ok {
		return rep
	}
	// People within the radius (2,000 per km²), 3% of whom see the ad a day.
	km := float64(in.RadiusMeters) / 1000
	estimate := int(math.Pi * km * km * 2000 * 0.03 * share * float64(days))
	base := baseOf(r)
	return s.createOnce(chUriDongneTV, idem, "la", &resource{title: in.Title, imageURL: in.ImageURL}, func(id string) any {
		return map[string]any{"adId": id, "status": "ACCEPTED", "estimatedViews": estimate, "previewUrl": base + "/kt/uridongnetv/preview/" + id}
	})
}

func (s *Sim) iptvAd(r *http.Request, idem string, body []byte) reply {
	var in struct {
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
	if rep, ok := decodeBody(body, &in); !ok {
		return rep
	}
	var c checker
	c.required("storeName", in.StoreName)
	c.required("region", in.Region)
	c.maxLen("region", in.Region, 100)
	c.required("title", in.Title)
	c.maxLen("title", in.Title, titleLimit)
	c.maxLen("description", in.Description, descriptionLimit)
	c.url("imageUrl", in.ImageURL)
	c.url("landingUrl", in.LandingURL)
	share, slotOK := ktTimeSlots[in.TimeSlot]
	c.check(slotOK, "timeSlot must be one of morning, lunch, afternoon, evening, night, all")
	days := c.dates(in.StartDate, in.EndDate)
	if rep, ok := c.reply(); !ok {
		return rep
	}
	estimate := int(2500 * share * float64(days)) // households of a district tuned in, per day
	base := baseOf(r)
	return s.createOnce(chGiniTV, idem, "ia", &resource{title: in.Title, imageURL: in.ImageURL}, func(id string) any {
		return map[string]any{"adId": id, "status": "ACCEPTED", "estimatedImpressions": estimate, "previewUrl": base + "/kt/ginitv/preview/" + id}
	})
}

func (s *Sim) ringback(idem string, body []byte) reply {
	var in struct {
		PhoneNumber string `json:"phoneNumber"`
		Text        string `json:"text"`
		StartDate   string `json:"startDate"`
		EndDate     string `json:"endDate"`
	}
	if rep, ok := decodeBody(body, &in); !ok {
		return rep
	}
	var c checker
	c.check(digits.MatchString(in.PhoneNumber), "phoneNumber must be 9 to 11 digits")
	c.required("text", in.Text)
	c.maxLen("text", in.Text, ringbackTextLimit)
	days := c.dates(in.StartDate, in.EndDate)
	if rep, ok := c.reply(); !ok {
		return rep
	}
	estimate := 12 * days // a small shop's incoming calls
	return s.createOnce(chRingoBiz, idem, "rb", &resource{title: in.Text}, func(id string) any {
		return map[string]any{"ringbackId": id, "status": "ACCEPTED", "estimatedCalls": estimate}
	})
}

// ktStats answers figures grown with the post's age.
func (s *Sim) ktStats(p *resource) reply {
	now := s.now()
	switch p.channel {
	case chUriDongneTV:
		imp := growth(p.created, now, 60, p.factor)
		return reply{status: http.StatusOK, body: map[string]any{"adId": p.id, "status": "RUNNING", "impressions": int64(imp), "views": int64(imp * 0.55)}}
	case chGiniTV:
		imp := growth(p.created, now, 300, p.factor)
		return reply{status: http.StatusOK, body: map[string]any{"adId": p.id, "status": "RUNNING", "impressions": int64(imp), "views": int64(imp * 0.35)}}
	}
	total := int64(growth(p.created, now, 1.2, p.factor))
	avg := 0.0
	if total > 0 {
		avg = math.Round((7+4*(p.factor-0.8)/0.4)*10) / 10 // 7 to 11 seconds heard
	}
	return reply{status: http.StatusOK, body: map[string]any{"ringbackId": p.id, "status": "RUNNING",
		"totalCalls": total, "completedCalls": int64(float64(total) * 0.8), "averageDurationSeconds": avg}}
}

// ktPreview is an ad's public preview page.
func (s *Sim) ktPreview(channel, id string) reply {
	p := s.res[channel+"/"+id]
	if p == nil || !slices.Contains([]string{chUriDongneTV, chGiniTV}, channel) {
		return reply{status: http.StatusNotFound, html: "<!doctype html><p>no such ad</p>"}
	}
	return reply{status: http.StatusOK, html: fmt.Sprintf(`<!doctype html><html lang="ko"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>%s 미리보기</title>
<body style="font-family:sans-serif;max-width:560px;margin:auto"><p>%s 광고 미리보기 (시뮬레이터)</p><h1>%s</h1><img src="%s" alt="" style="width:100%%"></body></html>`,
		html.EscapeString(channel), html.EscapeString(channel), html.EscapeString(p.title), html.EscapeString(p.imageURL))}
}
