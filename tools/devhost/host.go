package devhost

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/google/uuid"
	goredis "github.com/redis/go-redis/v9"

	"github.com/eventmkt/backend/shared/queue"
)

// Options configure a Host.
type Options struct {
	Root        string   // script root: host.json and functions/
	Handler     string   // executable; empty means host.json's defaultExecutablePath in Root
	HandlerArgs []string // arguments for it
	Addr        string   // HTTP listen address, e.g. 127.0.0.1:7071
	// Env is the handler's environment: the app settings (local.settings.json
	// Values) with the process environment laid over them.
	Env []string

	Redis       goredis.UniversalClient // the local broker
	QueuePrefix string                  // its key prefix (queue.LocalPrefix in the app)

	// Queues are the queues' settings (infra/queues.json, the table the
	// Bicep creates them from): max delivery count, lock duration, TTL and
	// dead-lettering on expiry per queue. A function triggered by a queue
	// not in it is refused, as Azure would find no such queue.
	Queues         queue.Table
	FunctionKeys   []string      // valid for authLevel function; none and no master key: no key needed
	MasterKey      string        // valid everywhere, required for admin
	StartupTimeout time.Duration // wait this long for the handler's port (30 s)
	ShutdownGrace  time.Duration // SIGTERM to SIGKILL (3 s)
	Log            *slog.Logger

	// WebDir is the built web app served beside the API (web.go); empty
	// means dist/web under Root. ImageOrigin is the poster storage's
	// origin for the pages' Content-Security-Policy (see ImageOrigin).
	WebDir      string
	ImageOrigin string
}

// Host runs an app locally.
type Host struct {
	opt    Options
	app    *App
	log    *slog.Logger
	worker *worker
	broker *queue.RedisStreams
	client *http.Client
	router *router // the HTTP functions' ServeMux patterns
	web    *webApp

	consumerName string
	timerLocks   map[string]*sync.Mutex
	inflight     sync.Map // stream entry id -> struct{}
	wg           sync.WaitGroup

	mu        sync.Mutex
	listening net.Addr
}

// New loads the script root and prepares the host.
func New(opt Options) (*Host, error) {
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	if opt.StartupTimeout <= 0 {
		opt.StartupTimeout = 30 * time.Second
	}
	if opt.ShutdownGrace <= 0 {
		opt.ShutdownGrace = 3 * time.Second
	}
	app, err := Load(opt.Root)
	if err != nil {
		return nil, err
	}
	exe := opt.Handler
	if exe == "" {
		exe = filepath.Join(opt.Root, app.Host.Executable)
	}
	root, _ := filepath.Abs(opt.Root)
	if opt.WebDir == "" {
		opt.WebDir = filepath.Join(root, "dist", "web")
	}
	h := &Host{
		opt:          opt,
		app:          app,
		log:          opt.Log,
		worker:       &worker{exe: exe, args: opt.HandlerArgs, dir: root, env: opt.Env, log: opt.Log, startup: opt.StartupTimeout, ready: make(chan struct{})},
		client:       &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}},
		consumerName: "devhost-" + uuid.NewString()[:8],
		timerLocks:   map[string]*sync.Mutex{},
		web:          &webApp{dir: opt.WebDir, imgOrigin: opt.ImageOrigin},
	}
	if opt.Redis != nil {
		h.broker = queue.NewRedisStreams(opt.Redis, opt.QueuePrefix).WithTable(opt.Queues)
	}
	for _, fn := range app.Functions {
		switch fn.Kind {
		case KindTimer:
			h.timerLocks[fn.Name] = &sync.Mutex{}
		case KindQueue:
			if h.broker == nil {
				return nil, fmt.Errorf("devhost: %s needs the local broker (Redis)", fn.Name)
			}
			if _, ok := opt.Queues[fn.Queue]; !ok {
				return nil, fmt.Errorf("devhost: %s triggers on queue %q, which is not in the queue table (infra/queues.json)", fn.Name, fn.Queue)
			}
		}
	}
	if h.router, err = newRouter(app.Functions); err != nil {
		return nil, err
	}
	return h, nil
}

// App returns the loaded script root.
func (h *Host) App() *App { return h.app }

// Addr returns the HTTP address once listening.
func (h *Host) Addr() net.Addr {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.listening
}

// HandlerPID is the running handler's process id (tests kill it).
func (h *Host) HandlerPID() int { return h.worker.pid() }

// Run serves until ctx ends, then stops everything: new HTTP requests are
// refused, in-flight queue messages are abandoned (they return to the queue
// with DeliveryCount+1), and the handler gets SIGTERM.
func (h *Host) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", h.opt.Addr)
	if err != nil {
		return fmt.Errorf("devhost: listen %s: %w", h.opt.Addr, err)
	}
	h.mu.Lock()
	h.listening = ln.Addr()
	h.mu.Unlock()

	workerCtx, stopWorker := context.WithCancel(context.WithoutCancel(ctx))
	workerDone := make(chan error, 1)
	go func() { workerDone <- h.worker.run(workerCtx, h.opt.ShutdownGrace) }()

	// Wait for the handler's port, or for the worker to give up on it.
	readyCtx, cancelReady := context.WithCancel(ctx)
	ready := make(chan error, 1)
	go func() { _, err := h.worker.addr(readyCtx); ready <- err }()
	select {
	case err := <-workerDone:
		cancelReady()
		ln.Close()
		stopWorker()
		if err == nil {
			err = ctx.Err()
		}
		return err
	case err := <-ready:
		cancelReady()
		if err != nil { // ctx ended while starting
			ln.Close()
			stopWorker()
			<-workerDone
			return nil
		}
	}
	defer func() { stopWorker(); <-workerDone }()
	h.announce()

	srv := &http.Server{Handler: h.httpHandler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			h.log.Error("devhost: http server", "error", err)
		}
	}()
	for _, fn := range h.app.Functions {
		switch fn.Kind {
		case KindTimer:
			h.wg.Add(1)
			go func() { defer h.wg.Done(); h.runTimer(ctx, fn) }()
		case KindQueue:
			h.wg.Add(1)
			go func() { defer h.wg.Done(); h.consume(ctx, fn) }()
		}
	}
	<-ctx.Done()
	h.log.Info("devhost: stopping")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	_ = srv.Shutdown(shutdownCtx)
	cancel()
	h.wg.Wait() // queue consumers abandon what they hold
	return nil
}

func (h *Host) announce() {
	keys := "none configured: no key is required (as with Core Tools)"
	if h.keysConfigured() {
		keys = "function keys and master key required by authLevel"
	}
	h.log.Info("devhost: ready", "addr", h.Addr().String(), "functions", len(h.app.Functions), "keys", keys)
	if h.web.missing() {
		h.log.Warn("devhost: the web app is not built: run `make web`; its pages answer 503 until then", "dir", h.web.dir)
	} else {
		h.log.Info("devhost: web app", "dir", h.web.dir, "entry", "http://"+h.Addr().String()+"/e/{eventId}", "results", "http://"+h.Addr().String()+"/e/{eventId}/result")
	}
	for _, fn := range h.app.Functions {
		switch fn.Kind {
		case KindHTTP:
			h.log.Info("devhost: function", "name", fn.Name, "trigger", "http", "methods", fn.Methods, "url", "http://"+h.Addr().String()+fn.Route.Template, "authLevel", fn.AuthLevel)
		case KindTimer:
			h.log.Info("devhost: function", "name", fn.Name, "trigger", "timer", "schedule", fn.Spec)
		case KindQueue:
			h.log.Info("devhost: function", "name", fn.Name, "trigger", "serviceBus", "queue", fn.Queue)
		}
	}
}

// invokeResult is what a non-HTTP invocation returned.
type invokeResult struct {
	Status int
	Logs   []string // nil when the invocation failed, as Azure reads none then
}

// invoke posts an invocation body to the handler at /<Function>, as the
// host does for non-forwarded triggers. While the handler restarts the
// invocation waits for it, as Azure's host holds invocations while its worker
// restarts; functionTimeout runs only from when a handler takes the request,
// so a slow restart cannot use up a message's deliveries without the handler
// ever seeing them.
func (h *Host) invoke(ctx context.Context, fn *Function, body any) (invokeResult, error) {
	addr, gen, err := h.worker.current(ctx)
	if err != nil {
		return invokeResult{}, err
	}
	data, err := json.Marshal(body)
	if err != nil {
		return invokeResult{}, err
	}
	id := uuid.NewString()
	start := time.Now()
	var resp *http.Response
	for {
		callCtx, cancel := context.WithTimeout(ctx, h.app.Host.FunctionTimeout)
		defer cancel()
		req, err := http.NewRequestWithContext(callCtx, http.MethodPost, "http://"+addr+"/"+fn.Name, bytes.NewReader(data))
		if err != nil {
			return invokeResult{}, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Azure-Functions-InvocationId", id)
		req.Header.Set("X-Azure-Functions-HostVersion", "4.x")
		req.Header.Set("User-Agent", "Azure-Functions-Host/4.x (devhost)")
		resp, err = h.client.Do(req)
		if err == nil {
			break
		}
		// Refused: the invocation never reached a handler (it died and is
		// being restarted), so it is safe to wait for the new one and retry.
		if errors.Is(err, syscall.ECONNREFUSED) && ctx.Err() == nil {
			if addr, gen, err = h.worker.after(ctx, gen); err == nil {
				continue
			}
		}
		h.log.Warn("devhost: executed", "function", fn.Name, "invocationId", id, "result", "Failed", "error", err.Error(), "durationMs", time.Since(start).Milliseconds())
		return invokeResult{}, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var reply struct {
		Logs []string `json:"Logs"`
	}
	_ = json.Unmarshal(raw, &reply)
	result := "Succeeded"
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		result = "Failed"
	}
	if result == "Succeeded" {
		for _, l := range reply.Logs {
			h.log.Info("devhost: function log", "function", fn.Name, "invocationId", id, "line", l)
		}
	} else if len(reply.Logs) > 0 {
		// Azure's host reads the answer (Outputs, Logs) only after checking
		// the status, so a failed invocation's Logs never reach Application
		// Insights. Drop them here too, so a handler that relies on them for
		// its failures shows it locally; their count says something was lost.
		h.log.Warn("devhost: function logs dropped", "function", fn.Name, "invocationId", id, "status", resp.StatusCode, "lines", len(reply.Logs),
			"why", "Azure drops the Logs of a failed invocation; log failures to stdout")
	}
	h.log.Info("devhost: executed", "function", fn.Name, "invocationId", id, "result", result, "status", resp.StatusCode, "durationMs", time.Since(start).Milliseconds())
	if result != "Succeeded" {
		reply.Logs = nil
	}
	return invokeResult{Status: resp.StatusCode, Logs: reply.Logs}, nil
}
