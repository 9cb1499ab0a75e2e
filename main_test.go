package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/eventmkt/backend/shared/config"
	"github.com/eventmkt/backend/shared/testenv"
)

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// With Postgres and Redis unreachable the handler still listens within a
// second (the host gives up otherwise) and Health says what is down.
func TestServeStartsFastWithDependenciesDown(t *testing.T) {
	values, err := config.ReadLocalSettings("local.settings.json.example")
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range values {
		t.Setenv(k, v)
	}
	dead := freePort(t)
	t.Setenv("POSTGRES_URL", "postgres://postgres@127.0.0.1:"+strconv.Itoa(dead)+"/eventmkt?sslmode=disable&connect_timeout=1")
	t.Setenv("REDIS_URL", "redis://127.0.0.1:"+strconv.Itoa(dead)+"/0")
	port := freePort(t)
	t.Setenv("FUNCTIONS_CUSTOMHANDLER_PORT", strconv.Itoa(port))

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	out := &testenv.Buffer{}
	start := time.Now()
	go func() { done <- run(ctx, nil, out, out) }()

	addr := "127.0.0.1:" + strconv.Itoa(port)
	for {
		c, err := net.DialTimeout("tcp", addr, 50*time.Millisecond)
		if err == nil {
			c.Close()
			break
		}
		if time.Since(start) > time.Second {
			t.Fatalf("not listening after 1 s: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	resp, err := http.Get("http://" + addr + "/api/v1/health")
	if err != nil {
		t.Fatal(err)
	}
	var report struct {
		Checks map[string]struct{ Status string }
	}
	_ = json.NewDecoder(resp.Body).Decode(&report)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || report.Checks["postgres"].Status != "down" || report.Checks["redis"].Status != "down" {
		t.Errorf("health with dependencies down: %d %+v", resp.StatusCode, report)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("shutdown: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("did not stop within 5 s")
	}
}

// A missing setting stops start-up with a message naming it.
func TestServeRefusesBadSettings(t *testing.T) {
	t.Setenv("FUNCTIONS_CUSTOMHANDLER_PORT", strconv.Itoa(freePort(t)))
	t.Setenv("POSTGRES_URL", "")
	t.Setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
	t.Setenv("QUEUE_BROKER", "redis")
	t.Setenv("STORAGE_CONNECTION_STRING", "")
	t.Setenv("STORAGE_ACCOUNT_NAME", "acct")
	err := run(context.Background(), nil, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "POSTGRES_URL") {
		t.Errorf("got %v, want an error naming POSTGRES_URL", err)
	}
	t.Setenv("FUNCTIONS_CUSTOMHANDLER_PORT", "")
	if err := run(context.Background(), nil, &bytes.Buffer{}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "FUNCTIONS_CUSTOMHANDLER_PORT") {
		t.Errorf("got %v, want an error naming FUNCTIONS_CUSTOMHANDLER_PORT", err)
	}
}

func TestUnknownCommand(t *testing.T) {
	var stderr bytes.Buffer
	if err := run(context.Background(), []string{"frobnicate"}, &bytes.Buffer{}, &stderr); err == nil || !strings.Contains(stderr.String(), "usage") {
		t.Errorf("got %v / %q", err, stderr.String())
	}
}
