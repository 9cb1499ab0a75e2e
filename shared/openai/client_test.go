package openai

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

type answer struct {
	Name string `json:"name"`
}

var schema = json.RawMessage(`{"type":"object","properties":{"name":{"type":"string"}},"required":["name"],"additionalProperties":false}`)

// chatServer speaks the chat-completions shape; reply decides each answer.
func chatServer(t *testing.T, reply func(n int, w http.ResponseWriter, body map[string]any)) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(calls.Add(1))
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		reply(n, w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func completion(content string) string {
	b, _ := json.Marshal(map[string]any{
		"id": "chatcmpl-1", "object": "chat.completion",
		"choices": []map[string]any{{"index": 0, "finish_reason": "stop", "message": map[string]any{"role": "assistant", "content": content}}},
	})
	return string(b)
}

func newClient(t *testing.T, url string, tweak func(*Config)) *Client {
	t.Helper()
	cfg := Config{BaseURL: url, APIKey: "k", ChatModel: "gpt-test", ImageModel: "gpt-image-1", Timeout: time.Second, BaseBackoff: time.Millisecond}
	if tweak != nil {
		tweak(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestChatJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		reply     func(n int, w http.ResponseWriter, body map[string]any)
		wantErr   error
		wantCalls int64
		want      string
	}{
		{"valid", func(n int, w http.ResponseWriter, body map[string]any) {
			rf := body["response_format"].(map[string]any)
			if rf["type"] != "json_schema" || body["model"] != "gpt-test" {
				w.WriteHeader(400)
				return
			}
			io.WriteString(w, completion(`{"name":"가을 이벤트"}`))
		}, nil, 1, "가을 이벤트"},
		{"malformed content", func(int, http.ResponseWriter, map[string]any) {}, ErrMalformed, 1, ""},
		{"429 then success", func(n int, w http.ResponseWriter, _ map[string]any) {
			if n == 1 {
				w.Header().Set("Retry-After", "0")
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
			io.WriteString(w, completion(`{"name":"ok"}`))
		}, nil, 2, "ok"},
		{"400 is not retried", func(_ int, w http.ResponseWriter, _ map[string]any) { w.WriteHeader(400) }, nil, 1, ""},
		{"cut off", func(_ int, w http.ResponseWriter, _ map[string]any) {
			io.WriteString(w, strings.Replace(completion(`{"na`), `"stop"`, `"length"`, 1))
		}, ErrMalformed, 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			reply := tt.reply
			if tt.name == "malformed content" {
				reply = func(_ int, w http.ResponseWriter, _ map[string]any) { io.WriteString(w, completion(`{"name": oops`)) }
			}
			srv, calls := chatServer(t, reply)
			var got answer
			err := newClient(t, srv.URL, nil).ChatJSON(context.Background(), "sys", "user", "answer", schema, &got)
			switch {
			case tt.name == "400 is not retried":
				var se *StatusError
				if !errors.As(err, &se) || se.Status != 400 {
					t.Errorf("got %v", err)
				}
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Errorf("got %v, want %v", err, tt.wantErr)
				}
			case err != nil || got.Name != tt.want:
				t.Errorf("got %+v %v, want %s", got, err, tt.want)
			}
			if calls.Load() != tt.wantCalls {
				t.Errorf("%d calls, want %d", calls.Load(), tt.wantCalls)
			}
		})
	}
}

// A slow endpoint times out each attempt, is retried, then gives up; the
// breaker then opens and calls stop reaching it.
func TestTimeoutRetriesAndBreaker(t *testing.T) {
	t.Parallel()
	srv, calls := chatServer(t, func(_ int, w http.ResponseWriter, _ map[string]any) { time.Sleep(200 * time.Millisecond) })
	c := newClient(t, srv.URL, func(cfg *Config) {
		cfg.Timeout, cfg.MaxAttempts, cfg.BreakerFailures, cfg.BreakerCooldown = 50*time.Millisecond, 2, 2, time.Hour
	})
	var got answer
	for range 2 {
		err := c.ChatJSON(context.Background(), "s", "u", "answer", schema, &got)
		if err == nil || !retryable(err) {
			t.Fatalf("got %v, want a timeout", err)
		}
	}
	if calls.Load() != 4 {
		t.Errorf("%d calls, want 2 attempts x 2 calls", calls.Load())
	}
	if err := c.ChatJSON(context.Background(), "s", "u", "answer", schema, &got); !errors.Is(err, ErrCircuitOpen) {
		t.Errorf("third call: %v, want the open circuit", err)
	}
	if calls.Load() != 4 {
		t.Error("an open circuit still called the endpoint")
	}
}

func TestBreakerHalfOpens(t *testing.T) {
	t.Parallel()
	now := time.Unix(0, 0)
	b := &breaker{threshold: 2, cooldown: time.Minute, now: func() time.Time { return now }}
	b.failure()
	b.failure()
	if b.allow() {
		t.Fatal("open breaker allowed a call")
	}
	now = now.Add(61 * time.Second)
	trial, second := b.allow(), b.allow()
	if !trial || second {
		t.Fatal("half-open must allow exactly one trial")
	}
	b.success()
	if first, next := b.allow(), b.allow(); !first || !next {
		t.Error("closed again after a successful trial")
	}
}

func TestAzureFlavorAndImages(t *testing.T) {
	t.Parallel()
	png := []byte("\x89PNG fake")
	var gotPath, gotKey, gotQuery string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotPath, gotKey, gotQuery = r.URL.Path, r.Header.Get("api-key"), r.URL.RawQuery
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		if _, has := body["model"]; has {
			w.WriteHeader(400) // Azure takes the deployment from the path
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"created": 1, "data": []map[string]string{{"b64_json": base64.StdEncoding.EncodeToString(png)}}})
	}))
	t.Cleanup(srv.Close)
	c := newClient(t, srv.URL, func(cfg *Config) { cfg.Flavor, cfg.ImageModel = FlavorAzure, "poster-art" })
	got, err := c.Image(context.Background(), "a cozy cafe", "1024x1024")
	if err != nil || string(got) != string(png) {
		t.Fatalf("image: %q %v", got, err)
	}
	if gotPath != "/openai/deployments/poster-art/images/generations" || gotKey != "k" || gotQuery != "api-version=2024-10-21" {
		t.Errorf("request: %s ? %s key %q", gotPath, gotQuery, gotKey)
	}
}
