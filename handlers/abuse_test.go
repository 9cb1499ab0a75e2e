package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/participation"
	"github.com/eventmkt/backend/shared/testenv"
)

// A flood of entries to made-up event ids (with the limits on, from many
// addresses) leaves Redis's key count exactly as it was, on a Redis
// database this test has to itself; the same made-up id again costs no
// Postgres lookup. The other public endpoints hold to the same rule.
func TestFloodOfUnknownEventsAddsNoRedisKey(t *testing.T) {
	t.Parallel()
	rdb := testenv.RedisDB(t)
	f := newServerOpts(t, fixtureOpts{users: testUserConfig(), redis: rdb, rate: [2]int{30, 5}, netRate: [2]int{120, 60}})
	ctx := context.Background()
	before := rdb.DBSize(ctx).Val()

	const total, workers = 10_000, 8
	var next, notFound atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1); i <= total; i = next.Add(1) {
				ip := fmt.Sprintf("203.0.%d.%d", w, i%250+1)
				if i%2 == 0 {
					ip = fmt.Sprintf("2001:db8:%x::%x", i%7, i)
				}
				rec := do(t, f.srv, "POST", "/api/v1/events/"+uuid.NewString()+"/participate",
					strings.NewReader(`{"name":"김민수","phoneNumber":"010-1234-5678","agreePrivacy":true,"visitCode":"123456"}`),
					"Content-Type", "application/json", "X-Forwarded-For", ip)
				if rec.Code == http.StatusNotFound {
					notFound.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if notFound.Load() != total {
		t.Errorf("%d of %d submits answered 404", notFound.Load(), total)
	}
	// The page, the view beacon and the results of made-up ids.
	for range 20 {
		id := uuid.NewString()
		do(t, f.srv, "GET", "/api/v1/public/events/"+id, nil)
		do(t, f.srv, "POST", "/api/v1/public/events/"+id+"/views", strings.NewReader(`{"ch":"INSTAGRAM"}`), "X-Forwarded-For", "198.51.100.7")
		do(t, f.srv, "GET", "/api/v1/public/events/"+id+"/results", nil)
	}
	if after := rdb.DBSize(ctx).Val(); after != before {
		keys, _ := rdb.Keys(ctx, "*").Result()
		t.Errorf("Redis held %d keys before the flood and %d after: %v", before, after, keys[:min(len(keys), 20)])
	}

	// The same made-up id, again and again: Postgres is asked once per
	// MissingTTL.
	id := uuid.NewString()
	submitRaw(t, f, id, "198.51.100.9")
	queries := f.pgq.Count()
	for range 100 {
		wantProblem(t, submitRaw(t, f, id, "198.51.100.9"), 404, event.CodeNotFound)
		do(t, f.srv, "GET", "/api/v1/public/events/"+id, nil)
	}
	if n := f.pgq.Count() - queries; n != 0 {
		t.Errorf("%d Postgres queries for a made-up id already seen", n)
	}
	f.clock.Advance(event.MissingTTL)
	submitRaw(t, f, id, "198.51.100.9")
	if f.pgq.Count() == queries {
		t.Error("the made-up id was remembered past MissingTTL")
	}
}

func submitRaw(t *testing.T, f fixture, id, ip string) *httptest.ResponseRecorder {
	t.Helper()
	return do(t, f.srv, "POST", "/api/v1/events/"+id+"/participate",
		strings.NewReader(`{"name":"김민수","phoneNumber":"010-1234-5678","agreePrivacy":true}`), "Content-Type", "application/json", "X-Forwarded-For", ip)
}

// Every key an event's entries leave in Redis (the entry counter, the
// duplicate fast path, the cached count and results, the closed flag, the
// limiters) expires, and none later than KeyMargin after the event's last
// day in its time zone.
func TestParticipationKeysExpire(t *testing.T) {
	t.Parallel()
	f := newServerOpts(t, fixtureOpts{users: testUserConfig(), rate: [2]int{30, 5}, netRate: [2]int{120, 60}})
	acct, id := liveEvent(t, f, "ttl@example.com", "010-2000-0017")
	seoul, _ := time.LoadLocation("Asia/Seoul")
	end := event.Date{Time: time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC)}
	ip := "192.0.2.7"
	for i, phone := range []string{"010-5100-0001", "010-5100-0002", "010-5100-0001"} {
		rec, _ := submit(t, f, id, entry("가나", phone, false), "X-Forwarded-For", ip)
		if want := []int{201, 201, 409}[i]; rec.Code != want {
			t.Fatalf("entry %d: %d, want %d", i, rec.Code, want)
		}
	}
	callList(t, f, "GET", "/api/v1/events", acct.access) // caches the count
	do(t, f.srv, "GET", "/api/v1/public/events/"+id+"/results", nil)
	// Each check looks at the keys written since the clock last moved (a
	// key's TTL is counted from the clock when it was written).
	checkKeys := func(at time.Time, only string, want ...string) {
		t.Helper()
		limit := participation.KeyExpiry(end, seoul).Sub(at)
		ctx := context.Background()
		keys, _ := testenv.RedisKeys(ctx, f.rdb, "*"+id+"*")
		for _, pattern := range []string{f.prefix + "rate:participation:*" + ip[:strings.LastIndex(ip, ".")] + "*", f.prefix + "rate:participation:*:phone:0105100000*"} {
			more, _ := testenv.RedisKeys(ctx, f.rdb, pattern)
			keys = append(keys, more...)
		}
		keys = slices.DeleteFunc(keys, func(k string) bool { return !strings.Contains(k, "participation:") || !strings.Contains(k, only) })
		for _, w := range want {
			if !strings.Contains(strings.Join(keys, " "), w) {
				t.Errorf("no key %s among %v", w, keys)
			}
		}
		for _, k := range keys {
			if ttl := f.rdb.PTTL(ctx, k).Val(); ttl <= 0 || ttl > limit {
				t.Errorf("%s: TTL %v, want within (0, %v]", k, ttl, limit)
			}
		}
	}
	checkKeys(f.clock.Now(), "", "participation:seq:", "participation:session:", "participation:count:", "participation:results:",
		"rate:participation:{"+id+"}:client:", "rate:participation:{"+id+"}:net:192.0.2.0/24", "rate:participation:{"+id+"}:phone:")

	f.clock.Advance(24 * time.Hour)
	_, out := login(t, f, "ttl@example.com", goodPassword)
	acct.access = out["accessToken"].(string)
	if rec, _ := call(t, f.srv, "POST", "/api/v1/events/"+id+"/draw-winners", acct.access, map[string]any{"winnerCount": 1}); rec.Code != 201 {
		t.Fatalf("draw: %d %s", rec.Code, rec.Body)
	}
	checkKeys(f.clock.Now(), "closed", "participation:closed:")
}

// Rotating addresses inside one network does not multiply the allowance:
// the IPv4 /24 and the IPv6 /64 have their own limits, refused with
// PART_009 and Retry-After; another network is not affected.
func TestSubmitNetworkLimits(t *testing.T) {
	t.Parallel()
	f := newServerOpts(t, fixtureOpts{users: testUserConfig(), rate: [2]int{30, 5}, netRate: [2]int{3, 2}})
	_, id := liveEvent(t, f, "net@example.com", "010-2000-0018")
	v4, v6 := "10.1.2.", "2001:db8:12:34:"
	phone := 0
	try := func(ip string) *httptest.ResponseRecorder {
		phone++
		rec, _ := submit(t, f, id, entry("망", fmt.Sprintf("010-6000-%04d", phone), false), "X-Forwarded-For", ip)
		return rec
	}
	for _, tt := range []struct {
		name    string
		allowed int
		addr    func(i int) string
		other   string
	}{
		{"IPv4 /24", 3, func(i int) string { return v4 + fmt.Sprint(i+1) }, v4[:len(v4)-1] + "1.1"},
		{"IPv6 /64", 2, func(i int) string { return v6 + fmt.Sprintf(":%x", i+1) }, v6[:len(v6)-1] + "1::1"},
	} {
		for i := range tt.allowed {
			if rec := try(tt.addr(i)); rec.Code != 201 {
				t.Fatalf("%s entry %d: %d %s", tt.name, i, rec.Code, rec.Body)
			}
		}
		rec := try(tt.addr(tt.allowed))
		wantProblem(t, rec, 429, participation.CodeTooFast)
		if ra := rec.Header().Get("Retry-After"); ra == "" || ra == "0" {
			t.Errorf("%s: Retry-After %q", tt.name, ra)
		}
		if rec := try(tt.other); rec.Code != 201 {
			t.Errorf("%s: another network refused: %d %s", tt.name, rec.Code, rec.Body)
		}
	}
}
