package channelsim_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/eventmkt/backend/shared/distribution"
	"github.com/eventmkt/backend/tools/channelsim"
)

// call sends one request straight to the handler.
func call(t *testing.T, sim http.Handler, method, path string, header map[string]string, body string) (int, map[string]any) {
	t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	sim.ServeHTTP(w, r)
	var out map[string]any
	if w.Body.Len() > 0 && strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
			t.Fatalf("%s %s: body %q: %v", method, path, w.Body, err)
		}
	}
	return w.Code, out
}

var ktHeader = map[string]string{"Authorization": "Bearer k", "X-KT-Api-Version": "1", "Idempotency-Key": "key-1", "Content-Type": "application/json"}

const ringback = `{"phoneNumber":"025551234","text":"안녕하세요","startDate":"2026-11-25","endDate":"2026-12-10"}`

func TestBaseURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ channel, want string }{
		{distribution.Instagram, "http://h/instagram/v21.0"},
		{distribution.Kakao, "http://h/kakao"},
		{distribution.UriDongneTV, "http://h/kt/uridongnetv"},
		{distribution.GiniTV, "http://h/kt/ginitv"},
		{distribution.RingoBiz, "http://h/kt/ringobiz"},
		{distribution.Naver, ""},
	}
	for _, tt := range tests {
		if got := channelsim.BaseURL("http://h/", tt.channel); got != tt.want {
			t.Errorf("BaseURL(%s) = %q, want %q", tt.channel, got, tt.want)
		}
	}
}

func TestKTContract(t *testing.T) {
	t.Parallel()
	sim := channelsim.New(channelsim.Options{})
	const path = "/kt/ringobiz/v1/ringbacks"
	without := func(k string) map[string]string {
		h := map[string]string{}
		for hk, v := range ktHeader {
			if hk != k {
				h[hk] = v
			}
		}
		return h
	}
	tests := []struct {
		name     string
		header   map[string]string
		body     string
		want     int
		wantCode string
	}{
		{"no key", without("Authorization"), ringback, http.StatusUnauthorized, "UNAUTHORIZED"},
		{"no version", without("X-KT-Api-Version"), ringback, http.StatusBadRequest, "UNSUPPORTED_VERSION"},
		{"no idempotency key", without("Idempotency-Key"), ringback, http.StatusBadRequest, "IDEMPOTENCY_KEY_REQUIRED"},
		{"not JSON", ktHeader, `{`, http.StatusBadRequest, "INVALID_JSON"},
		{"bad phone", ktHeader, strings.Replace(ringback, "025551234", "12", 1), http.StatusBadRequest, "INVALID_REQUEST"},
		{"created", ktHeader, ringback, http.StatusCreated, ""},
		{"same key", ktHeader, ringback, http.StatusOK, ""},
	}
	for _, tt := range tests { // in order: the last two share a key
		status, body := call(t, sim, http.MethodPost, path, tt.header, tt.body)
		if status != tt.want || (tt.wantCode != "" && body["code"] != tt.wantCode) {
			t.Errorf("%s: %d %v, want %d %s", tt.name, status, body, tt.want, tt.wantCode)
		}
		if tt.wantCode != "" && body["message"] == "" {
			t.Errorf("%s: no message", tt.name)
		}
	}
	if got := sim.Posts(distribution.RingoBiz); got != 1 {
		t.Errorf("Posts = %d, want 1", got)
	}
	calls := sim.Calls(distribution.RingoBiz)
	if len(calls) != len(tests) || calls[0].Status != http.StatusUnauthorized || calls[len(calls)-1].IdempotencyKey != "key-1" {
		t.Errorf("calls = %+v", calls)
	}
}

func TestFailuresAndDown(t *testing.T) {
	t.Parallel()
	sim := channelsim.New(channelsim.Options{})
	post := func() int {
		status, _ := call(t, sim, http.MethodPost, "/kt/ringobiz/v1/ringbacks", ktHeader, ringback)
		return status
	}
	sim.FailNext(distribution.RingoBiz, 2, http.StatusTooManyRequests)
	sim.FailNext(distribution.Kakao, 1, http.StatusBadRequest) // another channel: no effect here
	var got []int
	for range 3 {
		got = append(got, post())
	}
	sim.SetDown(distribution.RingoBiz, true)
	got = append(got, post(), post())
	sim.SetDown(distribution.RingoBiz, false)
	got = append(got, post())
	want := []int{429, 429, 201, 503, 503, 200}
	if len(got) != len(want) {
		t.Fatalf("statuses %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("statuses %v, want %v", got, want)
		}
	}
	if n := len(sim.Calls(distribution.RingoBiz)); n != 6 {
		t.Errorf("%d calls recorded, want 6", n)
	}
}

// With every call failing, half of them after taking effect, a repeated
// key still makes at most one post.
func TestRandomFailuresNeverDuplicate(t *testing.T) {
	t.Parallel()
	sim := channelsim.New(channelsim.Options{FailureRate: 1, Seed: 7})
	for range 20 {
		status, body := call(t, sim, http.MethodPost, "/kt/ringobiz/v1/ringbacks", ktHeader, ringback)
		if status != http.StatusServiceUnavailable || body["code"] != "UNAVAILABLE" {
			t.Fatalf("got %d %v, want 503 UNAVAILABLE", status, body)
		}
	}
	if got := sim.Posts(distribution.RingoBiz); got != 1 {
		t.Errorf("Posts = %d, want 1 (some failures happened after the post was made)", got)
	}
}

// A caller giving up during the latency ends the call at once.
func TestLatencyRespectsContext(t *testing.T) {
	t.Parallel()
	sim := channelsim.New(channelsim.Options{LatencyMin: time.Hour, LatencyMax: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := httptest.NewRequestWithContext(ctx, http.MethodGet, "/kakao/v1/channels/c/posts/p/stats", nil)
	start := time.Now()
	sim.ServeHTTP(httptest.NewRecorder(), r)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("ServeHTTP took %v", d)
	}
	calls := sim.Calls(distribution.Kakao)
	if len(calls) != 1 || calls[0].Status != 499 {
		t.Errorf("calls = %+v, want one with status 499", calls)
	}
}

func TestLatencyWithinBounds(t *testing.T) {
	t.Parallel()
	sim := channelsim.New(channelsim.Options{LatencyMin: 5 * time.Millisecond, LatencyMax: 20 * time.Millisecond, Seed: 3})
	for range 5 {
		start := time.Now()
		call(t, sim, http.MethodGet, "/kakao/v1/channels/c/posts/p/stats", nil, "")
		if d := time.Since(start); d < 5*time.Millisecond {
			t.Errorf("answered in %v, under LatencyMin", d)
		}
	}
}

func TestInstagramGraph(t *testing.T) {
	t.Parallel()
	sim := channelsim.New(channelsim.Options{})
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	status, body := call(t, sim, http.MethodGet, "/instagram/v21.0/1/content_publishing_limit?fields=quota_usage,config", nil, "")
	if e, _ := body["error"].(map[string]any); status != http.StatusBadRequest || e["code"] != float64(104) {
		t.Errorf("no token: %d %v, want a Graph error 104", status, body)
	}
	status, body = call(t, sim, http.MethodPost, "/instagram/v21.0/1/media", form, "access_token=t&image_url=https%3A%2F%2Fx%2Fp.png&caption=hi")
	container, _ := body["id"].(string)
	if status != http.StatusOK || container == "" {
		t.Fatalf("media: %d %v", status, body)
	}
	var media []string
	for range 2 { // publishing the same container twice makes one post
		status, body = call(t, sim, http.MethodPost, "/instagram/v21.0/1/media_publish", form, "access_token=t&creation_id="+container)
		id, _ := body["id"].(string)
		if status != http.StatusOK || id == "" {
			t.Fatalf("media_publish: %d %v", status, body)
		}
		media = append(media, id)
	}
	if media[0] != media[1] || sim.Posts(distribution.Instagram) != 1 {
		t.Errorf("media %v, posts %d: want one post", media, sim.Posts(distribution.Instagram))
	}
	_, body = call(t, sim, http.MethodGet, "/instagram/v21.0/"+container+"?fields=status_code&access_token=t", nil, "")
	if body["status_code"] != "PUBLISHED" {
		t.Errorf("container: %v, want PUBLISHED", body)
	}
	_, body = call(t, sim, http.MethodGet, "/instagram/v21.0/1/content_publishing_limit?fields=quota_usage,config&access_token=t", nil, "")
	data, _ := body["data"].([]any)
	if len(data) != 1 || data[0].(map[string]any)["quota_usage"] != float64(1) {
		t.Errorf("limit: %v, want usage 1", body)
	}
}

func TestStatsGrow(t *testing.T) {
	t.Parallel()
	sim := channelsim.New(channelsim.Options{})
	_, body := call(t, sim, http.MethodPost, "/kt/ginitv/v1/iptv-ads", ktHeader, `{"storeName":"s","region":"서울 강남구","title":"t",
		"imageUrl":"https://x/p.png","landingUrl":"https://x/e","timeSlot":"all","startDate":"2026-11-25","endDate":"2026-11-26"}`)
	id, _ := body["adId"].(string)
	if id == "" || body["estimatedImpressions"] != float64(5000) {
		t.Fatalf("create: %v", body)
	}
	var last float64 = -1
	for _, d := range []time.Duration{0, time.Hour, 24 * time.Hour, 7 * 24 * time.Hour} {
		sim.Advance(d)
		_, st := call(t, sim, http.MethodGet, "/kt/ginitv/v1/iptv-ads/"+id+"/stats", ktHeader, "")
		imp, _ := st["impressions"].(float64)
		if imp < last || (d > 0 && imp <= last) {
			t.Errorf("after %v more: impressions %v, before %v", d, imp, last)
		}
		last = imp
	}
	if status, _ := call(t, sim, http.MethodGet, "/kt/ginitv/preview/"+id, nil, ""); status != http.StatusOK {
		t.Errorf("preview: %d", status)
	}
}

func TestListenAndServeBadAddress(t *testing.T) {
	t.Parallel()
	if err := channelsim.ListenAndServe(context.Background(), "127.0.0.1:notaport", channelsim.Options{}, nil); err == nil {
		t.Error("a bad address was accepted")
	}
}
