package recommend

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eventmkt/backend/shared/openai"
	"github.com/eventmkt/backend/shared/testenv"
)

// completion wraps content in the chat-completions response shape.
func completion(content string) string {
	b, _ := json.Marshal(map[string]any{
		"id": "chatcmpl-1", "object": "chat.completion", "model": "gpt-test",
		"choices": []map[string]any{{"index": 0, "finish_reason": "stop", "message": map[string]any{"role": "assistant", "content": content}}},
		"usage":   map[string]int{"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
	})
	return string(b)
}

func modelPlans(n int) string {
	levels := []string{"HIGH", "LOW", "MID"} // out of order on purpose: repair sorts them
	costs := []int64{2_000_000, 500_000, 1_000_000}
	var plans []map[string]any
	for i := range n {
		plans = append(plans, map[string]any{
			"budgetLevel": levels[i], "eventName": "AI 기획 " + levels[i] + " — {{STORE}} 특별전", "description": "  {{STORE}}에서 진행하는   AI 기획안입니다. ",
			"prize": "경품 " + levels[i], "participationMethod": "매장 QR", "promotionType": "draw", "targetAudience": "지역 주민",
			"estimatedCost": costs[i] + 3_000, "expectedRoi": 180.04,
		})
	}
	b, _ := json.Marshal(map[string]any{"plans": plans})
	return string(b)
}

type fakeModel struct {
	srv   *httptest.Server
	calls atomic.Int64
}

// newFakeModel serves chat completions; reply picks the answer for call n.
func newFakeModel(t *testing.T, reply func(n int, w http.ResponseWriter)) *fakeModel {
	t.Helper()
	f := &fakeModel{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/chat/completions" || r.Header.Get("Authorization") != "Bearer test-key" {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		var body struct {
			ResponseFormat struct {
				Type string `json:"type"`
			} `json:"response_format"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		if body.ResponseFormat.Type != "json_schema" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		reply(int(f.calls.Add(1)), w)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func newAIService(t *testing.T, url string, timeout time.Duration) *Service {
	t.Helper()
	c, err := openai.New(openai.Config{BaseURL: url, APIKey: "test-key", ChatModel: "gpt-test", Timeout: timeout, MaxRetryDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	rdb, prefix := testenv.Redis(t)
	svc := NewService(NewAI(c), NewBuiltin(), rdb, testenv.Logger(t))
	svc.KeyPrefix = prefix // the plan cache of this test only
	return svc
}

// request is one owner's request; each test's service caches under its
// own key prefix, so the same request never hits another test's plans.
func request(*testing.T) Request {
	return Request{Industry: "카페", Region: "서울 마포구", Objective: "REVISIT", Budget: 1_000_000, StoreName: "민수네 카페", Month: time.November}
}

func TestAIPlannerOutcomes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		reply         func(n int, w http.ResponseWriter)
		timeout       time.Duration
		wantGenerator string
		wantReason    string
		wantCalls     int64
	}{
		{"valid answer", func(_ int, w http.ResponseWriter) { io.WriteString(w, completion(modelPlans(3))) }, time.Second, "openai:gpt-test", "", 1},
		{"malformed JSON", func(_ int, w http.ResponseWriter) { io.WriteString(w, completion(`{"plans": [ {"eventName": `)) }, time.Second, "builtin", "AI answer rejected", 1},
		{"schema-invalid answer", func(_ int, w http.ResponseWriter) { io.WriteString(w, completion(modelPlans(2))) }, time.Second, "builtin", "AI answer rejected", 1},
		{"429 then success", func(n int, w http.ResponseWriter) {
			if n == 1 {
				w.Header().Set("Retry-After", "0")
				w.WriteHeader(http.StatusTooManyRequests)
				io.WriteString(w, `{"error":{"message":"Rate limit reached","type":"requests"}}`)
				return
			}
			io.WriteString(w, completion(modelPlans(3)))
		}, time.Second, "openai:gpt-test", "", 2},
		// The SDK does not retry an attempt that ran out of time.
		{"timeout", func(_ int, w http.ResponseWriter) { time.Sleep(300 * time.Millisecond) }, 50 * time.Millisecond, "builtin", "timed out", 1},
		{"server error", func(_ int, w http.ResponseWriter) { w.WriteHeader(http.StatusInternalServerError) }, time.Second, "builtin", "HTTP 500", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			model := newFakeModel(t, tt.reply)
			svc := newAIService(t, model.srv.URL, tt.timeout)
			out, err := svc.Plan(context.Background(), request(t))
			if err != nil {
				t.Fatal(err)
			}
			if out.Generator != tt.wantGenerator || !strings.Contains(out.FallbackReason, tt.wantReason) || (tt.wantReason == "") != (out.FallbackReason == "") {
				t.Errorf("generator %q, fallback %q; want %q, %q", out.Generator, out.FallbackReason, tt.wantGenerator, tt.wantReason)
			}
			if err := Validate(out.Plans); err != nil {
				t.Errorf("plans invalid: %v", err)
			}
			if model.calls.Load() != tt.wantCalls {
				t.Errorf("%d calls to the model, want %d", model.calls.Load(), tt.wantCalls)
			}
			for _, p := range out.Plans {
				if strings.Contains(p.EventName+p.Description, storeToken) {
					t.Errorf("the store placeholder leaked: %+v", p)
				}
			}
		})
	}
}

// The model's answer is repaired: order, whitespace, rounding.
func TestRepairAndCache(t *testing.T) {
	t.Parallel()
	model := newFakeModel(t, func(_ int, w http.ResponseWriter) { io.WriteString(w, completion(modelPlans(3))) })
	svc := newAIService(t, model.srv.URL, time.Second)
	req := request(t)
	out, err := svc.Plan(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	got := out.Plans
	if got[0].BudgetLevel != "LOW" || got[2].BudgetLevel != "HIGH" || got[0].EstimatedCost != 500_000 || got[1].ExpectedROI != 180 ||
		got[0].Description != "민수네 카페에서 진행하는 AI 기획안입니다." || got[0].PromotionType != "DRAW" || got[0].EventName != "AI 기획 LOW — 민수네 카페 특별전" {
		t.Errorf("repaired plans: %+v", got)
	}
	// The same key again: from the cache, with another store's name.
	req.StoreName = "지영 베이커리"
	again, err := svc.Plan(context.Background(), req)
	if err != nil || !again.Cached || model.calls.Load() != 1 {
		t.Fatalf("second call: cached %v, %d model calls, %v", again.Cached, model.calls.Load(), err)
	}
	if !strings.Contains(again.Plans[0].Description, "지영 베이커리") || strings.Contains(again.Plans[0].Description, "민수네") {
		t.Errorf("cached plans carry the wrong store: %q", again.Plans[0].Description)
	}
}

// Without an AI endpoint the built-in planner answers, and is cached too.
func TestBuiltinOnlyService(t *testing.T) {
	t.Parallel()
	rdb, prefix := testenv.Redis(t)
	svc := NewService(nil, NewBuiltin(), rdb, testenv.Logger(t))
	svc.KeyPrefix = prefix
	out, err := svc.Plan(context.Background(), request(t))
	if err != nil || out.Generator != "builtin" || out.FallbackReason != "" || Validate(out.Plans) != nil {
		t.Fatalf("built-in: %+v %v", out, err)
	}
}
