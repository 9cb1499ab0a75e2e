package handlers

import (
	"net/http/httptest"
	"testing"
)

func TestClientIP(t *testing.T) {
	t.Parallel()
	tests := []struct {
		xff, remote string
		hops        int
		want        string
	}{
		{"", "192.0.2.1:5555", 0, "192.0.2.1"},
		{"203.0.113.7:51432", "127.0.0.1:1", 0, "203.0.113.7"},
		{"198.51.100.1, 203.0.113.7", "127.0.0.1:1", 0, "203.0.113.7"},
		{"198.51.100.1, [2001:db8::1]:443", "127.0.0.1:1", 0, "2001:db8::1"},
		{"2001:db8::2", "127.0.0.1:1", 0, "2001:db8::2"},
		{" , ", "192.0.2.9:1", 0, "192.0.2.9"},
		// Behind Front Door: a forged first entry, the customer, Front Door.
		{"10.9.9.9, 203.0.113.7:51432, 147.243.1.1:1024", "127.0.0.1:1", 1, "203.0.113.7"},
		{"203.0.113.7", "192.0.2.9:1", 1, "192.0.2.9"}, // too few entries: the peer
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tt.remote
		if tt.xff != "" {
			r.Header.Set("X-Forwarded-For", tt.xff)
		}
		if got := clientIP(r, tt.hops); got != tt.want {
			t.Errorf("xff %q remote %q hops %d: got %q, want %q", tt.xff, tt.remote, tt.hops, got, tt.want)
		}
	}
}
