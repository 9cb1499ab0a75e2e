package recommend

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// echoModel answers every chat call with plans whose description quotes
// the prompt's industry text, and records each prompt.
type echoModel struct {
	srv     *httptest.Server
	mu      sync.Mutex
	prompts []string
}

func newEchoModel(t *testing.T) *echoModel {
	t.Helper()
	m := &echoModel{}
	m.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Messages []struct{ Role, Content string } `json:"messages"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		user := body.Messages[len(body.Messages)-1].Content
		m.mu.Lock()
		m.prompts = append(m.prompts, user)
		m.mu.Unlock()
		var in struct {
			Industry string `json:"industry"`
		}
		_ = json.Unmarshal([]byte(user[strings.Index(user, "{"):]), &in)
		var plans []map[string]any
		for i, l := range Levels {
			plans = append(plans, map[string]any{"budgetLevel": l, "eventName": "기획 " + l, "description": clip("업종: "+in.Industry, 300),
				"prize": "경품", "participationMethod": "매장 QR", "promotionType": "DRAW", "targetAudience": "지역 주민",
				"estimatedCost": (i + 1) * 500_000, "expectedRoi": 100})
		}
		b, _ := json.Marshal(map[string]any{"plans": plans})
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, completion(string(b)))
	}))
	t.Cleanup(m.srv.Close)
	return m
}

func (m *echoModel) calls() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.prompts)
}

// Two stores in the same industry category (both CAFE) whose owners wrote
// different free text must not share AI plans: the cache is keyed on what
// the prompt holds, not on the category. The same inputs still hit it.
func TestPlanCacheCoversThePrompt(t *testing.T) {
	t.Parallel()
	model := newEchoModel(t)
	svc := newAIService(t, model.srv.URL, time.Second)
	a, b := request(t), request(t)
	b.Region = a.Region
	a.Industry = "카페"
	b.Industry = "카페 비밀쿠폰 ABC123 010-9999-0000"
	if Category(a.Industry) != Category(b.Industry) {
		t.Fatalf("the test needs one category: %s vs %s", Category(a.Industry), Category(b.Industry))
	}
	first, err := svc.Plan(context.Background(), b)
	if err != nil || first.Cached {
		t.Fatalf("store B: %+v %v", first, err)
	}
	second, err := svc.Plan(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	if second.Cached || model.calls() != 2 {
		t.Fatalf("store A got store B's cached plans (cached %v, %d model calls)", second.Cached, model.calls())
	}
	for _, p := range second.Plans {
		if strings.Contains(p.Description, "ABC123") {
			t.Errorf("store A's plan carries store B's text: %q", p.Description)
		}
	}
	// The same inputs again (another store name, whose name is not in the prompt) come from the cache.
	a.StoreName = "지영 카페"
	third, err := svc.Plan(context.Background(), a)
	if err != nil || !third.Cached || model.calls() != 2 {
		t.Fatalf("same inputs: cached %v, %d model calls, %v", third.Cached, model.calls(), err)
	}
}

// Free text reaches the model capped and on one line: the industry at
// MaxPromptIndustryRunes, the region at MaxPromptRegionRunes.
func TestPromptCapsFreeText(t *testing.T) {
	t.Parallel()
	model := newEchoModel(t)
	svc := newAIService(t, model.srv.URL, time.Second)
	req := request(t)
	req.Industry = "카페\n" + strings.Repeat("가", 200)
	req.Region = req.Region + " " + strings.Repeat("동", 200)
	if _, err := svc.Plan(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if model.calls() != 1 {
		t.Fatalf("%d model calls", model.calls())
	}
	user := model.prompts[0]
	var in struct{ Industry, Region string }
	if err := json.Unmarshal([]byte(user[strings.Index(user, "{"):]), &in); err != nil {
		t.Fatal(err)
	}
	if n := utf8.RuneCountInString(in.Industry); n > MaxPromptIndustryRunes || strings.ContainsRune(in.Industry, '\n') {
		t.Errorf("industry reached the model as %d runes: %q", n, in.Industry)
	}
	if n := utf8.RuneCountInString(in.Region); n > MaxPromptRegionRunes {
		t.Errorf("region reached the model as %d runes", n)
	}
}
