package channelsim

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/eventmkt/backend/shared/testenv"
)

// The simulator serves and logs calls until its context ends, then stops
// cleanly.
func TestServe(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var logs testenv.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, Options{}, slog.New(slog.NewTextHandler(&logs, nil))) }()
	resp, err := http.Get(BaseURL("http://"+ln.Addr().String(), chKakao) + "/v1/channels/c/posts/p/stats")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("status %d, want 401 (no key)", resp.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
	for _, want := range []string{"channel simulator listening", "/instagram/v21.0", "channel=KAKAO", "status=401", "latency=", "channel simulator stopped"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %q:\n%s", want, logs.String())
		}
	}
}
