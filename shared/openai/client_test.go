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

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

type answer struct {
	Name string `json:"name"`
}

var schema = json.RawMessage(`{"type":"object","properties":{"name":{"type":"string"}},"required":["name"],"additionalProperties":false}`)

// request is what the fake endpoint saw.
type request struct {
	path, query, auth, apiKey string
	body                      map[string]any
}

// fakeAPI speaks the OpenAI / Azure OpenAI HTTP shape; reply decides each
// answer (call n counts from 1).
func fakeAPI(t *testing.T, reply func(n int, w http.ResponseWriter, r request)) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(calls.Add(1))
		got := request{path: r.URL.Path, query: r.URL.RawQuery, auth: r.Header.Get("Authorization"), apiKey: r.Header.Get("Api-Key")}
		_ = json.NewDecoder(r.Body).Decode(&got.body)
		w.Header().Set("Content-Type", "application/json")
		reply(n, w, got)
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func completion(content string) string {
	b, _ := json.Marshal(map[string]any{
		"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "gpt-test",
		"choices": []map[string]any{{"index": 0, "finish_reason": "stop", "message": map[string]any{"role": "assistant", "content": content, "refusal": nil}}},
	})
	return string(b)
}

func apiError(w http.ResponseWriter, status int, msg string) {
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": "server_error", "param": nil, "code": nil}})
}

func newClient(t *testing.T, url string, tweak func(*Config)) *Client {
	t.Helper()
	cfg := Config{BaseURL: url, APIKey: "k", ChatModel: "gpt-test", ImageModel: "gpt-image-1", Timeout: time.Second, MaxRetryDelay: time.Millisecond}
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
		name       string
		reply      func(n int, w http.ResponseWriter, r request)
		wantStatus int   // a StatusError with this status
		wantErr    error // or this error
		want       string
		wantCalls  int64
	}{
		{"valid", func(n int, w http.ResponseWriter, r request) {
			rf, _ := r.body["response_format"].(map[string]any)
			js, _ := rf["json_schema"].(map[string]any)
			if r.path != "/chat/completions" || r.auth != "Bearer k" || r.body["model"] != "gpt-test" || rf["type"] != "json_schema" ||
				js["name"] != "answer" || js["strict"] != true || js["schema"] == nil {
				apiError(w, 400, "unexpected request")
				return
			}
			io.WriteString(w, completion(`{"name":"가을 이벤트"}`))
		}, 0, nil, "가을 이벤트", 1},
		{"malformed content", func(int, http.ResponseWriter, request) {}, 0, ErrMalformed, "", 1},
		{"not JSON at all", func(_ int, w http.ResponseWriter, _ request) { io.WriteString(w, "<html>gateway</html>") }, 0, ErrMalformed, "", 1},
		{"refusal", func(_ int, w http.ResponseWriter, _ request) {
			io.WriteString(w, strings.Replace(completion(""), `"refusal":null`, `"refusal":"I can't help with that"`, 1))
		}, 0, ErrMalformed, "", 1},
		{"cut off", func(_ int, w http.ResponseWriter, _ request) {
			io.WriteString(w, strings.Replace(completion(`{"na`), `"stop"`, `"length"`, 1))
		}, 0, ErrMalformed, "", 1},
		{"429 then success", func(n int, w http.ResponseWriter, _ request) {
			if n == 1 {
				w.Header().Set("Retry-After", "0")
				apiError(w, http.StatusTooManyRequests, "Rate limit reached")
				return
			}
			io.WriteString(w, completion(`{"name":"ok"}`))
		}, 0, nil, "ok", 2},
		{"500 retried, then given up", func(_ int, w http.ResponseWriter, _ request) { apiError(w, 500, "boom") }, 500, nil, "", 3},
		{"502 without a body", func(_ int, w http.ResponseWriter, _ request) { w.WriteHeader(502) }, 502, nil, "", 3},
		{"400 is not retried", func(_ int, w http.ResponseWriter, _ request) { apiError(w, 400, "bad schema") }, 400, nil, "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			reply := tt.reply
			if tt.name == "malformed content" {
				reply = func(_ int, w http.ResponseWriter, _ request) { io.WriteString(w, completion(`{"name": oops`)) }
			}
			srv, calls := fakeAPI(t, reply)
			var got answer
			err := newClient(t, srv.URL, nil).ChatJSON(context.Background(), "sys", "user", "answer", schema, &got)
			var se *StatusError
			switch {
			case tt.wantStatus != 0:
				if !errors.As(err, &se) || se.Status != tt.wantStatus {
					t.Errorf("got %v, want HTTP %d", err, tt.wantStatus)
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

// A slow endpoint times out (the SDK does not retry an attempt that ran
// out of time); enough of those open the breaker, and calls stop reaching
// it.
func TestTimeoutOpensTheBreaker(t *testing.T) {
	t.Parallel()
	srv, calls := fakeAPI(t, func(_ int, w http.ResponseWriter, _ request) { time.Sleep(200 * time.Millisecond) })
	c := newClient(t, srv.URL, func(cfg *Config) {
		cfg.Timeout, cfg.BreakerFailures, cfg.BreakerCooldown = 50*time.Millisecond, 2, time.Hour
	})
	var got answer
	for range 2 {
		err := c.ChatJSON(context.Background(), "s", "u", "answer", schema, &got)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v, want a timeout", err)
		}
	}
	if calls.Load() != 2 {
		t.Errorf("%d calls, want 2", calls.Load())
	}
	if err := c.ChatJSON(context.Background(), "s", "u", "answer", schema, &got); !errors.Is(err, ErrCircuitOpen) {
		t.Errorf("third call: %v, want the open circuit", err)
	}
	if calls.Load() != 2 {
		t.Error("an open circuit still called the endpoint")
	}
}

// After the cooldown exactly one trial call goes through; its success
// closes the breaker.
func TestBreakerHalfOpens(t *testing.T) {
	t.Parallel()
	var healthy atomic.Bool
	trial := make(chan struct{})
	release := make(chan struct{})
	srv, calls := fakeAPI(t, func(_ int, w http.ResponseWriter, _ request) {
		if !healthy.Load() {
			apiError(w, 503, "down")
			return
		}
		trial <- struct{}{}
		<-release
		io.WriteString(w, completion(`{"name":"back"}`))
	})
	c := newClient(t, srv.URL, func(cfg *Config) {
		cfg.MaxAttempts, cfg.BreakerFailures, cfg.BreakerCooldown = 1, 2, 100*time.Millisecond
	})
	ask := func() error {
		var got answer
		return c.ChatJSON(context.Background(), "s", "u", "answer", schema, &got)
	}
	for range 2 {
		if err := ask(); errors.Is(err, ErrCircuitOpen) || err == nil {
			t.Fatalf("got %v, want the endpoint's 503", err)
		}
	}
	if err := ask(); !errors.Is(err, ErrCircuitOpen) || calls.Load() != 2 {
		t.Fatalf("open breaker: %v after %d calls", err, calls.Load())
	}
	healthy.Store(true)
	time.Sleep(150 * time.Millisecond)
	done := make(chan error, 1)
	go func() { done <- ask() }()
	<-trial // the trial call is at the endpoint
	if err := ask(); !errors.Is(err, ErrCircuitOpen) {
		t.Errorf("second call while the trial runs: %v, want the open circuit", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("trial: %v", err)
	}
	go func() {
		for range trial {
		}
	}()
	for range 3 {
		if err := ask(); err != nil {
			t.Fatalf("closed again after a successful trial, but: %v", err)
		}
	}
	close(trial)
}

// A request the endpoint refuses says nothing about its health: it never
// opens the breaker.
func TestRefusedRequestsLeaveTheBreakerClosed(t *testing.T) {
	t.Parallel()
	srv, calls := fakeAPI(t, func(_ int, w http.ResponseWriter, _ request) { apiError(w, 400, "bad request") })
	c := newClient(t, srv.URL, func(cfg *Config) { cfg.BreakerFailures = 2 })
	for range 4 {
		var got answer
		if err := c.ChatJSON(context.Background(), "s", "u", "answer", schema, &got); errors.Is(err, ErrCircuitOpen) {
			t.Fatal("400 answers opened the breaker")
		}
	}
	if calls.Load() != 4 {
		t.Errorf("%d calls, want 4", calls.Load())
	}
}

// staticToken stands in for the managed identity: azidentity's credential
// asks the host's identity endpoint, which a test machine does not have.
type staticToken struct{ scopes []string }

func (s *staticToken) GetToken(_ context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	s.scopes = opts.Scopes
	return azcore.AccessToken{Token: "entra-token", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

func TestAzureFlavor(t *testing.T) {
	t.Parallel()
	png := []byte("\x89PNG fake")
	token := &staticToken{}
	tests := []struct {
		name     string
		key      string
		cred     azcore.TokenCredential
		wantAuth string
		wantKey  string
	}{
		{"API key", "k", nil, "", "k"},
		{"managed identity", "", token, "Bearer entra-token", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got request
			srv, _ := fakeAPI(t, func(_ int, w http.ResponseWriter, r request) {
				got = r
				_ = json.NewEncoder(w).Encode(map[string]any{"created": 1, "data": []map[string]string{{"b64_json": base64.StdEncoding.EncodeToString(png)}}})
			})
			c := newClient(t, srv.URL, func(cfg *Config) {
				cfg.Flavor, cfg.APIKey, cfg.Credential, cfg.ImageModel = FlavorAzure, tt.key, tt.cred, "poster-art"
			})
			img, err := c.Image(context.Background(), "a cozy cafe", "1024x1024")
			if err != nil || string(img) != string(png) {
				t.Fatalf("image: %q %v", img, err)
			}
			if got.path != "/openai/deployments/poster-art/images/generations" || got.query != "api-version=2024-10-21" ||
				got.auth != tt.wantAuth || got.apiKey != tt.wantKey || got.body["prompt"] != "a cozy cafe" || got.body["size"] != "1024x1024" {
				t.Errorf("request: %s ? %s, Authorization %q, api-key %q, body %v", got.path, got.query, got.auth, got.apiKey, got.body)
			}
			if tt.cred != nil && (len(token.scopes) != 1 || token.scopes[0] != "https://cognitiveservices.azure.com/.default") {
				t.Errorf("token scopes %v", token.scopes)
			}
		})
	}
}

// An image answered as a URL is fetched from there.
func TestImageByURL(t *testing.T) {
	t.Parallel()
	files := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "\x89PNG from url") }))
	t.Cleanup(files.Close)
	srv, _ := fakeAPI(t, func(_ int, w http.ResponseWriter, r request) {
		if r.body["model"] != "dall-e-3" || r.body["response_format"] != "b64_json" {
			apiError(w, 400, "unexpected request")
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"created": 1, "data": []map[string]string{{"url": files.URL + "/img.png"}}})
	})
	img, err := newClient(t, srv.URL, func(cfg *Config) { cfg.ImageModel = "dall-e-3" }).Image(context.Background(), "p", "1024x1024")
	if err != nil || string(img) != "\x89PNG from url" {
		t.Fatalf("image: %q %v", img, err)
	}
}

func TestNewRefusesIncompleteConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no URL", Config{APIKey: "k"}, "base URL"},
		{"openai without a key", Config{BaseURL: "https://api.openai.com/v1"}, "API key"},
		{"unknown flavor", Config{BaseURL: "https://x", APIKey: "k", Flavor: "bedrock"}, "flavor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := New(tt.cfg); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error about %s", err, tt.want)
			}
		})
	}
}
