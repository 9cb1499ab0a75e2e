package handlers

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/eventmkt/backend/shared/participation"
	"github.com/eventmkt/backend/shared/postgres"
	"github.com/eventmkt/backend/shared/testenv"
)

// smallBuffers keeps the server's socket send buffers small, so a client
// that stops reading blocks the server's writes within kilobytes.
type smallBuffers struct{ net.Listener }

func (l smallBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(4096)
	}
	return c, err
}

// stalledExport asks for the export on a connection with a small receive
// buffer, reads the status line and a few bytes, and then stops reading.
// It returns the status.
func stalledExport(t *testing.T, addr, path, token string) (net.Conn, int) {
	t.Helper()
	d := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		return c.Control(func(fd uintptr) { _ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
	}}
	conn, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n", path, token)
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReaderSize(conn, 64)
	line, err := r.ReadString('\n')
	if err != nil {
		t.Fatalf("status line: %v", err)
	}
	var status int
	fmt.Sscanf(line, "HTTP/1.1 %d", &status)
	_, _ = r.Peek(32) // a few bytes, then nothing more
	return conn, status
}

// An owner's CSV export does not hold a database connection while a slow
// client downloads it: two stalled downloads on a pool of two leave the
// pool free for everyone else, exports beyond the owner's cap are refused
// with 429 EXPORT_001 and Retry-After, and a stalled download is cut after
// the write timeout, freeing its slot.
func TestSlowExportReadersStarveNoOne(t *testing.T) {
	t.Parallel()
	db, err := postgres.Open(context.Background(), testenv.PostgresURL(t), 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	f := newServerOpts(t, fixtureOpts{users: testUserConfig(), db: db, parts: func(c *participation.Config) {
		c.ExportsPerOwner, c.ExportWriteTimeout = 1, time.Second
	}})
	acct, id := liveEvent(t, f, "export@example.com", "010-3000-0172")
	if _, err := f.db.Exec(context.Background(), `INSERT INTO participation.participants (participant_id, event_id, name, phone_number, agree_privacy)
		SELECT '20261126-' || lpad(i::text, 6, '0'), $1, '참가자' || i, '0107' || lpad(i::text, 7, '0'), true FROM generate_series(1, 5000) i`, id); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(f.srv)
	ts.Listener = smallBuffers{ts.Listener}
	ts.Start()
	t.Cleanup(ts.Close)
	path := "/api/v1/events/" + id + "/participants/export"

	_, first := stalledExport(t, ts.Listener.Addr().String(), path, acct.access)
	if first != 200 {
		t.Fatalf("first export: %d", first)
	}
	second, status := stalledExport(t, ts.Listener.Addr().String(), path, acct.access)

	// The pool is free for other requests while both downloads stall.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/api/v1/events/"+id+"/participants?size=5", nil)
	req.Header.Set("Authorization", "Bearer "+acct.access)
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("another request during two stalled exports: %v after %s (the exports hold the pool)", err, time.Since(start).Round(time.Millisecond))
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("another request during two stalled exports: %d", resp.StatusCode)
	}

	// The second export is over the owner's cap of one.
	if status != 429 {
		t.Fatalf("second concurrent export: %d, want 429 %s", status, participation.CodeExportBusy)
	}
	buf := make([]byte, 2048)
	_ = second.SetReadDeadline(time.Now().Add(2 * time.Second))
	n, _ := io.ReadAtLeast(second, buf, 1)
	if head := string(buf[:n]); !strings.Contains(head, "Retry-After:") || !strings.Contains(head, participation.CodeExportBusy) {
		t.Errorf("429 without Retry-After or code: %s", head)
	}

	// The stalled download is cut after the write timeout; its slot is free
	// again and a normal client gets every row.
	var body string
	deadline := time.Now().Add(10 * time.Second)
	for {
		req, _ := http.NewRequest("GET", ts.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+acct.access)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == 200 {
			body = string(b)
			break
		}
		if resp.StatusCode != 429 || time.Now().After(deadline) {
			t.Fatalf("export after the stall: %d %s", resp.StatusCode, b)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if rows := strings.Count(body, "\n"); rows != 5001 {
		t.Errorf("export rows: %d lines, want 5001", rows)
	}
}
