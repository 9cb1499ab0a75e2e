package devhost

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/google/uuid"
)

// worker runs the custom handler as a child process, the way the Functions
// host does: a free FUNCTIONS_CUSTOMHANDLER_PORT, the app settings as
// environment, restarted when it dies, stopped with the host.
type worker struct {
	exe     string
	args    []string
	dir     string
	env     []string
	log     *slog.Logger
	startup time.Duration // how long to wait for the port (the host gives up after ~30 s)

	mu    sync.Mutex
	port  int
	ready chan struct{} // closed when the current process answers
	cmd   *exec.Cmd
	gen   int // process generation, to ignore stale exits
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// addr waits until the handler answers and returns its address. It fails
// when ctx ends first.
func (w *worker) addr(ctx context.Context) (string, error) {
	a, _, err := w.current(ctx)
	return a, err
}

// current is addr plus the process generation, which changes on restart.
func (w *worker) current(ctx context.Context) (string, int, error) {
	for {
		w.mu.Lock()
		ready, port, gen := w.ready, w.port, w.gen
		w.mu.Unlock()
		select {
		case <-ready:
			w.mu.Lock()
			same := w.ready == ready
			w.mu.Unlock()
			if same {
				return "127.0.0.1:" + strconv.Itoa(port), gen, nil
			}
		case <-ctx.Done():
			return "", 0, fmt.Errorf("the handler is not ready: %w", ctx.Err())
		}
	}
}

// after waits for a process newer than generation gen: a request that could
// not even connect is held until the restarted handler answers, as the host
// holds invocations while its worker restarts.
func (w *worker) after(ctx context.Context, gen int) (string, int, error) {
	for {
		a, g, err := w.current(ctx)
		if err != nil || g != gen {
			return a, g, err
		}
		select {
		case <-time.After(20 * time.Millisecond):
		case <-ctx.Done():
			return "", 0, fmt.Errorf("the handler did not come back: %w", ctx.Err())
		}
	}
}

// run keeps the handler running until ctx ends, then stops it (SIGTERM, then
// SIGKILL after grace). It returns an error only if the handler never came up.
func (w *worker) run(ctx context.Context, grace time.Duration) error {
	backoff := 500 * time.Millisecond
	first := true
	for {
		started := time.Now()
		exited, err := w.start(ctx)
		if err != nil {
			if first {
				return err
			}
			w.log.Error("devhost: cannot restart the handler", "error", err, "retryIn", backoff.String())
			select {
			case <-time.After(backoff):
			case <-ctx.Done():
				return nil
			}
			backoff = min(backoff*2, 10*time.Second)
			continue
		}
		first = false
		select {
		case <-ctx.Done():
			w.stop(exited, grace)
			return nil
		case err := <-exited:
			w.mu.Lock()
			w.ready = make(chan struct{}) // callers wait for the restart
			w.mu.Unlock()
			if time.Since(started) > 30*time.Second {
				backoff = 500 * time.Millisecond
			}
			w.log.Warn("devhost: the handler exited; restarting", "error", err, "in", backoff.String())
			select {
			case <-time.After(backoff):
			case <-ctx.Done():
				return nil
			}
			backoff = min(backoff*2, 10*time.Second)
		}
	}
}

// start launches one process and waits for its port.
func (w *worker) start(ctx context.Context) (<-chan error, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(w.exe, w.args...)
	cmd.Dir = w.dir
	cmd.Env = append(append([]string{}, w.env...),
		"FUNCTIONS_CUSTOMHANDLER_PORT="+strconv.Itoa(port),
		"FUNCTIONS_CUSTOMHANDLER_WORKER_ID="+uuid.NewString(),
		"FUNCTIONS_APP_ROOT_PATH="+w.dir,
	)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	// Its own process group: Ctrl-C reaches the host, which stops the child itself.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("devhost: start %s: %w", w.exe, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	w.log.Info("devhost: handler started", "pid", cmd.Process.Pid, "port", port)

	deadline := time.Now().Add(w.startup)
	for {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), 100*time.Millisecond)
		if err == nil {
			c.Close()
			break
		}
		select {
		case err := <-exited:
			return nil, fmt.Errorf("devhost: the handler exited before listening: %v", err)
		case <-ctx.Done():
			_ = cmd.Process.Kill()
			return exited, nil
		default:
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			return nil, fmt.Errorf("devhost: the handler did not listen on port %d within %s", port, w.startup)
		}
		time.Sleep(20 * time.Millisecond)
	}
	w.mu.Lock()
	w.port, w.cmd = port, cmd
	w.gen++
	close(w.ready)
	w.mu.Unlock()
	return exited, nil
}

func (w *worker) stop(exited <-chan error, grace time.Duration) {
	w.mu.Lock()
	cmd := w.cmd
	w.mu.Unlock()
	if cmd == nil || exited == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(grace):
		_ = cmd.Process.Kill()
		<-exited
	}
	w.log.Info("devhost: handler stopped")
}

// pid returns the running handler's pid (for tests that kill it).
func (w *worker) pid() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.cmd == nil || w.cmd.Process == nil {
		return 0
	}
	return w.cmd.Process.Pid
}
