// Package channelsim plays the remote side of the five HTTP channels
// (Instagram Graph API, the Kakao partner API and KT's 우리동네TV, 지니TV and
// 링고비즈 partner APIs), and of NHN Cloud Notification's SMS and AlimTalk
// APIs for shared/messaging (nhn.go), in one http.Handler, so the distribution adapters
// can be tested end to end and the app can be run locally without partner
// accounts. It keeps state in memory: posts, idempotency keys, Instagram
// containers and the calls it saw. Naver (and Kakao without a partner
// API) use Blob share kits and need nothing here.
//
// Paths, relative to the server's root:
//
//	/instagram/v21.0/...  the Graph API (any vNN.N works)
//	/kakao/...            the Kakao partner API
//	/kt/uridongnetv/...   우리동네TV local ads
//	/kt/ginitv/...        지니TV IPTV ads
//	/kt/ringobiz/...      링고비즈 ringbacks
//	/sms/v3.0/...         NHN Cloud SMS (messaging)
//	/alimtalk/v2.3/...    NHN Cloud KakaoTalk Bizmessage AlimTalk (messaging)
//	/_sim/messages        the messages sent, and failures to inject (tests)
//
// docs/channels.md describes the contracts.
package channelsim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Channel names: the same values as the distribution package's constants
// (this package cannot import it, as distribution's tests import this one).
const (
	chInstagram   = "INSTAGRAM"
	chKakao       = "KAKAO"
	chUriDongneTV = "URIDONGNETV"
	chGiniTV      = "GINITV"
	chRingoBiz    = "RINGOBIZ"
)

// graphVersion is the Graph API version BaseURL puts in Instagram's URL.
const graphVersion = "v21.0"

// BaseURL is the adapter base URL of channel on a simulator served at root
// (an httptest server's URL, say): what CHANNEL_<NAME>_BASE_URL is set to.
// It is "" for a channel the simulator does not play (NAVER).
func BaseURL(root, channel string) string {
	root = strings.TrimRight(root, "/")
	switch channel {
	case chInstagram:
		return root + "/instagram/" + graphVersion
	case chKakao:
		return root + "/kakao"
	case chUriDongneTV, chGiniTV, chRingoBiz:
		return root + "/kt/" + strings.ToLower(channel)
	}
	return ""
}

// Options shape the simulated network.
type Options struct {
	// Each call waits a random time in [LatencyMin, LatencyMax] before it
	// is answered (less if the caller gives up first).
	LatencyMin, LatencyMax time.Duration
	// FailureRate is the probability that a call answers a transient 503.
	// Half of those failures happen after the call took effect (the answer
	// is lost, as with a timeout), which is what idempotency keys and
	// Instagram's resume are for.
	FailureRate float64
	// Seed makes latencies and failures reproducible; 0 picks one at random.
	Seed int64
}

// DefaultOptions are realistic for a local run: 300 ms to 1.2 s per call
// and one call in ten failing. They fit the distribution retry policy (6
// attempts, 1-2-4-8-16 s apart): even the worst case, Instagram's four
// calls per attempt all at the slowest over six attempts, is 6 × 4.8 s +
// 31 s of backoff = 59.8 s. In practice an Instagram attempt fails with
// p ≈ 1 - 0.9⁴ ≈ 0.34, so three attempts or fewer settle it 96% of the
// time, in about 15 s, and the one-call channels settle in a few seconds.
func DefaultOptions() Options {
	return Options{LatencyMin: 300 * time.Millisecond, LatencyMax: 1200 * time.Millisecond, FailureRate: 0.1}
}

// Call is one request a channel's side saw, answered or not.
type Call struct {
	Method, Path, IdempotencyKey string
	Status                       int       // 499 when the caller gave up during the latency
	At                           time.Time // wall-clock arrival
}

// Sim is the simulator. Its zero value is not usable; call New. It is safe
// for concurrent use.
type Sim struct {
	opts Options
	log  *slog.Logger // nil: calls are not logged

	mu      sync.Mutex
	rng     *rand.Rand
	offset  time.Duration // Advance: how far the sim's clock is ahead
	seq     int64
	chans   map[string]*channelState
	igQuota int
	ig      map[string]*igObject // containers and media by id
	igPosts []time.Time          // publish times, for the quota
	res     map[string]*resource // Kakao and KT posts by channel+"/"+id
	keys    map[string]string    // channel+"\x00"+idempotency key → id

	msgs     []Message       // NHN messages accepted or refused (nhn.go)
	msgFails []recipientFail // injected messaging failures
}

type channelState struct {
	calls []Call
	fails []failRule
	down  bool
	posts int
}

// failRule answers status to the next n calls whose path ends with suffix.
type failRule struct {
	suffix    string
	n, status int
}

// igObject is an Instagram container or media object.
type igObject struct {
	id, kind  string // "container" or "media"
	created   time.Time
	imageURL  string
	caption   string
	media     string // a container's media, once published
	permalink string // a media's
	factor    float64
}

// resource is a Kakao post, a KT ad or a ringback.
type resource struct {
	channel, id string
	scope       string // Kakao: the channel id it was posted on
	title       string
	imageURL    string
	created     time.Time
	factor      float64 // how well this post does, 0.8 to 1.2
	answer      any     // the create answer, replayed for a repeated key
}

// New returns a simulator with no posts.
func New(opts Options) *Sim {
	seed := uint64(opts.Seed)
	if seed == 0 {
		seed = rand.Uint64()
	}
	s := &Sim{opts: opts, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), chans: map[string]*channelState{},
		igQuota: 100, ig: map[string]*igObject{}, res: map[string]*resource{}, keys: map[string]string{}}
	for _, ch := range []string{chInstagram, chKakao, chUriDongneTV, chGiniTV, chRingoBiz} {
		s.chans[ch] = &channelState{}
	}
	return s
}

// FailNext makes the next n calls to channel answer status (503, 429,
// 400...) without taking effect; a status that is not an HTTP status
// means 503. Rules add up: each answers its own n calls, in order.
func (s *Sim) FailNext(channel string, n, status int) { s.FailNextOn(channel, "", n, status) }

// FailNextOn is FailNext for the calls whose path ends with suffix (say
// "/media_publish"); other calls are answered normally.
func (s *Sim) FailNextOn(channel, suffix string, n, status int) {
	if status < 100 || status > 599 {
		status = http.StatusServiceUnavailable
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.chans[channel]; c != nil && n > 0 {
		c.fails = append(c.fails, failRule{suffix: suffix, n: n, status: status})
	}
}

// SetDown makes every call to channel answer 503 while down is true.
func (s *Sim) SetDown(channel string, down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.chans[channel]; c != nil {
		c.down = down
	}
}

// SetInstagramQuota sets the account's publishing quota per 24 hours
// (default 100, the Graph API's).
func (s *Sim) SetInstagramQuota(total int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.igQuota = total
}

// Advance moves the simulator's clock forward: stats grow, containers
// expire and the publishing quota frees up as if d had passed.
func (s *Sim) Advance(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offset += d
}

// Calls returns every request channel's side saw, in the order answered.
func (s *Sim) Calls(channel string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.chans[channel]; c != nil {
		return slices.Clone(c.calls)
	}
	return nil
}

// Posts is how many distinct posts channel actually has: a repeated
// idempotency key or a re-published container does not add one.
func (s *Sim) Posts(channel string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.chans[channel]; c != nil {
		return c.posts
	}
	return 0
}

// reply is an answer, written once the call's fate is known.
type reply struct {
	status     int
	body       any    // JSON
	html       string // a page instead (KT previews)
	retryAfter int    // seconds, 0 for none
}

// ServeHTTP routes a call to its channel's side, after the latency and any
// injected failure.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	if nhnRoute(r.URL.Path) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		s.serveNHN(rec, r)
		if s.log != nil {
			s.log.Info("messaging call", "method", r.Method, "path", r.URL.Path, "status", rec.status,
				"latency", time.Since(start).Round(time.Millisecond).String())
		}
		return
	}
	channel, rest := route(r.URL.Path)
	if channel == "" {
		writeReply(w, reply{status: http.StatusNotFound, body: partnerErr("NOT_FOUND", "no simulated channel at "+r.URL.Path)})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		s.finish(channel, r, start, http.StatusBadRequest)
		writeReply(w, reply{status: http.StatusBadRequest, body: partnerErr("BAD_BODY", "reading the body: "+err.Error())})
		return
	}
	if err := s.wait(r.Context()); err != nil {
		s.finish(channel, r, start, 499)
		return
	}
	rep := s.answer(channel, rest, r, body)
	writeReply(w, rep)
	s.finish(channel, r, start, rep.status)
}

// statusRecorder remembers the status written, for the log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

// route splits a path into its channel and the path the channel's side sees.
func route(path string) (channel, rest string) {
	switch {
	case strings.HasPrefix(path, "/instagram/v"):
		after := strings.TrimPrefix(path, "/instagram/")
		_, rest, ok := strings.Cut(after, "/")
		if !ok {
			return "", ""
		}
		return chInstagram, "/" + rest
	case strings.HasPrefix(path, "/kakao/"):
		return chKakao, strings.TrimPrefix(path, "/kakao")
	case strings.HasPrefix(path, "/kt/uridongnetv/"):
		return chUriDongneTV, strings.TrimPrefix(path, "/kt/uridongnetv")
	case strings.HasPrefix(path, "/kt/ginitv/"):
		return chGiniTV, strings.TrimPrefix(path, "/kt/ginitv")
	case strings.HasPrefix(path, "/kt/ringobiz/"):
		return chRingoBiz, strings.TrimPrefix(path, "/kt/ringobiz")
	}
	return "", ""
}

// wait sleeps the call's latency, or less if ctx ends first.
func (s *Sim) wait(ctx context.Context) error {
	lo, hi := s.opts.LatencyMin, s.opts.LatencyMax
	if hi < lo {
		hi = lo
	}
	d := lo
	if hi > lo {
		s.mu.Lock()
		d += time.Duration(s.rng.Int64N(int64(hi-lo) + 1))
		s.mu.Unlock()
	}
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// answer decides the call under the lock: down, injected failure, random
// failure (before or after taking effect), or the channel's own answer.
func (s *Sim) answer(channel, rest string, r *http.Request, body []byte) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chans[channel]
	if c.down {
		return failure(channel, http.StatusServiceUnavailable)
	}
	for i := range c.fails {
		f := &c.fails[i]
		if f.n > 0 && strings.HasSuffix(rest, f.suffix) {
			status := f.status
			f.n--
			if f.n == 0 {
				c.fails = slices.Delete(c.fails, i, i+1)
			}
			return failure(channel, status)
		}
	}
	lost := false
	if s.opts.FailureRate > 0 && s.rng.Float64() < s.opts.FailureRate {
		if s.rng.IntN(2) == 0 {
			return failure(channel, http.StatusServiceUnavailable)
		}
		lost = true
	}
	var rep reply
	switch channel {
	case chInstagram:
		rep = s.instagram(rest, r, body)
	case chKakao:
		rep = s.kakao(rest, r, body)
	default:
		rep = s.kt(channel, rest, r, body)
	}
	if lost {
		return failure(channel, http.StatusServiceUnavailable)
	}
	return rep
}

// finish records the call and logs it.
func (s *Sim) finish(channel string, r *http.Request, start time.Time, status int) {
	s.mu.Lock()
	c := s.chans[channel]
	c.calls = append(c.calls, Call{Method: r.Method, Path: r.URL.Path, IdempotencyKey: r.Header.Get("Idempotency-Key"), Status: status, At: start})
	s.mu.Unlock()
	if s.log != nil {
		s.log.Info("channel call", "channel", channel, "method", r.Method, "path", r.URL.Path, "status", status,
			"latency", time.Since(start).Round(time.Millisecond).String(), "idempotencyKey", r.Header.Get("Idempotency-Key"))
	}
}

// failure is an injected error in the channel's own error shape.
func failure(channel string, status int) reply {
	rep := reply{status: status}
	if status == http.StatusTooManyRequests {
		rep.retryAfter = 1
	}
	if channel == chInstagram {
		code, typ, msg := 1, "OAuthException", "An unknown error occurred (simulated)"
		switch {
		case status == http.StatusBadRequest:
			code, msg = 100, "Invalid parameter (simulated)"
		case status == http.StatusUnauthorized || status == http.StatusForbidden:
			code, msg = 190, "Invalid OAuth access token (simulated)"
		case status == http.StatusTooManyRequests:
			code, msg = 4, "Application request limit reached (simulated)"
		case status >= 500:
			code, msg = 2, "Service temporarily unavailable (simulated)"
		}
		rep.body = graphErr(code, 0, typ, msg, status >= 500)
		return rep
	}
	code, msg := "ERROR", "simulated failure"
	switch {
	case status == http.StatusBadRequest:
		code, msg = "INVALID_REQUEST", "simulated bad request"
	case status == http.StatusUnauthorized:
		code, msg = "UNAUTHORIZED", "simulated: the API key was refused"
	case status == http.StatusForbidden:
		code, msg = "FORBIDDEN", "simulated: the key may not do this"
	case status == http.StatusNotFound:
		code, msg = "NOT_FOUND", "simulated: no such resource"
	case status == http.StatusConflict:
		code, msg = "CONFLICT", "simulated conflict"
	case status == http.StatusTooManyRequests:
		code, msg = "RATE_LIMITED", "simulated: too many requests, retry after 1 second"
	case status >= 500:
		code, msg = "UNAVAILABLE", "simulated: service temporarily unavailable"
	}
	rep.body = partnerErr(code, msg)
	return rep
}

func writeReply(w http.ResponseWriter, rep reply) {
	if rep.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(rep.retryAfter))
	}
	if rep.html != "" {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(rep.status)
		_, _ = io.WriteString(w, rep.html)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(rep.status)
	if rep.body != nil {
		_ = json.NewEncoder(w).Encode(rep.body)
	}
}

// partnerError is the Kakao and KT error shape.
type partnerError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func partnerErr(code, msg string) partnerError { return partnerError{Code: code, Message: msg} }

// now is the simulator's clock. Called with s.mu held.
func (s *Sim) now() time.Time { return time.Now().Add(s.offset) }

// nextID is a fresh number. Called with s.mu held.
func (s *Sim) nextID() int64 {
	s.seq++
	return s.seq
}

// postFactor spreads posts' performance over 0.8 to 1.2, stable per id.
func postFactor(id string) float64 {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	return 0.8 + float64(h.Sum32()%401)/1000
}

// growth is a figure perHour×hours early on that slows over days, as reach
// does once the nearby audience has seen a post: monotonic, 0 at creation.
func growth(created, now time.Time, perHour, factor float64) float64 {
	h := now.Sub(created).Hours()
	if h <= 0 {
		return 0
	}
	return perHour * factor * h / (1 + h/72)
}

// ListenAndServe serves a simulator on addr until ctx is cancelled, logging
// every call (channel, path, status, latency). It returns nil after a
// clean shutdown.
func ListenAndServe(ctx context.Context, addr string, opts Options, log *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("channelsim: listen on %s: %w", addr, err)
	}
	return serve(ctx, ln, opts, log)
}

// serve is ListenAndServe on a listener it owns.
func serve(ctx context.Context, ln net.Listener, opts Options, log *slog.Logger) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := New(opts)
	s.log = log
	root := "http://" + ln.Addr().String()
	log.Info("channel simulator listening", "addr", ln.Addr().String(),
		"latencyMin", opts.LatencyMin.String(), "latencyMax", opts.LatencyMax.String(), "failureRate", opts.FailureRate,
		"instagram", BaseURL(root, chInstagram), "kakao", BaseURL(root, chKakao), "uridongnetv", BaseURL(root, chUriDongneTV),
		"ginitv", BaseURL(root, chGiniTV), "ringobiz", BaseURL(root, chRingoBiz), "messaging", root)
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return ctx }} // cancelling ctx ends calls waiting out their latency
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("channelsim: serve: %w", err)
	case <-ctx.Done():
	}
	stop, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(stop); err != nil {
		return fmt.Errorf("channelsim: shutdown: %w", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("channelsim: serve: %w", err)
	}
	log.Info("channel simulator stopped")
	return nil
}
