package devhost

import (
	"bytes"
	"compress/gzip"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const testImageOrigin = "http://127.0.0.1:10000"

// writeWebBuild lays out a build like `make web` writes, plus a secret
// beside it that no request may reach.
func writeWebBuild(t *testing.T, dir string, console bool) {
	t.Helper()
	files := map[string]string{
		"entry.html":              "<!doctype html><title>entry</title>",
		"result.html":             "<!doctype html><title>result</title>",
		"404.html":                "<!doctype html><title>not found page</title>",
		"favicon.ico":             "icon",
		"robots.txt":              "User-agent: *\n",
		"Work":                    "no extension",
		".env":                    "SECRET=1",
		"assets/entry-3f9a1c.js":  "console.log('entry')",
		"assets/entry-77b2e0.css": "body{margin:0}",
		"assets/sub/inner.txt":    "inner",
		"assets/big-9c9c9c.js":    strings.Repeat("export const greeting = '안녕하세요';\n", 200),
		"nested/page.html":        "<!doctype html><title>nested</title>",
		"../secret.txt":           "TOP SECRET",
	}
	if console {
		files["app/index.html"] = "<!doctype html><title>console</title>"
		files["app/assets/console-1a2b3c.js"] = "console.log('app')"
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A symlink out of the folder must not be followed.
	if err := os.Symlink(filepath.Join(dir, "..", "secret.txt"), filepath.Join(dir, "assets", "escape.txt")); err != nil {
		t.Fatal(err)
	}
}

// The devhost serves the build on the API's origin: page routes, hashed
// assets, top-level files, and nothing else; functions keep their paths.
func TestWebAppRoutes(t *testing.T) {
	t.Parallel()
	webDir := filepath.Join(t.TempDir(), "dist", "web")
	writeWebBuild(t, webDir, true)
	r := startRig(t, []string{"Item"}, func(o *Options) { o.WebDir, o.ImageOrigin = webDir, testImageOrigin })

	wantCSP := "default-src 'self'; img-src 'self' data: blob: http://127.0.0.1:10000; connect-src 'self'; style-src 'self'; " +
		"script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
	tests := []struct {
		name, method, path string
		status             int
		body               string // substring of the body
		cache              string // Cache-Control
		contentType        string // prefix
		page               bool   // carries the security headers
	}{
		{"entry page", "GET", "/e/0b7c6f0e-1111-4a5b-9c3d-2e4f6a8b0c1d", 200, "<title>entry</title>", CacheHTML, "text/html", true},
		{"entry page with a query", "GET", "/e/evt-1?ch=INSTAGRAM", 200, "<title>entry</title>", CacheHTML, "text/html", true},
		{"entry page, trailing slash", "GET", "/e/evt-1/", 200, "<title>entry</title>", CacheHTML, "text/html", true},
		{"results page", "GET", "/e/evt-1/result", 200, "<title>result</title>", CacheHTML, "text/html", true},
		{"results page, trailing slash", "GET", "/e/evt-1/result/", 200, "<title>result</title>", CacheHTML, "text/html", true},
		{"hashed script", "GET", "/assets/entry-3f9a1c.js", 200, "console.log('entry')", CacheImmutable, "text/javascript", false},
		{"hashed stylesheet", "GET", "/assets/entry-77b2e0.css", 200, "margin:0", CacheImmutable, "text/css", false},
		{"nested asset", "GET", "/assets/sub/inner.txt", 200, "inner", CacheImmutable, "text/plain", false},
		{"favicon", "GET", "/favicon.ico", 200, "icon", CacheOther, "", false},
		{"robots.txt", "GET", "/robots.txt", 200, "User-agent", CacheOther, "text/plain", false},
		{"a page by its file name", "GET", "/result.html", 200, "<title>result</title>", CacheHTML, "text/html", true},
		{"console root", "GET", "/app", 200, "<title>console</title>", CacheHTML, "text/html", true},
		{"console route", "GET", "/app/events/42/edit", 200, "<title>console</title>", CacheHTML, "text/html", true},
		{"console asset", "GET", "/app/assets/console-1a2b3c.js", 200, "console.log('app')", CacheImmutable, "text/javascript", false},
		{"HEAD of a page", "HEAD", "/e/evt-1", 200, "", CacheHTML, "text/html", true},

		{"event without an id", "GET", "/e/", 404, "not found page", "no-store", "text/html", true},
		{"deeper event path", "GET", "/e/evt-1/result/extra", 404, "not found page", "no-store", "text/html", true},
		{"assets folder: no listing", "GET", "/assets/", 404, "not found page", "no-store", "text/html", true},
		{"a folder by name", "GET", "/assets/sub", 404, "not found page", "no-store", "text/html", true},
		{"missing asset", "GET", "/assets/nope.js", 404, "not found page", "no-store", "text/html", true},
		{"nested file outside assets", "GET", "/nested/page.html", 404, "not found page", "no-store", "text/html", true},
		{"missing console file", "GET", "/app/missing.js", 404, "not found page", "no-store", "text/html", true},
		{"symlink out of the folder", "GET", "/assets/escape.txt", 404, "not found page", "no-store", "text/html", true},
		{"dot segments", "GET", "/assets/../../secret.txt", 404, "not found page", "no-store", "text/html", true},
		{"encoded dot segments", "GET", "/assets/%2e%2e/%2e%2e/secret.txt", 404, "not found page", "no-store", "text/html", true},
		{"encoded slashes", "GET", "/e/..%2f..%2fsecret.txt", 404, "not found page", "no-store", "text/html", true},
		{"top-level name without an extension", "GET", "/Work", 404, "not found page", "no-store", "text/html", true},
		{"dotfile", "GET", "/.env", 404, "not found page", "no-store", "text/html", true},
		{"POST to a page", "POST", "/e/evt-1", 405, "", "", "", false},
		{"POST to nothing", "POST", "/nothing/here", 404, "not found page", "no-store", "text/html", true},

		{"function inside the prefix", "GET", "/api/v1/items/42", 200, `"path":"/api/v1/items/42"`, "", "application/json", false},
		{"unknown path inside the prefix stays a bare 404", "GET", "/api/v1/e/evt-1", 404, "", "", "", false},
		{"wrong method inside the prefix", "POST", "/api/v1/items/42", 405, "", "", "", false},
		{"admin API", "GET", "/admin/queues", 200, "[]", "", "application/json", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, _ := http.NewRequest(tt.method, r.base+tt.path, nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			body := string(b)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d (body %q)", resp.StatusCode, tt.status, body)
			}
			if strings.Contains(body, "TOP SECRET") {
				t.Fatal("served a file from outside the web folder")
			}
			if !strings.Contains(body, tt.body) {
				t.Errorf("body %q, want it to contain %q", body, tt.body)
			}
			if tt.method == "HEAD" && body != "" {
				t.Errorf("HEAD answered a body: %q", body)
			}
			if tt.status == 404 && strings.HasPrefix(tt.path, "/api/") && body != "" {
				t.Errorf("a 404 inside the route prefix got a body: %q", body)
			}
			if got := resp.Header.Get("Cache-Control"); got != tt.cache {
				t.Errorf("Cache-Control %q, want %q", got, tt.cache)
			}
			if got := resp.Header.Get("Content-Type"); !strings.HasPrefix(got, tt.contentType) {
				t.Errorf("Content-Type %q, want %q...", got, tt.contentType)
			}
			csp := resp.Header.Get("Content-Security-Policy")
			if tt.page {
				if csp != wantCSP {
					t.Errorf("Content-Security-Policy %q, want %q", csp, wantCSP)
				}
				for _, h := range []string{"Referrer-Policy", "Permissions-Policy"} {
					if resp.Header.Get(h) == "" {
						t.Errorf("page without %s", h)
					}
				}
			} else if csp != "" {
				t.Errorf("Content-Security-Policy on a non-page: %q", csp)
			}
			if !strings.HasPrefix(tt.path, "/api/") && !strings.HasPrefix(tt.path, "/admin/") && resp.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Error("no X-Content-Type-Options: nosniff")
			}
		})
	}

	// Validators: the second load of an asset or a page is a 304.
	for _, p := range []string{"/assets/entry-3f9a1c.js", "/e/evt-1"} {
		resp, _ := r.get(p)
		etag, lastMod := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
		if etag == "" || lastMod == "" {
			t.Fatalf("%s: ETag %q, Last-Modified %q", p, etag, lastMod)
		}
		if resp, body := r.get(p, "If-None-Match", etag); resp.StatusCode != 304 || body != "" {
			t.Errorf("%s with If-None-Match: %d %q, want 304 and no body", p, resp.StatusCode, body)
		}
		if resp, _ := r.get(p, "If-None-Match", `"other"`); resp.StatusCode != 200 {
			t.Errorf("%s with a stale ETag: %d, want 200", p, resp.StatusCode)
		}
		if resp, _ := r.get(p, "If-Modified-Since", lastMod); resp.StatusCode != 304 {
			t.Errorf("%s with If-Modified-Since: %d, want 304", p, resp.StatusCode)
		}
	}
	// A rebuild changes the page's validator.
	resp, _ := r.get("/e/evt-1")
	future := time.Now().Add(time.Minute)
	if err := os.Chtimes(filepath.Join(webDir, "entry.html"), future, future); err != nil {
		t.Fatal(err)
	}
	if again, _ := r.get("/e/evt-1", "If-None-Match", resp.Header.Get("ETag")); again.StatusCode != 200 {
		t.Errorf("after a rebuild the old ETag still matched: %d", again.StatusCode)
	}
}

// The site root sends a browser to the owner console: a 302 to /app/ that
// keeps the query, for GET and HEAD, with or without a build; POST / is
// not redirected (a 404, as before).
func TestWebRootRedirect(t *testing.T) {
	t.Parallel()
	webDir := filepath.Join(t.TempDir(), "dist", "web")
	writeWebBuild(t, webDir, true)
	built := startRig(t, []string{"Item"}, func(o *Options) { o.WebDir = webDir })
	unbuilt := startRig(t, []string{"Item"}, func(o *Options) { o.WebDir = filepath.Join(t.TempDir(), "none") })
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, tt := range []struct {
		rig          *rig
		method, path string
		status       int
		location     string
	}{
		{built, "GET", "/", 302, "/app/"},
		{built, "HEAD", "/", 302, "/app/"},
		{built, "GET", "/?utm_source=qr", 302, "/app/?utm_source=qr"},
		{unbuilt, "GET", "/", 302, "/app/"},
		{built, "POST", "/", 404, ""},
		{built, "GET", "/app/", 200, ""},
	} {
		req, _ := http.NewRequest(tt.method, tt.rig.base+tt.path, nil)
		resp, err := noFollow.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.status || resp.Header.Get("Location") != tt.location {
			t.Errorf("%s %s: %d Location %q, want %d %q", tt.method, tt.path, resp.StatusCode, resp.Header.Get("Location"), tt.status, tt.location)
		}
	}
	// Followed, the root lands on the console page.
	if resp, body := built.get("/"); resp.StatusCode != 200 || !strings.Contains(body, "<title>console</title>") {
		t.Errorf("GET / followed: %d %q, want the console", resp.StatusCode, body)
	}
}

// The handler itself, below the mux: dot segments that reach it are
// refused, and /app is a 404 until the console exists.
// Text files travel compressed when the browser accepts it, as Front Door
// sends them, so a page measured locally weighs what customers download;
// validators still work on the compressed answer.
func TestWebAppCompresses(t *testing.T) {
	t.Parallel()
	webDir := filepath.Join(t.TempDir(), "web")
	writeWebBuild(t, webDir, false)
	r := startRig(t, []string{"Item"}, func(o *Options) { o.WebDir = webDir })
	want, err := os.ReadFile(filepath.Join(webDir, "assets", "big-9c9c9c.js"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, acceptEncoding, wantEncoding string
	}{
		{"gzip accepted", "gzip, deflate, br", "gzip"},
		{"nothing accepted", "identity", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, raw := r.get("/assets/big-9c9c9c.js", "Accept-Encoding", tt.acceptEncoding)
			if got := resp.Header.Get("Content-Encoding"); got != tt.wantEncoding {
				t.Fatalf("Content-Encoding %q, want %q", got, tt.wantEncoding)
			}
			if !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
				t.Errorf("Vary %q, want Accept-Encoding", resp.Header.Get("Vary"))
			}
			body := []byte(raw)
			if tt.wantEncoding == "gzip" {
				if len(body) >= len(want)/4 {
					t.Errorf("compressed to %d of %d bytes", len(body), len(want))
				}
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				if body, err = io.ReadAll(zr); err != nil {
					t.Fatal(err)
				}
			}
			if !bytes.Equal(body, want) {
				t.Errorf("body differs from the file (%d bytes, want %d)", len(body), len(want))
			}
			if again, _ := r.get("/assets/big-9c9c9c.js", "Accept-Encoding", tt.acceptEncoding, "If-None-Match", resp.Header.Get("ETag")); again.StatusCode != 304 {
				t.Errorf("revalidation: %d, want 304", again.StatusCode)
			}
		})
	}
}

func TestWebAppWithoutMux(t *testing.T) {
	t.Parallel()
	webDir := filepath.Join(t.TempDir(), "web")
	writeWebBuild(t, webDir, false)
	app := &webApp{dir: webDir}
	for _, p := range []string{"/assets/../../secret.txt", "/assets/../../../etc/passwd", "/app", "/app/events/1", "/..", `/assets\..\..\secret.txt`} {
		req := httptest.NewRequest("GET", "/", nil)
		req.URL.Path = p // as if no mux had cleaned it
		rec := httptest.NewRecorder()
		app.ServeHTTP(rec, req)
		if rec.Code != 404 || strings.Contains(rec.Body.String(), "TOP SECRET") {
			t.Errorf("%s: %d %q, want 404", p, rec.Code, rec.Body.String())
		}
	}
	// Without a 404.html the answer is plain text.
	if err := os.Remove(filepath.Join(webDir, "404.html")); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, httptest.NewRequest("GET", "/nope", nil))
	if rec.Code != 404 || !strings.Contains(rec.Body.String(), "404 page not found") {
		t.Errorf("plain 404: %d %q", rec.Code, rec.Body.String())
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Before `make web` the pages say how to build them, the log says it
// once, and the API works as before.
func TestWebAppNotBuilt(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	missing := filepath.Join(t.TempDir(), "dist", "web")
	r := startRig(t, []string{"Item"}, func(o *Options) {
		o.WebDir = missing
		o.Log = slog.New(slog.NewTextHandler(&logs, nil))
	})
	for _, p := range []string{"/e/evt-1", "/e/evt-1/result", "/assets/a.js", "/favicon.ico"} {
		resp, body := r.get(p)
		if resp.StatusCode != 503 || !strings.Contains(body, "make web") || !strings.Contains(body, missing) {
			t.Errorf("%s: %d %q, want 503 naming `make web` and the folder", p, resp.StatusCode, body)
		}
		if resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: a not-built page may be cached: %q", p, resp.Header.Get("Cache-Control"))
		}
	}
	// What no build would answer stays a plain 404.
	if resp, body := r.get("/nothing/here"); resp.StatusCode != 404 || strings.Contains(body, "make web") {
		t.Errorf("/nothing/here without a build: %d %q, want a plain 404", resp.StatusCode, body)
	}
	if resp, _ := r.get("/api/v1/items/7"); resp.StatusCode != 200 {
		t.Errorf("API without a web build: %d", resp.StatusCode)
	}
	if n := strings.Count(logs.String(), "make web"); n != 1 {
		t.Errorf("the log names `make web` %d times, want once:\n%s", n, logs.String())
	}
}

// With no WebDir the host looks for dist/web under the script root.
func TestWebDirDefault(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "host.json"), []byte(testHostJSON), 0o644); err != nil {
		t.Fatal(err)
	}
	_ = os.MkdirAll(filepath.Join(root, "functions", "Item"), 0o755)
	if err := os.WriteFile(filepath.Join(root, "functions", "Item", "function.json"), []byte(testFunctions["Item"]), 0o644); err != nil {
		t.Fatal(err)
	}
	h, err := New(Options{Root: root, Handler: "/bin/false"})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(root, "dist", "web"); h.web.dir != want {
		t.Errorf("web dir %q, want %q", h.web.dir, want)
	}
}

func TestImageOrigin(t *testing.T) {
	t.Parallel()
	azurite := "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=k==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;"
	tests := []struct {
		name, base, conn, account, want string
	}{
		{"IMAGE_BASE_URL wins", "https://cdn.example.com/images/", azurite, "st1", "https://cdn.example.com"},
		{"Azurite's blob endpoint", "", azurite, "", "http://127.0.0.1:10000"},
		{"blob endpoint key in any case", "", "AccountName=a;AccountKey=k;blobendpoint=https://a.blob.core.windows.net/", "", "https://a.blob.core.windows.net"},
		{"managed identity: the account's endpoint", "", "", "steventmkt", "https://steventmkt.blob.core.windows.net"},
		{"a connection string without an endpoint", "", "AccountName=a;AccountKey=k", "", ""},
		{"nothing", "", "", "", ""},
	}
	for _, tt := range tests {
		if got := ImageOrigin(tt.base, tt.conn, tt.account); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
	if csp := ContentSecurityPolicy(""); !strings.Contains(csp, "img-src 'self' data: blob:;") {
		t.Errorf("CSP without an image origin: %q", csp)
	}
}
