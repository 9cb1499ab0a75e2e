package distribution

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/testenv"
	"github.com/eventmkt/backend/tools/channelsim"
)

// simFixture is a channel simulator on a test server, with no latency and
// no random failures: every failure in these tests is asked for.
type simFixture struct {
	sim    *channelsim.Sim
	url    string
	client *http.Client
}

func newSimFixture(t *testing.T) *simFixture {
	t.Helper()
	sim := channelsim.New(channelsim.Options{Seed: 1})
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return &simFixture{sim: sim, url: srv.URL, client: srv.Client()}
}

// adapter is channel's adapter configured for the simulator; client nil
// means the server's own client.
func (f *simFixture) adapter(channel string, client *http.Client) Adapter {
	if client == nil {
		client = f.client
	}
	kt := func() KTConfig { return KTConfig{BaseURL: channelsim.BaseURL(f.url, channel), APIKey: "kt-test-key"} }
	switch channel {
	case Instagram:
		return NewInstagram(InstagramConfig{BaseURL: channelsim.BaseURL(f.url, Instagram), UserID: "17841400000000001", AccessToken: "ig-secret-token"}, client)
	case Kakao:
		return NewKakao(KakaoConfig{BaseURL: channelsim.BaseURL(f.url, Kakao), APIKey: "kakao-test-key", ChannelID: "_simchannel"}, client, nil)
	case UriDongneTV:
		return NewUriDongneTV(kt(), client)
	case GiniTV:
		return NewGiniTV(kt(), client)
	case RingoBiz:
		return NewRingoBiz(kt(), client)
	}
	panic("no simulated adapter for " + channel)
}

// httpChannels are the channels the simulator plays.
var httpChannels = []string{Instagram, Kakao, UriDongneTV, GiniTV, RingoBiz}

func fixturePost(channel string) Post {
	return Post{
		DistributionID: uuid.NewString(), EventID: uuid.NewString(), Channel: channel,
		EventName: "겨울맞이 경품 이벤트", Description: "따뜻한 겨울 음료와 함께하는 경품 이벤트입니다. 매장 방문 시 응모 기회가 세 배!",
		Prize: "아메리카노 기프티콘", StartDate: "2026-11-25", EndDate: "2026-12-10",
		ImageURL: "https://posters.example.com/poster.png", StoreName: "행복카페", StoreAddress: "서울 강남구 테헤란로 123",
		StorePhone: "02-555-1234", ParticipateURL: "https://app.example.com/e/0b6f7a52-3c1e-4d7a-9f57-2a8e4c1d9b10?ch=" + channel,
		Settings: json.RawMessage(`{}`),
	}
}

func asCallError(t *testing.T, err error) *CallError {
	t.Helper()
	var ce *CallError
	if !errors.As(err, &ce) {
		t.Fatalf("error %v (%T) is not a *CallError", err, err)
	}
	return ce
}

// countCalls counts the calls whose method matches and path ends with suffix.
func countCalls(calls []channelsim.Call, method, suffix string) int {
	n := 0
	for _, c := range calls {
		if c.Method == method && strings.HasSuffix(c.Path, suffix) {
			n++
		}
	}
	return n
}

func TestAdaptersPublish(t *testing.T) {
	t.Parallel()
	tests := []struct {
		channel   string
		wantCalls int
		wantURL   bool
		wantViews bool
	}{
		{Instagram, 4, true, false}, // limit, media, media_publish, permalink
		{Kakao, 1, true, false},
		{UriDongneTV, 1, true, true},
		{GiniTV, 1, true, true},
		{RingoBiz, 1, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.channel, func(t *testing.T) {
			t.Parallel()
			f := newSimFixture(t)
			a := f.adapter(tt.channel, nil)
			if got := a.Channel(); got != tt.channel {
				t.Errorf("Channel() = %q, want %q", got, tt.channel)
			}
			p := fixturePost(tt.channel)
			res, err := a.Publish(context.Background(), p)
			if err != nil {
				t.Fatalf("Publish: %v", err)
			}
			if res.PostID == "" {
				t.Error("no PostID")
			}
			if got := res.PostURL != ""; got != tt.wantURL {
				t.Errorf("PostURL = %q, want one: %v", res.PostURL, tt.wantURL)
			}
			if got := res.EstimatedViews > 0; got != tt.wantViews {
				t.Errorf("EstimatedViews = %d, want positive: %v", res.EstimatedViews, tt.wantViews)
			}
			if got := f.sim.Posts(tt.channel); got != 1 {
				t.Errorf("Posts = %d, want 1", got)
			}
			calls := f.sim.Calls(tt.channel)
			if len(calls) != tt.wantCalls {
				t.Fatalf("calls = %+v, want %d", calls, tt.wantCalls)
			}
			for _, c := range calls {
				if c.Status < 200 || c.Status > 299 {
					t.Errorf("call %s %s answered %d", c.Method, c.Path, c.Status)
				}
				if tt.channel != Instagram && c.IdempotencyKey != p.DistributionID {
					t.Errorf("call %s %s: Idempotency-Key %q, want the distribution id %q", c.Method, c.Path, c.IdempotencyKey, p.DistributionID)
				}
			}
		})
	}
}

func TestInstagramPublishSteps(t *testing.T) {
	t.Parallel()
	f := newSimFixture(t)
	res, err := f.adapter(Instagram, nil).Publish(context.Background(), fixturePost(Instagram))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.PostURL, "https://www.instagram.com/p/") {
		t.Errorf("PostURL = %q, want the permalink", res.PostURL)
	}
	var got []string
	for _, c := range f.sim.Calls(Instagram) {
		got = append(got, c.Method+" "+c.Path[strings.LastIndex(c.Path, "/"):])
	}
	want := []string{"GET /content_publishing_limit", "POST /media", "POST /media_publish", "GET /" + res.PostID}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("calls = %v, want %v", got, want)
	}
}

// A repeated distribution id (a retry after a lost answer) gets the same
// post back and never posts twice.
func TestAdaptersIdempotent(t *testing.T) {
	t.Parallel()
	for _, channel := range []string{Kakao, UriDongneTV, GiniTV, RingoBiz} {
		t.Run(channel, func(t *testing.T) {
			t.Parallel()
			f := newSimFixture(t)
			a := f.adapter(channel, nil)
			p := fixturePost(channel)
			first, err := a.Publish(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			second, err := a.Publish(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			if second != first {
				t.Errorf("second publish = %+v, want the first %+v", second, first)
			}
			if got := f.sim.Posts(channel); got != 1 {
				t.Errorf("Posts = %d, want 1", got)
			}
			var statuses []int
			for _, c := range f.sim.Calls(channel) {
				statuses = append(statuses, c.Status)
			}
			if len(statuses) != 2 || statuses[0] != http.StatusCreated || statuses[1] != http.StatusOK {
				t.Errorf("statuses = %v, want [201 200]", statuses)
			}
			// Another distribution is another post.
			p.DistributionID = uuid.NewString()
			third, err := a.Publish(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			if third.PostID == first.PostID || f.sim.Posts(channel) != 2 {
				t.Errorf("a new distribution id gave %q (posts %d), want a new post", third.PostID, f.sim.Posts(channel))
			}
		})
	}
}

func TestAdaptersRemoteErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status     int
		transient  bool
		retryAfter time.Duration
	}{
		{http.StatusBadRequest, false, 0},
		{http.StatusUnauthorized, false, 0},
		{http.StatusTooManyRequests, true, time.Second},
		{http.StatusInternalServerError, true, 0},
		{http.StatusServiceUnavailable, true, 0},
	}
	for _, channel := range httpChannels {
		for _, tt := range tests {
			t.Run(channel+"/"+http.StatusText(tt.status), func(t *testing.T) {
				t.Parallel()
				f := newSimFixture(t)
				f.sim.FailNext(channel, 1, tt.status)
				_, err := f.adapter(channel, nil).Publish(context.Background(), fixturePost(channel))
				ce := asCallError(t, err)
				if ce.Channel != channel || ce.Status != tt.status || ce.Transient != tt.transient || ce.RetryAfter != tt.retryAfter {
					t.Errorf("got %+v, want channel %s, status %d, transient %v, retry after %v", ce, channel, tt.status, tt.transient, tt.retryAfter)
				}
				if IsTransient(err) != tt.transient {
					t.Errorf("IsTransient = %v, want %v", IsTransient(err), tt.transient)
				}
				// The remote's own message, not its JSON.
				if !strings.Contains(ce.Message, "simulated") || strings.Contains(ce.Message, "{") {
					t.Errorf("message %q, want the remote's message", ce.Message)
				}
				if got := f.sim.Posts(channel); got != 0 {
					t.Errorf("Posts = %d, want 0", got)
				}
			})
		}
	}
}

// The remote's validation message reaches the owner.
func TestKTValidationMessage(t *testing.T) {
	t.Parallel()
	f := newSimFixture(t)
	p := fixturePost(UriDongneTV)
	p.StoreAddress = ""
	p.EndDate = "2026-11-01" // before the start
	_, err := f.adapter(UriDongneTV, nil).Publish(context.Background(), p)
	ce := asCallError(t, err)
	if ce.Transient || ce.Status != http.StatusBadRequest {
		t.Errorf("got %+v, want a permanent 400", ce)
	}
	for _, want := range []string{"storeAddress is required", "endDate must not be before startDate", "INVALID_REQUEST"} {
		if !strings.Contains(ce.Message, want) {
			t.Errorf("message %q lacks %q", ce.Message, want)
		}
	}
}

func TestInstagramGraphErrorMessage(t *testing.T) {
	t.Parallel()
	f := newSimFixture(t)
	p := fixturePost(Instagram)
	p.ImageURL = "ftp://nowhere/poster.png"
	_, err := f.adapter(Instagram, nil).Publish(context.Background(), p)
	ce := asCallError(t, err)
	if ce.Transient || ce.Status != http.StatusBadRequest {
		t.Errorf("got %+v, want a permanent 400", ce)
	}
	if want := "The media could not be fetched from this URI"; !strings.HasPrefix(ce.Message, want) || !strings.Contains(ce.Message, "code 9004") {
		t.Errorf("message %q, want the Graph message %q and its code", ce.Message, want)
	}
}

// media_publish failing leaves the container to the next attempt, which
// publishes it instead of creating a second one.
func TestInstagramResumesContainer(t *testing.T) {
	t.Parallel()
	f := newSimFixture(t)
	a := f.adapter(Instagram, nil)
	p := fixturePost(Instagram)
	f.sim.FailNextOn(Instagram, "/media_publish", 1, http.StatusServiceUnavailable)
	_, err := a.Publish(context.Background(), p)
	var re *ResumeError
	if !errors.As(err, &re) {
		t.Fatalf("error %v, want a *ResumeError", err)
	}
	if !IsTransient(err) || re.State == "" || strings.Contains(re.State, ":") {
		t.Fatalf("resume %+v (transient %v), want a container id and a transient error", re, IsTransient(err))
	}
	if got := f.sim.Posts(Instagram); got != 0 {
		t.Fatalf("Posts = %d before the retry, want 0", got)
	}
	p.Resume = re.State
	res, err := a.Publish(context.Background(), p)
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	calls := f.sim.Calls(Instagram)
	if got := countCalls(calls, http.MethodPost, "/media"); got != 1 {
		t.Errorf("containers created = %d, want 1", got)
	}
	if got := countCalls(calls, http.MethodGet, "/"+re.State); got != 1 {
		t.Errorf("container status reads = %d, want 1", got)
	}
	if got := f.sim.Posts(Instagram); got != 1 || res.PostID == "" {
		t.Errorf("Posts = %d, PostID %q, want 1 post", got, res.PostID)
	}
}

// dropOnce is a transport that lets the remote act on the first request
// matching, then loses its answer, as a timeout does.
type dropOnce struct {
	match   func(*http.Request) bool
	dropped atomic.Bool
}

func (d *dropOnce) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil && d.match(r) && d.dropped.CompareAndSwap(false, true) {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return nil, errors.New("connection reset by peer (test)")
	}
	return resp, err
}

// Lost answers after the container exists: the retry never posts twice.
func TestInstagramLostAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		match      func(*http.Request) bool
		wantMedia  bool // the resume state holds the media id
		wantRetry  []string
		wantResume bool
	}{
		{"media_publish", func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/media_publish") }, false,
			[]string{"GET content_publishing_limit", "GET container", "POST media_publish", "GET media"}, true},
		{"permalink", func(r *http.Request) bool { return r.URL.Query().Get("fields") == "permalink" }, true,
			[]string{"GET media"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newSimFixture(t)
			a := f.adapter(Instagram, &http.Client{Transport: &dropOnce{match: tt.match}})
			p := fixturePost(Instagram)
			_, err := a.Publish(context.Background(), p)
			var re *ResumeError
			if !errors.As(err, &re) || !IsTransient(err) {
				t.Fatalf("error %v, want a transient *ResumeError", err)
			}
			container, media, _ := strings.Cut(re.State, ":")
			if got := media != ""; got != tt.wantMedia || container == "" {
				t.Fatalf("resume state %q, want a container and a media id: %v", re.State, tt.wantMedia)
			}
			before := len(f.sim.Calls(Instagram))
			p.Resume = re.State
			res, err := a.Publish(context.Background(), p)
			if err != nil {
				t.Fatalf("retry: %v", err)
			}
			var got []string
			for _, c := range f.sim.Calls(Instagram)[before:] {
				last := c.Path[strings.LastIndex(c.Path, "/")+1:]
				switch last {
				case container:
					last = "container"
				case res.PostID:
					last = "media"
				}
				got = append(got, c.Method+" "+last)
			}
			if strings.Join(got, ", ") != strings.Join(tt.wantRetry, ", ") {
				t.Errorf("retry calls = %v, want %v", got, tt.wantRetry)
			}
			if got := f.sim.Posts(Instagram); got != 1 {
				t.Errorf("Posts = %d, want 1", got)
			}
			if got := countCalls(f.sim.Calls(Instagram), http.MethodPost, "/media"); got != 1 {
				t.Errorf("containers created = %d, want 1", got)
			}
		})
	}
}

// A container left for more than a day has expired: the retry makes a new
// one (the old one never became a post).
func TestInstagramExpiredContainerReplaced(t *testing.T) {
	t.Parallel()
	f := newSimFixture(t)
	a := f.adapter(Instagram, nil)
	p := fixturePost(Instagram)
	f.sim.FailNextOn(Instagram, "/media_publish", 1, http.StatusServiceUnavailable)
	_, err := a.Publish(context.Background(), p)
	var re *ResumeError
	if !errors.As(err, &re) {
		t.Fatalf("error %v, want a *ResumeError", err)
	}
	f.sim.Advance(25 * time.Hour)
	p.Resume = re.State
	if _, err := a.Publish(context.Background(), p); err != nil {
		t.Fatalf("retry: %v", err)
	}
	if got := countCalls(f.sim.Calls(Instagram), http.MethodPost, "/media"); got != 2 {
		t.Errorf("containers created = %d, want 2", got)
	}
	if got := f.sim.Posts(Instagram); got != 1 {
		t.Errorf("Posts = %d, want 1", got)
	}
}

func TestInstagramPublishingLimit(t *testing.T) {
	t.Parallel()
	f := newSimFixture(t)
	f.sim.SetInstagramQuota(1)
	a := f.adapter(Instagram, nil)
	if _, err := a.Publish(context.Background(), fixturePost(Instagram)); err != nil {
		t.Fatal(err)
	}
	_, err := a.Publish(context.Background(), fixturePost(Instagram))
	ce := asCallError(t, err)
	if !ce.Transient || ce.RetryAfter != time.Hour || !strings.Contains(ce.Message, "publishing limit") {
		t.Errorf("got %+v, want a transient limit error retried in an hour", ce)
	}
	if got := countCalls(f.sim.Calls(Instagram), http.MethodPost, "/media"); got != 1 {
		t.Errorf("containers created = %d, want 1 (none while the quota is used up)", got)
	}
	f.sim.Advance(25 * time.Hour) // the 24-hour window moved on
	if _, err := a.Publish(context.Background(), fixturePost(Instagram)); err != nil {
		t.Errorf("after the window: %v", err)
	}
}

// failTransport fails the test when a request is made.
type failTransport struct{ t *testing.T }

func (f failTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	f.t.Errorf("unexpected request %s %s", r.Method, r.URL)
	return nil, errors.New("no requests expected")
}

func TestAdaptersNotConfigured(t *testing.T) {
	t.Parallel()
	client := &http.Client{Transport: failTransport{t}}
	tests := []struct {
		name    string
		adapter Adapter
		want    []string
	}{
		{"instagram", NewInstagram(InstagramConfig{}, client),
			[]string{"CHANNEL_INSTAGRAM_BASE_URL", "CHANNEL_INSTAGRAM_USER_ID", "CHANNEL_INSTAGRAM_ACCESS_TOKEN"}},
		{"instagram token", NewInstagram(InstagramConfig{BaseURL: "http://x", UserID: "1"}, client), []string{"CHANNEL_INSTAGRAM_ACCESS_TOKEN"}},
		{"kakao partner", NewKakao(KakaoConfig{BaseURL: "http://x"}, client, nil), []string{"CHANNEL_KAKAO_API_KEY", "CHANNEL_KAKAO_CHANNEL_ID"}},
		{"kakao nothing", NewKakao(KakaoConfig{}, client, nil), []string{"CHANNEL_KAKAO_BASE_URL"}},
		{"naver", NewNaver(nil), []string{"share kits are not configured"}},
		{"uridongnetv", NewUriDongneTV(KTConfig{}, client), []string{"CHANNEL_URIDONGNETV_BASE_URL", "CHANNEL_URIDONGNETV_API_KEY"}},
		{"ginitv", NewGiniTV(KTConfig{BaseURL: "http://x"}, client), []string{"CHANNEL_GINITV_API_KEY"}},
		{"ringobiz", NewRingoBiz(KTConfig{APIKey: "k"}, client), []string{"CHANNEL_RINGOBIZ_BASE_URL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := tt.adapter.Publish(context.Background(), fixturePost(tt.adapter.Channel()))
			ce := asCallError(t, err)
			if ce.Transient {
				t.Errorf("%v is transient, want permanent", ce)
			}
			for _, w := range tt.want {
				if !strings.Contains(ce.Message, w) {
					t.Errorf("message %q does not name %s", ce.Message, w)
				}
			}
		})
	}
}

func TestUriDongneTVSettings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		settings string
		wantErr  string // "" = published
	}{
		{`{}`, ""},
		{`{"radius":"500m","timeSlot":"MORNING"}`, ""},
		{`{"radius":"2km","timeSlot":"ALL_DAY"}`, ""},
		{`{"radius":1500,"timeSlot":"evening"}`, ""},
		{`{"radius":"5km","timeSlot":"lunch"}`, ""},
		{`{"radius":"50m"}`, "out of range"},
		{`{"radius":"20km"}`, "out of range"},
		{`{"radius":"far"}`, "not a distance"},
		{`{"radius":true}`, "not a distance"},
		{`{"timeSlot":"dawn"}`, "timeSlot"},
		{`{"radius":`, "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.settings, func(t *testing.T) {
			t.Parallel()
			f := newSimFixture(t)
			p := fixturePost(UriDongneTV)
			p.Settings = json.RawMessage(tt.settings)
			_, err := f.adapter(UriDongneTV, nil).Publish(context.Background(), p)
			if tt.wantErr == "" {
				if err != nil {
					t.Errorf("Publish: %v", err)
				}
				return
			}
			ce := asCallError(t, err)
			if ce.Transient || !strings.Contains(ce.Message, tt.wantErr) {
				t.Errorf("got %v (transient %v), want a permanent error about %q", ce, ce.Transient, tt.wantErr)
			}
			if calls := f.sim.Calls(UriDongneTV); len(calls) != 0 {
				t.Errorf("bad settings reached the remote: %+v", calls)
			}
		})
	}
}

func TestParseRadius(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{``, 1000, true}, {`null`, 1000, true}, {`""`, 1000, true},
		{`"500m"`, 500, true}, {`"1km"`, 1000, true}, {`"2KM"`, 2000, true}, {`"1.5km"`, 1500, true},
		{`"800"`, 800, true}, {`750`, 750, true}, {`100`, 100, true}, {`10000`, 10000, true}, {`"10km"`, 10000, true},
		{`99`, 0, false}, {`10001`, 0, false}, {`"0m"`, 0, false}, {`"-1km"`, 0, false}, {`"km"`, 0, false},
		{`"1 mile"`, 0, false}, {`[]`, 0, false},
	}
	for _, tt := range tests {
		got, err := parseRadius(json.RawMessage(tt.in))
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("parseRadius(%s) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestParseTimeSlot(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", "all"}, {"ALL_DAY", "all"}, {"all", "all"}, {"MORNING", "morning"}, {" Lunch ", "lunch"},
		{"afternoon", "afternoon"}, {"EVENING", "evening"}, {"night", "night"}, {"dawn", ""}, {"morning,evening", ""},
	}
	for _, tt := range tests {
		got, err := parseTimeSlot(GiniTV, tt.in)
		if got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("parseTimeSlot(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestPhoneDigits(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"02-555-1234", "025551234"}, {"031-555-1234", "0315551234"}, {"010-1234-5678", "01012345678"},
		{"(02) 555 1234", "025551234"}, {"+82 10-1234-5678", "01012345678"}, {"+82 2 555 1234", "025551234"},
		{"", ""}, {"12345", ""}, {"010-1234-56789", ""}, {"call me", ""}, {"1588-1234", ""},
	}
	for _, tt := range tests {
		got, err := phoneDigits(tt.in)
		if got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("phoneDigits(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
		if err != nil && IsTransient(err) {
			t.Errorf("phoneDigits(%q): %v is transient", tt.in, err)
		}
	}
}

func TestRingoBizPhone(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		settings   string
		storePhone string
		wantErr    bool
	}{
		{"settings", `{"phoneNumber":"0315551234"}`, "", false},
		{"store phone", `{}`, "02-555-1234", false},
		{"settings win", `{"phoneNumber":"010-1234-5678"}`, "bad", false},
		{"none", `{}`, "", true},
		{"too short", `{"phoneNumber":"1234"}`, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newSimFixture(t)
			p := fixturePost(RingoBiz)
			p.Settings, p.StorePhone = json.RawMessage(tt.settings), tt.storePhone
			_, err := f.adapter(RingoBiz, nil).Publish(context.Background(), p)
			if tt.wantErr {
				if ce := asCallError(t, err); ce.Transient {
					t.Errorf("%v is transient", ce)
				}
				if n := len(f.sim.Calls(RingoBiz)); n != 0 {
					t.Errorf("%d calls reached the remote", n)
				}
				return
			}
			if err != nil {
				t.Errorf("Publish: %v", err)
			}
		})
	}
}

func TestRingbackText(t *testing.T) {
	t.Parallel()
	p := fixturePost(RingoBiz)
	text := ringbackText(p)
	for _, want := range []string{"행복카페입니다", "겨울맞이 경품 이벤트", "아메리카노 기프티콘을 드립니다", "12월 10일까지"} {
		if !strings.Contains(text, want) {
			t.Errorf("text %q lacks %q", text, want)
		}
	}
	p.StoreName = strings.Repeat("아주긴가게이름", 20)
	p.EventName = strings.Repeat("정말 긴 이벤트 이름 ", 30)
	p.Prize = strings.Repeat("경품", 100)
	if n := utf8.RuneCountInString(ringbackText(p)); n > ringbackTextLimit {
		t.Errorf("long names give %d characters, want at most %d", n, ringbackTextLimit)
	}
	tests := []struct{ word, want string }{{"커피", "를"}, {"상품권", "을"}, {"iPad", "을(를)"}, {"", "을(를)"}}
	for _, tt := range tests {
		if got := objectParticle(tt.word); got != tt.want {
			t.Errorf("objectParticle(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}

func TestAddressRegion(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"서울 강남구 테헤란로 123", "서울 강남구"}, {"  부산광역시   해운대구 우동 ", "부산광역시 해운대구"}, {"제주시", "제주시"}, {"", ""},
	}
	for _, tt := range tests {
		if got := addressRegion(tt.in); got != tt.want {
			t.Errorf("addressRegion(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestInstagramCaption(t *testing.T) {
	t.Parallel()
	p := fixturePost(Instagram)
	caption := postCopy(p, postHashtags(p), igCaptionLimit)
	for _, want := range []string{p.EventName, p.Prize, "2026.11.25 ~ 2026.12.10", p.ParticipateURL, "#행복카페", "#강남구"} {
		if !strings.Contains(caption, want) {
			t.Errorf("caption lacks %q:\n%s", want, caption)
		}
	}
	p.Description = strings.Repeat("아주 긴 설명. ", 1000)
	caption = postCopy(p, postHashtags(p), igCaptionLimit)
	if n := utf8.RuneCountInString(caption); n > igCaptionLimit || !strings.Contains(caption, p.ParticipateURL) {
		t.Errorf("long caption: %d characters (limit %d), link kept: %v", n, igCaptionLimit, strings.Contains(caption, p.ParticipateURL))
	}
	p.Settings = json.RawMessage(`{"hashtags":["#카페 이벤트","카페이벤트","커피"]}`)
	if got, want := strings.Join(postHashtags(p), " "), "#카페이벤트 #커피"; got != want {
		t.Errorf("owner's hashtags = %q, want %q", got, want)
	}
}

// The access token, sent in the query string, never shows in an error.
func TestInstagramTokenNotInErrors(t *testing.T) {
	t.Parallel()
	a := NewInstagram(InstagramConfig{BaseURL: "http://127.0.0.1:1/v21.0", UserID: "1", AccessToken: "ig-secret/token"}, &http.Client{})
	_, err := a.Publish(context.Background(), fixturePost(Instagram))
	ce := asCallError(t, err)
	if !ce.Transient || strings.Contains(ce.Error(), "secret") {
		t.Errorf("got %q (transient %v), want a transient error without the token", ce.Error(), ce.Transient)
	}
}

func TestAdaptersMetrics(t *testing.T) {
	t.Parallel()
	tests := []struct {
		channel string
		check   func(Metrics) bool
	}{
		{Instagram, func(m Metrics) bool {
			return m.Impressions > 0 && m.Views == m.Impressions && m.Likes > 0 && m.Shares > 0
		}},
		{Kakao, func(m Metrics) bool { return m.Views > 0 && m.Likes > 0 && m.Shares > 0 }},
		{UriDongneTV, func(m Metrics) bool { return m.Impressions > 0 && m.Views > 0 && m.Views <= m.Impressions }},
		{GiniTV, func(m Metrics) bool { return m.Impressions > 0 && m.Views > 0 && m.Views <= m.Impressions }},
		{RingoBiz, func(m Metrics) bool {
			return m.TotalCalls > 0 && m.CompletedCalls > 0 && m.CompletedCalls <= m.TotalCalls && m.AverageDuration > 0
		}},
	}
	for _, tt := range tests {
		t.Run(tt.channel, func(t *testing.T) {
			t.Parallel()
			f := newSimFixture(t)
			a := f.adapter(tt.channel, nil)
			res, err := a.Publish(context.Background(), fixturePost(tt.channel))
			if err != nil {
				t.Fatal(err)
			}
			fresh, err := a.Metrics(context.Background(), res.PostID)
			if err != nil {
				t.Fatalf("Metrics: %v", err)
			}
			if fresh != (Metrics{}) {
				t.Errorf("a post just made has %+v, want zero", fresh)
			}
			f.sim.Advance(48 * time.Hour)
			m, err := a.Metrics(context.Background(), res.PostID)
			if err != nil {
				t.Fatalf("Metrics: %v", err)
			}
			if !tt.check(m) {
				t.Errorf("after two days: %+v", m)
			}
			f.sim.Advance(48 * time.Hour)
			later, err := a.Metrics(context.Background(), res.PostID)
			if err != nil {
				t.Fatal(err)
			}
			if later.Impressions < m.Impressions || later.Views < m.Views || later.TotalCalls < m.TotalCalls {
				t.Errorf("figures went down: %+v then %+v", m, later)
			}
			_, err = a.Metrics(context.Background(), "no-such-post")
			if ce := asCallError(t, err); ce.Transient {
				t.Errorf("unknown post: %v is transient", ce)
			}
		})
	}
}

// kitFixture is share kits in a fresh public container on Azurite.
func kitFixture(t *testing.T, baseURL string) (*ShareKits, *azblob.Client, string) {
	t.Helper()
	blobs := testenv.Blob(t)
	container := testenv.Name("kits")
	t.Cleanup(func() { _, _ = blobs.DeleteContainer(context.Background(), container, nil) })
	return NewShareKits(blobs, container, baseURL), blobs, container
}

func httpGetOK(t *testing.T, url string) (string, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, body)
	}
	return resp.Header.Get("Content-Type"), string(body)
}

func TestShareKitAdapters(t *testing.T) {
	t.Parallel()
	kits, blobs, container := kitFixture(t, "")
	tests := []struct {
		adapter  Adapter
		file     string
		wantStep string
	}{
		{NewNaver(kits), "naver", "네이버 블로그"},
		{NewKakao(KakaoConfig{}, nil, kits), "kakao", "카카오톡 채널 관리자"},
	}
	for _, tt := range tests {
		t.Run(tt.adapter.Channel(), func(t *testing.T) {
			t.Parallel()
			p := fixturePost(tt.adapter.Channel())
			res, err := tt.adapter.Publish(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			path := "sharekits/" + p.EventID + "/" + tt.file + ".html"
			if res.PostID != path || res.PostURL != blobs.URL()+container+"/"+path {
				t.Errorf("got %+v, want post %s at its blob URL", res, path)
			}
			ctype, page := httpGetOK(t, res.PostURL)
			if ctype != "text/html; charset=utf-8" {
				t.Errorf("page Content-Type %q", ctype)
			}
			for _, want := range []string{p.ParticipateURL, p.ImageURL, "문구 복사", tt.wantStep, "<textarea", "#행복카페"} {
				if !strings.Contains(page, strings.ReplaceAll(want, "&", "&amp;")) {
					t.Errorf("page lacks %q", want)
				}
			}
			ctype, raw := httpGetOK(t, strings.TrimSuffix(res.PostURL, ".html")+".json")
			if ctype != "application/json; charset=utf-8" {
				t.Errorf("JSON Content-Type %q", ctype)
			}
			var kit struct {
				Title, Text, Link, ImageURL string
				Hashtags, Instructions      []string
			}
			if err := json.Unmarshal([]byte(raw), &kit); err != nil {
				t.Fatal(err)
			}
			if kit.Link != p.ParticipateURL || kit.ImageURL != p.ImageURL || !strings.Contains(kit.Title, p.EventName) ||
				!strings.Contains(kit.Text, p.ParticipateURL) || len(kit.Hashtags) == 0 || len(kit.Instructions) < 3 {
				t.Errorf("kit JSON = %+v", kit)
			}
			again, err := tt.adapter.Publish(context.Background(), p)
			if err != nil || again != res {
				t.Errorf("second build = %+v, %v; want %+v", again, err, res)
			}
			if m, err := tt.adapter.Metrics(context.Background(), res.PostID); err != nil || m != (Metrics{}) {
				t.Errorf("Metrics = %+v, %v; want zero", m, err)
			}
		})
	}
}

func TestShareKitBaseURL(t *testing.T) {
	t.Parallel()
	kits, _, _ := kitFixture(t, "https://cdn.example.com/kits/")
	p := fixturePost(Naver)
	res, err := kits.Build(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if want := "https://cdn.example.com/kits/sharekits/" + p.EventID + "/naver.html"; res.PostURL != want {
		t.Errorf("PostURL = %q, want %q", res.PostURL, want)
	}
}

func TestShareKitStorageDown(t *testing.T) {
	t.Parallel()
	conn := strings.Replace(testenv.AzuriteConnectionString, "127.0.0.1:10000", "127.0.0.1:1", 1)
	blobs, err := azblob.NewClientFromConnectionString(conn, &azblob.ClientOptions{ClientOptions: azcore.ClientOptions{Retry: policy.RetryOptions{MaxRetries: -1}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewNaver(NewShareKits(blobs, "kits", "")).Publish(context.Background(), fixturePost(Naver))
	if ce := asCallError(t, err); !ce.Transient || ce.Channel != Naver {
		t.Errorf("got %+v, want a transient Naver error", ce)
	}
}
