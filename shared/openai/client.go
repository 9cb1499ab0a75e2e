// Package openai is a small client for OpenAI-compatible APIs (OpenAI, Azure
// OpenAI deployments, or any compatible base URL): chat completions with a
// JSON-schema structured answer, and image generation. Every call has a
// timeout, transient failures (429, 5xx, timeouts) are retried with
// exponential backoff (honouring Retry-After), and a circuit breaker stops
// calling an endpoint that keeps failing so jobs fall back at once.
package openai

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Flavors of the API's URL and auth scheme.
const (
	FlavorOpenAI = "openai" // {base}/chat/completions, Authorization: Bearer
	FlavorAzure  = "azure"  // {base}/openai/deployments/{model}/chat/completions?api-version=, api-key header
)

// Config points the client at an endpoint.
type Config struct {
	BaseURL     string // e.g. https://api.openai.com/v1 or https://my-res.openai.azure.com
	APIKey      string
	Flavor      string
	APIVersion  string // Azure only, e.g. 2024-10-21
	ChatModel   string // model name, or the Azure deployment
	ImageModel  string
	Timeout     time.Duration // per attempt
	MaxAttempts int           // including the first
	BaseBackoff time.Duration // 1 s, then 2 s, 4 s ...
	// Breaker: this many failed calls in a row open it for BreakerCooldown.
	BreakerFailures int
	BreakerCooldown time.Duration
}

// Errors callers tell apart.
var (
	// ErrCircuitOpen: the endpoint failed repeatedly; calls are not attempted.
	ErrCircuitOpen = errors.New("openai: circuit open after repeated failures")
	// ErrMalformed: the answer was not the JSON that was asked for.
	ErrMalformed = errors.New("openai: malformed answer")
)

// StatusError is a non-2xx answer.
type StatusError struct {
	Status int
	Body   string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("openai: HTTP %d: %s", e.Status, e.Body)
}

// Client calls one endpoint. Safe for concurrent use.
type Client struct {
	cfg     Config
	http    *http.Client
	breaker *breaker
	sleep   func(ctx context.Context, d time.Duration) error
}

// New returns a client; it never connects until called.
func New(cfg Config) (*Client, error) {
	if cfg.BaseURL == "" || cfg.APIKey == "" {
		return nil, errors.New("openai: base URL and API key are required")
	}
	if cfg.Flavor == "" {
		cfg.Flavor = FlavorOpenAI
	}
	if cfg.Flavor != FlavorOpenAI && cfg.Flavor != FlavorAzure {
		return nil, fmt.Errorf("openai: unknown flavor %q", cfg.Flavor)
	}
	if cfg.Flavor == FlavorAzure && cfg.APIVersion == "" {
		cfg.APIVersion = "2024-10-21"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 3
	}
	if cfg.BaseBackoff <= 0 {
		cfg.BaseBackoff = time.Second
	}
	if cfg.BreakerFailures <= 0 {
		cfg.BreakerFailures = 5
	}
	if cfg.BreakerCooldown <= 0 {
		cfg.BreakerCooldown = 30 * time.Second
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	return &Client{
		cfg:     cfg,
		http:    &http.Client{},
		breaker: &breaker{threshold: cfg.BreakerFailures, cooldown: cfg.BreakerCooldown, now: time.Now},
		sleep: func(ctx context.Context, d time.Duration) error {
			select {
			case <-time.After(d):
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		},
	}, nil
}

// ChatModel names the model (or deployment) answering chats, for records.
func (c *Client) ChatModel() string { return c.cfg.ChatModel }

func (c *Client) url(op, model string) string {
	if c.cfg.Flavor == FlavorAzure {
		return c.cfg.BaseURL + "/openai/deployments/" + model + "/" + op + "?api-version=" + c.cfg.APIVersion
	}
	return c.cfg.BaseURL + "/" + op
}

// ChatJSON asks for an answer matching schema (response_format json_schema,
// strict) and decodes it into out.
func (c *Client) ChatJSON(ctx context.Context, system, user, schemaName string, schema json.RawMessage, out any) error {
	body := map[string]any{
		"messages": []map[string]string{{"role": "system", "content": system}, {"role": "user", "content": user}},
		"response_format": map[string]any{
			"type":        "json_schema",
			"json_schema": map[string]any{"name": schemaName, "strict": true, "schema": schema},
		},
		"temperature": 0.7,
	}
	if c.cfg.Flavor == FlavorOpenAI {
		body["model"] = c.cfg.ChatModel
	}
	var resp struct {
		Choices []struct {
			Message struct {
				Content *string `json:"content"`
				Refusal *string `json:"refusal"`
			} `json:"message"`
			FinishReason string `json:"finish_reason"`
		} `json:"choices"`
	}
	if err := c.post(ctx, c.url("chat/completions", c.cfg.ChatModel), body, &resp); err != nil {
		return err
	}
	if len(resp.Choices) == 0 || resp.Choices[0].Message.Content == nil {
		if len(resp.Choices) > 0 && resp.Choices[0].Message.Refusal != nil {
			return fmt.Errorf("%w: the model refused: %s", ErrMalformed, *resp.Choices[0].Message.Refusal)
		}
		return fmt.Errorf("%w: no message content", ErrMalformed)
	}
	if fr := resp.Choices[0].FinishReason; fr == "length" {
		return fmt.Errorf("%w: the answer was cut off (finish_reason length)", ErrMalformed)
	}
	if err := json.Unmarshal([]byte(*resp.Choices[0].Message.Content), out); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return nil
}

// Image generates one image for prompt at size ("1024x1024") and returns its
// encoded bytes (PNG for the OpenAI image models).
func (c *Client) Image(ctx context.Context, prompt, size string) ([]byte, error) {
	body := map[string]any{"prompt": prompt, "size": size, "n": 1}
	if c.cfg.Flavor == FlavorOpenAI {
		body["model"] = c.cfg.ImageModel
	}
	if strings.HasPrefix(c.cfg.ImageModel, "dall-e") {
		body["response_format"] = "b64_json" // gpt-image models always answer base64 and refuse the field
	}
	var resp struct {
		Data []struct {
			B64JSON string `json:"b64_json"`
			URL     string `json:"url"`
		} `json:"data"`
	}
	if err := c.post(ctx, c.url("images/generations", c.cfg.ImageModel), body, &resp); err != nil {
		return nil, err
	}
	if len(resp.Data) == 0 {
		return nil, fmt.Errorf("%w: no image", ErrMalformed)
	}
	if resp.Data[0].B64JSON != "" {
		b, err := base64.StdEncoding.DecodeString(resp.Data[0].B64JSON)
		if err != nil {
			return nil, fmt.Errorf("%w: image is not base64: %v", ErrMalformed, err)
		}
		return b, nil
	}
	if resp.Data[0].URL == "" {
		return nil, fmt.Errorf("%w: neither b64_json nor url", ErrMalformed)
	}
	return c.fetch(ctx, resp.Data[0].URL)
}

func (c *Client) fetch(ctx context.Context, url string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("openai: fetch image: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, &StatusError{Status: resp.StatusCode, Body: "fetching the generated image"}
	}
	return io.ReadAll(io.LimitReader(resp.Body, 32<<20))
}

// retryable reports whether another attempt may succeed.
func retryable(err error) bool {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Status == http.StatusTooManyRequests || se.Status >= 500 || se.Status == http.StatusRequestTimeout
	}
	return !errors.Is(err, ErrMalformed) && !errors.Is(err, context.Canceled)
}

// post sends body and decodes the answer, with retries and the breaker.
func (c *Client) post(ctx context.Context, url string, body, out any) error {
	if !c.breaker.allow() {
		return ErrCircuitOpen
	}
	payload, err := json.Marshal(body)
	if err != nil {
		return err
	}
	var last error
	for attempt := 1; attempt <= c.cfg.MaxAttempts; attempt++ {
		retryAfter, err := c.once(ctx, url, payload, out)
		if err == nil {
			c.breaker.success()
			return nil
		}
		last = err
		if !retryable(err) || attempt == c.cfg.MaxAttempts || ctx.Err() != nil {
			break
		}
		wait := c.cfg.BaseBackoff << (attempt - 1)
		wait += time.Duration(rand.Int64N(int64(wait)/4 + 1)) // jitter
		if retryAfter > 0 {
			wait = min(retryAfter, 30*time.Second)
		}
		if err := c.sleep(ctx, wait); err != nil {
			last = err
			break
		}
	}
	if retryable(last) {
		c.breaker.failure()
	}
	return last
}

func (c *Client) once(ctx context.Context, url string, payload []byte, out any) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(payload))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.cfg.Flavor == FlavorAzure {
		req.Header.Set("api-key", c.cfg.APIKey)
	} else {
		req.Header.Set("Authorization", "Bearer "+c.cfg.APIKey)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, fmt.Errorf("openai: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return 0, fmt.Errorf("openai: read answer: %w", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		var ra time.Duration
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s >= 0 {
			ra = time.Duration(s) * time.Second
		}
		msg := string(raw)
		if len(msg) > 300 {
			msg = msg[:300]
		}
		return ra, &StatusError{Status: resp.StatusCode, Body: msg}
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return 0, fmt.Errorf("%w: the response is not JSON: %v", ErrMalformed, err)
	}
	return 0, nil
}

// breaker is a consecutive-failure circuit breaker with a half-open trial.
// It is per process: an AI endpoint that is down is noticed by each
// instance within a few calls, which is cheap enough here.
type breaker struct {
	mu        sync.Mutex
	threshold int
	cooldown  time.Duration
	now       func() time.Time
	failures  int
	openUntil time.Time
	trial     bool
}

func (b *breaker) allow() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.failures < b.threshold {
		return true
	}
	if b.now().Before(b.openUntil) || b.trial {
		return false
	}
	b.trial = true // half-open: one call goes through
	return true
}

func (b *breaker) success() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.failures, b.trial = 0, false
}

func (b *breaker) failure() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.failures++
	b.trial = false
	if b.failures >= b.threshold {
		b.openUntil = b.now().Add(b.cooldown)
	}
}
