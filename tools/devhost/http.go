package devhost

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/klauspost/compress/gzhttp"
)

type addrKey struct{}

// httpHandler serves the admin API, the HTTP functions and, outside the
// route prefix, the web app (web.go).
func (h *Host) httpHandler() http.Handler {
	proxy := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.Out.URL.Scheme = "http"
			pr.Out.URL.Host = pr.In.Context().Value(addrKey{}).(string)
			pr.Out.Host = pr.In.Host
			// Azure's front end appends the caller (ip:port) to X-Forwarded-For.
			prior := strings.Join(pr.In.Header.Values("X-Forwarded-For"), ", ")
			xff := pr.In.RemoteAddr
			if prior != "" {
				xff = prior + ", " + xff
			}
			pr.Out.Header.Set("X-Forwarded-For", xff)
			pr.Out.Header.Set("X-Azure-Functions-InvocationId", uuid.NewString())
		},
		FlushInterval: -1, // stream responses (CSV exports) as they come
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			h.log.Warn("devhost: forwarding failed", "path", r.URL.Path, "error", err)
			w.WriteHeader(http.StatusInternalServerError)
		},
	}
	// Front Door compresses the static site's text files; so does the
	// devhost, so a page measured on :7071 weighs what a customer downloads.
	web := gzhttp.GzipHandler(h.web)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /admin/functions/{name}", h.adminInvoke)
	mux.HandleFunc("GET /admin/queues", h.adminQueues)
	mux.HandleFunc("POST /admin/queues/{queue}/deadletters/requeue", h.adminRequeue)
	mux.HandleFunc("/admin/", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fn, params, status := h.router.match(r.Method, r.URL)
		if fn == nil {
			// Functions win: only what is outside the route prefix and
			// matched no function is the web app's.
			if status == http.StatusNotFound && !h.underRoutePrefix(r.URL.Path) {
				web.ServeHTTP(w, r)
				return
			}
			w.WriteHeader(status)
			return
		}
		if !h.authorized(r, fn.AuthLevel) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), h.app.Host.FunctionTimeout)
		defer cancel()
		addr, err := h.worker.addr(ctx)
		if err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		start := time.Now()
		rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		proxy.ServeHTTP(rec, r.WithContext(context.WithValue(ctx, addrKey{}, addr)))
		h.log.Info("devhost: executed", "function", fn.Name, "method", r.Method, "path", r.URL.Path, "params", params, "status", rec.status, "durationMs", time.Since(start).Milliseconds())
	})
	return mux
}

// underRoutePrefix says whether a path is in the functions' space
// (/api/v1/... with our host.json): there an unknown path stays a bare 404,
// as on Azure.
func (h *Host) underRoutePrefix(p string) bool {
	prefix := h.app.Host.RoutePrefix
	return prefix != "" && (p == "/"+prefix || strings.HasPrefix(p, "/"+prefix+"/"))
}

// MatchPath returns the function that would serve method and path, or the
// status the host would answer (404 or 405).
func (h *Host) MatchPath(method, path string) (string, int) {
	u, err := url.Parse(path)
	if err != nil {
		return "", http.StatusNotFound
	}
	fn, _, status := h.router.match(method, u)
	if fn == nil {
		return "", status
	}
	return fn.Name, http.StatusOK
}

func (h *Host) keysConfigured() bool { return h.opt.MasterKey != "" || len(h.opt.FunctionKeys) > 0 }

// authorized applies authLevel: anonymous is open; function takes a
// function key or the master key; admin the master key only. The key comes
// in x-functions-key or ?code=. With no keys configured nothing is required.
func (h *Host) authorized(r *http.Request, level string) bool {
	if level == "anonymous" || !h.keysConfigured() {
		return true
	}
	key := r.Header.Get("x-functions-key")
	if key == "" {
		key = r.URL.Query().Get("code")
	}
	if key == "" {
		return false
	}
	eq := func(a, b string) bool { return b != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
	if eq(key, h.opt.MasterKey) {
		return true
	}
	if level == "admin" {
		return false
	}
	for _, k := range h.opt.FunctionKeys {
		if eq(key, k) {
			return true
		}
	}
	return false
}

// adminInvoke fires a timer or queue function now, as Azure's
// POST /admin/functions/{name} does: a timer runs with IsPastDue false; a
// queue function gets {"input": "..."} as a new message on its queue.
func (h *Host) adminInvoke(w http.ResponseWriter, r *http.Request) {
	if !h.authorized(r, "admin") {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	fn, ok := h.app.Function(r.PathValue("name"))
	if !ok || fn.Kind == KindHTTP {
		writeJSONStatus(w, http.StatusNotFound, map[string]string{"error": "no timer or queue function named " + r.PathValue("name")})
		return
	}
	var body struct {
		Input string `json:"input"`
	}
	if r.ContentLength != 0 {
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&body); err != nil {
			writeJSONStatus(w, http.StatusBadRequest, map[string]string{"error": "body must be {\"input\": \"...\"}"})
			return
		}
	}
	switch fn.Kind {
	case KindTimer:
		h.wg.Add(1)
		go func() {
			defer h.wg.Done()
			h.fireTimer(context.WithoutCancel(r.Context()), fn, nil, false)
		}()
	case KindQueue:
		input := body.Input
		if input == "" {
			input = "{}"
		}
		if !json.Valid([]byte(input)) {
			b, _ := json.Marshal(input) // a plain string body
			input = string(b)
		}
		if err := h.broker.Publish(r.Context(), queueMessage(fn.Queue, input)); err != nil {
			writeJSONStatus(w, http.StatusServiceUnavailable, map[string]string{"error": err.Error()})
			return
		}
	}
	w.WriteHeader(http.StatusAccepted)
}

type queueStatus struct {
	Queue      string `json:"queue"`
	Function   string `json:"function"`
	Active     int64  `json:"active"`
	Locked     int64  `json:"locked"`
	Scheduled  int64  `json:"scheduled"`
	DeadLetter int64  `json:"deadLetter"`
}

func (h *Host) adminQueues(w http.ResponseWriter, r *http.Request) {
	if !h.authorized(r, "admin") {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	out := []queueStatus{}
	for _, fn := range h.app.Functions {
		if fn.Kind != KindQueue {
			continue
		}
		st, err := h.queueStatus(r.Context(), fn)
		if err != nil {
			writeJSONStatus(w, http.StatusServiceUnavailable, map[string]string{"error": err.Error()})
			return
		}
		out = append(out, st)
	}
	writeJSONStatus(w, http.StatusOK, out)
}

func (h *Host) adminRequeue(w http.ResponseWriter, r *http.Request) {
	if !h.authorized(r, "admin") {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	name := r.PathValue("queue")
	for _, fn := range h.app.Functions {
		if fn.Kind == KindQueue && fn.Queue == name {
			n, err := h.requeueDeadLetters(r.Context(), fn)
			if err != nil {
				writeJSONStatus(w, http.StatusServiceUnavailable, map[string]string{"error": err.Error()})
				return
			}
			writeJSONStatus(w, http.StatusOK, map[string]any{"queue": name, "requeued": n})
			return
		}
	}
	writeJSONStatus(w, http.StatusNotFound, map[string]string{"error": "no queue " + name})
}

func writeJSONStatus(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) { s.status = code; s.ResponseWriter.WriteHeader(code) }
func (s *statusWriter) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
