package distribution

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	neturl "net/url"
	"strconv"
	"strings"
	"time"
)

// Channel names (the event's channels), in display order.
const (
	UriDongneTV = "URIDONGNETV"
	RingoBiz    = "RINGOBIZ"
	GiniTV      = "GINITV"
	Instagram   = "INSTAGRAM"
	Naver       = "NAVER"
	Kakao       = "KAKAO"
)

// Channels lists every channel the platform publishes to.
var Channels = []string{UriDongneTV, RingoBiz, GiniTV, Instagram, Naver, Kakao}

// Post is what a channel publishes: the event's copy, poster and landing
// page, plus the owner's per-channel settings (radius, time slot, phone...).
type Post struct {
	// DistributionID is stable across retries of one channel of one event:
	// it is the idempotency key sent to remotes that honour one.
	DistributionID string
	EventID        string
	Channel        string
	EventName      string
	Description    string
	Prize          string
	StartDate      string // YYYY-MM-DD
	EndDate        string
	ImageURL       string
	StoreName      string
	StoreAddress   string
	StorePhone     string
	ParticipateURL string
	Settings       json.RawMessage // the owner's channel settings, {} when none
	// Resume is what an earlier, interrupted attempt left (for example an
	// Instagram media container already created), so a retry continues
	// instead of creating a second one. Empty on the first attempt.
	Resume string
	// Checkpoint, when set, records progress the moment a remote step
	// answers (Instagram's container id, then its media id), before the
	// next step is tried: a call killed between steps (the host's timeout,
	// a crash) then leaves what the next attempt needs to resume instead of
	// posting again. It must not depend on the call's context.
	Checkpoint func(state string)
}

// checkpoint records state through p.Checkpoint, if any.
func (p Post) checkpoint(state string) {
	if p.Checkpoint != nil {
		p.Checkpoint(state)
	}
}

// Result is a successful post.
type Result struct {
	PostID         string // the remote's id (media id, ad id, ringback id, kit path)
	PostURL        string // where the owner (or anyone) can see it
	EstimatedViews int
}

// Metrics are what a channel reports about a live post; zero where the
// channel has no such figure.
type Metrics struct {
	Impressions     int64
	Views           int64
	Clicks          int64
	Likes           int64
	Comments        int64
	Shares          int64
	TotalCalls      int64
	CompletedCalls  int64
	AverageDuration float64 // seconds per call
}

// Adapter publishes to one channel. Implementations are plain HTTP clients
// (or Blob writes for share kits) and must be safe for concurrent use.
type Adapter interface {
	Channel() string
	// Publish posts p. Errors are *CallError (Transient or not), or a
	// *ResumeError carrying progress to keep for the next attempt.
	Publish(ctx context.Context, p Post) (Result, error)
	// Metrics reads the figures of a post published earlier.
	Metrics(ctx context.Context, postID string) (Metrics, error)
}

// CallError is a failed call to a channel. Transient failures (timeouts,
// 5xx, 429, connection errors) are retried later; the others (4xx, bad
// settings) fail the channel at once with the reason.
type CallError struct {
	Channel    string
	Status     int // HTTP status, 0 when the call did not get an answer
	Transient  bool
	Message    string
	RetryAfter time.Duration // the remote's Retry-After, 0 when none
}

func (e *CallError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("%s: HTTP %d: %s", e.Channel, e.Status, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.Channel, e.Message)
}

// Permanent is a non-retryable failure (bad settings, a refused request).
func Permanent(channel, format string, args ...any) *CallError {
	return &CallError{Channel: channel, Message: fmt.Sprintf(format, args...)}
}

// ResumeError is a failure after partial progress: State is kept and handed
// back as Post.Resume on the next attempt.
type ResumeError struct {
	State string
	Err   error
}

func (e *ResumeError) Error() string { return e.Err.Error() }
func (e *ResumeError) Unwrap() error { return e.Err }

// IsTransient reports whether err is worth retrying: a transient
// *CallError, or anything that is not a *CallError at all (an unexpected
// failure is retried until the attempts run out).
func IsTransient(err error) bool {
	var ce *CallError
	if errors.As(err, &ce) {
		return ce.Transient
	}
	return true
}

// maxErrorBody bounds how much of a remote's error body is kept.
const maxErrorBody = 300

// doJSON sends a JSON request and decodes a JSON answer into out (when not
// nil), classifying failures as CallErrors. Every adapter's HTTP goes here.
func doJSON(ctx context.Context, client *http.Client, channel, method, url string, header http.Header, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return Permanent(channel, "encode request: %v", err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return Permanent(channel, "bad request URL: %v", err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return doRequest(ctx, client, channel, req, out)
}

// doForm POSTs form-encoded fields (the Instagram Graph API's native form)
// and decodes a JSON answer into out (when not nil), classifying failures
// exactly as doJSON does.
func doForm(ctx context.Context, client *http.Client, channel, url string, header http.Header, form neturl.Values, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(form.Encode()))
	if err != nil {
		return Permanent(channel, "bad request URL: %v", err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return doRequest(ctx, client, channel, req, out)
}

// doRequest runs req and decodes a JSON answer into out, turning every failure
// into a *CallError (or ctx's own error when we cancelled).
func doRequest(ctx context.Context, client *http.Client, channel string, req *http.Request, out any) error {
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return ctx.Err() // our own cancellation, not the remote's fault
		}
		return &CallError{Channel: channel, Transient: true, Message: "no answer: " + err.Error()}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return &CallError{Channel: channel, Status: resp.StatusCode, Transient: true, Message: "reading the answer: " + err.Error()}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		msg := strings.TrimSpace(string(data))
		if len(msg) > maxErrorBody {
			msg = msg[:maxErrorBody] + "..."
		}
		ce := &CallError{Channel: channel, Status: resp.StatusCode, Message: msg,
			Transient: resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 || resp.StatusCode == http.StatusRequestTimeout}
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
			ce.RetryAfter = time.Duration(s) * time.Second
		}
		return ce
	}
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			// A 2xx we cannot read: the post may exist, so retrying is
			// safe only where the remote deduplicates; treat it as
			// transient and let the idempotency key settle it.
			return &CallError{Channel: channel, Status: resp.StatusCode, Transient: true, Message: "unreadable answer: " + err.Error()}
		}
	}
	return nil
}
