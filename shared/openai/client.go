// Package openai is the app's thin adapter over the official SDK
// (github.com/openai/openai-go/v3) for OpenAI and Azure OpenAI: chat
// completions with a JSON-schema structured answer, and image generation.
// The SDK does the HTTP: URLs and auth per flavor (an API key, or on Azure
// the app's managed identity), the per-attempt timeout and the retries of
// transient failures (429, 408, 5xx, connection errors; Retry-After
// honoured). This package adds what the domains need on top: one circuit
// breaker per endpoint (github.com/sony/gobreaker/v2), so jobs fall back to
// the built-in generators at once while an endpoint keeps failing, and the
// three errors callers tell apart (ErrCircuitOpen, ErrMalformed,
// StatusError).
package openai

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	sdk "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/azure"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/shared"
	"github.com/sony/gobreaker/v2"

	"github.com/eventmkt/backend/shared/identity"
)

// Flavors of the API's URL and auth scheme.
const (
	FlavorOpenAI = "openai" // {base}/chat/completions, Authorization: Bearer key
	FlavorAzure  = "azure"  // {base}/openai/deployments/{model}/chat/completions?api-version=, api-key or Entra token
)

// Config points the client at an endpoint.
type Config struct {
	BaseURL    string // e.g. https://api.openai.com/v1 or https://my-res.openai.azure.com
	APIKey     string // required for FlavorOpenAI; on Azure, empty means Entra ID tokens
	Flavor     string
	APIVersion string // Azure only, e.g. 2024-10-21
	// Azure without an API key: requests carry Entra ID tokens of the
	// user-assigned managed identity AzureClientID (AZURE_CLIENT_ID; empty:
	// DefaultAzureCredential, the Azure CLI's sign-in locally), or of
	// Credential when it is set. The identity needs the role "Cognitive
	// Services OpenAI User" on the Azure OpenAI account.
	AzureClientID string
	Credential    azcore.TokenCredential
	ChatModel     string        // model name, or the Azure deployment
	ImageModel    string        // likewise
	Timeout       time.Duration // per attempt (the SDK's request timeout)
	// MaxAttempts counts the first; the SDK retries MaxAttempts-1 times.
	MaxAttempts int
	// MaxRetryDelay caps the SDK's waits between attempts (0: the SDK's
	// own caps: 8 s of backoff, 2 min of Retry-After). Tests make it tiny.
	MaxRetryDelay time.Duration
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
	sdk     sdk.Client
	http    *http.Client // fetches images answered as a URL
	breaker *gobreaker.CircuitBreaker[any]
}

// New returns a client; it never connects until called.
func New(cfg Config) (*Client, error) {
	if cfg.Flavor == "" {
		cfg.Flavor = FlavorOpenAI
	}
	switch {
	case cfg.BaseURL == "":
		return nil, errors.New("openai: base URL is required")
	case cfg.Flavor != FlavorOpenAI && cfg.Flavor != FlavorAzure:
		return nil, fmt.Errorf("openai: unknown flavor %q", cfg.Flavor)
	case cfg.APIKey == "" && cfg.Flavor == FlavorOpenAI:
		return nil, errors.New("openai: an API key is required")
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
	if cfg.BreakerFailures <= 0 {
		cfg.BreakerFailures = 5
	}
	if cfg.BreakerCooldown <= 0 {
		cfg.BreakerCooldown = 30 * time.Second
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	opts := []option.RequestOption{option.WithRequestTimeout(cfg.Timeout), option.WithMaxRetries(cfg.MaxAttempts - 1)}
	if cfg.MaxRetryDelay > 0 {
		opts = append(opts, option.WithMaxRetryDelay(cfg.MaxRetryDelay))
	}
	if cfg.Flavor == FlavorAzure {
		opts = append(opts, azure.WithEndpoint(cfg.BaseURL, cfg.APIVersion))
		if cfg.APIKey != "" {
			opts = append(opts, azure.WithAPIKey(cfg.APIKey))
		} else {
			if cfg.Credential == nil {
				cred, err := identity.Credential(cfg.AzureClientID)
				if err != nil {
					return nil, fmt.Errorf("openai: %w", err)
				}
				cfg.Credential = cred
			}
			opts = append(opts, azure.WithTokenCredential(cfg.Credential))
		}
		if loopbackHTTP(cfg.BaseURL) {
			// The SDK sends Azure credentials over HTTPS only, except to a
			// local endpoint (a fake or a proxy on this machine).
			opts = append(opts, azure.WithUnsafeAllowHTTP())
		}
	} else {
		opts = append(opts, option.WithBaseURL(cfg.BaseURL+"/"), option.WithAPIKey(cfg.APIKey))
	}
	return &Client{
		cfg:  cfg,
		sdk:  sdk.NewClient(opts...),
		http: &http.Client{Timeout: cfg.Timeout},
		// Per process: an AI endpoint that is down is noticed by each
		// instance within a few calls, which is cheap enough here.
		breaker: gobreaker.NewCircuitBreaker[any](gobreaker.Settings{
			Name:        "openai " + cfg.BaseURL,
			MaxRequests: 1, // half-open: one trial call
			Timeout:     cfg.BreakerCooldown,
			ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= uint32(cfg.BreakerFailures) },
			// Only an endpoint's trouble counts against it: a refused
			// request, a malformed answer or a caller that gave up says
			// nothing about its health, and neither opens nor closes it.
			IsExcluded: func(err error) bool { return err != nil && !endpointFailure(err) },
		}),
	}, nil
}

// loopbackHTTP reports a plain-HTTP endpoint on this machine.
func loopbackHTTP(base string) bool {
	u, err := url.Parse(base)
	if err != nil || u.Scheme != "http" {
		return false
	}
	if u.Hostname() == "localhost" {
		return true
	}
	ip := net.ParseIP(u.Hostname())
	return ip != nil && ip.IsLoopback()
}

// ChatModel names the model (or deployment) answering chats, for records.
func (c *Client) ChatModel() string { return c.cfg.ChatModel }

// ChatJSON asks for an answer matching schema (response_format json_schema,
// strict) and decodes it into out.
func (c *Client) ChatJSON(ctx context.Context, system, user, schemaName string, schema json.RawMessage, out any) error {
	params := sdk.ChatCompletionNewParams{
		Model:    c.cfg.ChatModel, // on Azure the SDK routes it to the deployment's path
		Messages: []sdk.ChatCompletionMessageParamUnion{sdk.SystemMessage(system), sdk.UserMessage(user)},
		ResponseFormat: sdk.ChatCompletionNewParamsResponseFormatUnion{OfJSONSchema: &shared.ResponseFormatJSONSchemaParam{
			JSONSchema: shared.ResponseFormatJSONSchemaJSONSchemaParam{Name: schemaName, Strict: sdk.Bool(true), Schema: schema},
		}},
		Temperature: sdk.Float(0.7),
	}
	resp, err := call(ctx, c, func() (*sdk.ChatCompletion, error) { return c.sdk.Chat.Completions.New(ctx, params) })
	if err != nil {
		return err
	}
	if len(resp.Choices) == 0 {
		return fmt.Errorf("%w: no choices", ErrMalformed)
	}
	choice := resp.Choices[0]
	switch {
	case choice.Message.Refusal != "":
		return fmt.Errorf("%w: the model refused: %s", ErrMalformed, choice.Message.Refusal)
	case choice.FinishReason == "length":
		return fmt.Errorf("%w: the answer was cut off (finish_reason length)", ErrMalformed)
	case choice.Message.Content == "":
		return fmt.Errorf("%w: no message content", ErrMalformed)
	}
	if err := json.Unmarshal([]byte(choice.Message.Content), out); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return nil
}

// Image generates one image for prompt at size ("1024x1024") and returns its
// encoded bytes (PNG for the OpenAI image models).
func (c *Client) Image(ctx context.Context, prompt, size string) ([]byte, error) {
	params := sdk.ImageGenerateParams{Prompt: prompt, Model: c.cfg.ImageModel, Size: sdk.ImageGenerateParamsSize(size), N: sdk.Int(1)}
	if strings.HasPrefix(c.cfg.ImageModel, "dall-e") {
		params.ResponseFormat = sdk.ImageGenerateParamsResponseFormatB64JSON // gpt-image models always answer base64 and refuse the field
	}
	resp, err := call(ctx, c, func() (*sdk.ImagesResponse, error) { return c.sdk.Images.Generate(ctx, params) })
	if err != nil {
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

// fetch downloads an image the API answered as a (pre-signed) URL.
func (c *Client) fetch(ctx context.Context, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: image URL: %v", ErrMalformed, err)
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

// call runs one SDK call (its retries included) through the breaker and
// translates what went wrong into this package's errors.
func call[T any](ctx context.Context, c *Client, do func() (*T, error)) (*T, error) {
	res, err := c.breaker.Execute(func() (any, error) {
		r, err := do()
		return r, classify(err)
	})
	switch {
	case errors.Is(err, gobreaker.ErrOpenState) || errors.Is(err, gobreaker.ErrTooManyRequests):
		return nil, fmt.Errorf("%w (%s)", ErrCircuitOpen, c.breaker.Name())
	case err != nil:
		return nil, err
	}
	return res.(*T), nil
}

// classify turns the SDK's errors into this package's: an HTTP answer into
// a StatusError, an answer the SDK could not decode into ErrMalformed.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var apiErr *sdk.Error
	if errors.As(err, &apiErr) {
		msg := apiErr.Message
		if msg == "" {
			msg = http.StatusText(apiErr.StatusCode)
		}
		if len(msg) > 300 {
			msg = msg[:300]
		}
		return &StatusError{Status: apiErr.StatusCode, Body: msg}
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	if errors.As(err, &syntax) || errors.As(err, &typ) || strings.Contains(err.Error(), "content-type") {
		return fmt.Errorf("%w: the response is not JSON: %v", ErrMalformed, err)
	}
	return fmt.Errorf("openai: %w", err)
}

// endpointFailure reports whether err says the endpoint is in trouble
// (it timed out, could not be reached, was overloaded or failed), which is
// what the breaker counts.
func endpointFailure(err error) bool {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Status == http.StatusTooManyRequests || se.Status >= 500 || se.Status == http.StatusRequestTimeout
	}
	return !errors.Is(err, ErrMalformed) && !errors.Is(err, context.Canceled)
}
