package devhost

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"regexp"
	"strings"
)

// The web app (web/, built into dist/web by `make web`) is served on the
// same origin as the API, as Azure Front Door serves it in front of the
// Storage static website (infra/bicep/modules/frontdoor.bicep). The paths,
// rewrites, cache lifetimes and security headers below are the ones the
// Bicep declares; tools/deploy's infra check compares them, so a page
// that works on :7071 works behind Front Door.
const (
	// CacheImmutable is for content-hashed files under assets/: a new
	// build has new names, so a browser never needs to ask again.
	CacheImmutable = "public, max-age=31536000, immutable"
	// CacheHTML makes browsers and Front Door revalidate every page load,
	// so a deploy is visible at once (the ETag keeps it a 304).
	CacheHTML = "no-cache"
	// CacheOther is for the few unhashed files (favicon, robots.txt).
	CacheOther = "public, max-age=3600"
)

// WebRewrite maps request paths to one file of the build. Pattern is
// matched against the path without its leading slash, the way Front
// Door's UrlPath condition sees it.
type WebRewrite struct {
	Pattern string // regular expression, as in the Front Door rule
	File    string // file under the web root, as the rewrite's destination without '/'
}

// WebRewrites are the page routes, in order. The entry page answers
// /e/{eventId} (and with a trailing slash), the results page
// /e/{eventId}/result. /app/* is the owner console's single-page app
// (issue 15): any path without a dot in it gets app/index.html, so the
// console's own router sees the URL, while /app/... paths with a file
// extension are files of the build.
func WebRewrites() []WebRewrite {
	return []WebRewrite{
		{Pattern: `^e/[^/]+/result/?$`, File: "result.html"},
		{Pattern: `^e/[^/]+/?$`, File: "entry.html"},
		{Pattern: `^app(/[^.]*)?$`, File: "app/index.html"},
	}
}

// RootRedirect is where the site root sends a browser: the owner console
// (issue 15). A 302, so a later home page can take / back; the query string
// is kept, as Front Door's UrlRedirect keeps it (the "root-to-console" rule
// in infra/bicep/modules/frontdoor.bicep; tools/deploy compares the two).
const RootRedirect = "/app/"

var compiledRewrites = func() []*regexp.Regexp {
	var out []*regexp.Regexp
	for _, rw := range WebRewrites() {
		out = append(out, regexp.MustCompile(rw.Pattern))
	}
	return out
}()

// ContentSecurityPolicy is the policy of every page. Scripts, styles and
// API calls come from the page's own origin only (no inline code: Vite
// emits files); images may also come from the poster storage
// (imageOrigin, e.g. https://<account>.blob.core.windows.net, or Azurite's
// http://127.0.0.1:10000 locally) and from data:/blob: URLs (generated
// previews, the proof bundle download).
func ContentSecurityPolicy(imageOrigin string) string {
	img := "img-src 'self' data: blob:"
	if imageOrigin != "" {
		img += " " + imageOrigin
	}
	return "default-src 'self'; " + img + "; connect-src 'self'; style-src 'self'; script-src 'self'; " +
		"frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
}

// SecurityHeaders are the response headers of every page, in the order
// the Front Door rule sets them. Permissions-Policy turns off what the
// pages never use; it leaves web-share and clipboard alone (the
// confirmation screen shares its link).
func SecurityHeaders(imageOrigin string) [][2]string {
	return [][2]string{
		{"Content-Security-Policy", ContentSecurityPolicy(imageOrigin)},
		{"X-Content-Type-Options", "nosniff"},
		{"Referrer-Policy", "strict-origin-when-cross-origin"},
		{"Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"},
	}
}

// ImageOrigin is the scheme://host[:port] posters are loaded from, for
// the CSP's img-src: IMAGE_BASE_URL when set, else the BlobEndpoint of
// the storage connection string (Azurite locally), else the account's
// public blob endpoint. "" when none of them says.
func ImageOrigin(imageBaseURL, storageConnectionString, storageAccountName string) string {
	origin := func(raw string) string {
		u, err := url.Parse(strings.TrimSpace(raw))
		if err != nil || u.Scheme == "" || u.Host == "" {
			return ""
		}
		return u.Scheme + "://" + u.Host
	}
	if o := origin(imageBaseURL); o != "" {
		return o
	}
	for _, kv := range strings.Split(storageConnectionString, ";") {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.EqualFold(strings.TrimSpace(k), "BlobEndpoint") {
			if o := origin(v); o != "" {
				return o
			}
		}
	}
	if storageAccountName != "" {
		return "https://" + storageAccountName + ".blob.core.windows.net"
	}
	return ""
}

// webApp serves the build folder.
type webApp struct {
	dir       string
	imgOrigin string
}

// target says which file of the build answers a request path ("" for
// none): a page route, a hashed asset, a file of the console (app/), or
// another top-level file with an extension (favicon.ico, robots.txt; not
// a dotfile). Nothing else of the folder is reachable.
func (a *webApp) target(p string) string {
	rel := strings.TrimPrefix(p, "/")
	for i, re := range compiledRewrites {
		if re.MatchString(rel) {
			return WebRewrites()[i].File
		}
	}
	switch {
	case strings.HasPrefix(rel, "assets/"), strings.HasPrefix(rel, "app/"):
		return rel
	case strings.Contains(rel, ".") && !strings.HasPrefix(rel, ".") && !strings.Contains(rel, "/"):
		return rel // favicon.ico, robots.txt, the pages themselves
	}
	return ""
}

func (a *webApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.URL.Path == "/" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		to := RootRedirect
		if r.URL.RawQuery != "" {
			to += "?" + r.URL.RawQuery
		}
		w.Header().Set("Cache-Control", CacheHTML)
		http.Redirect(w, r, to, http.StatusFound)
		return
	}
	// The mux redirects most unclean paths, not percent-encoded dot
	// segments: a path that still holds one (or a backslash) is refused
	// rather than interpreted.
	rel := a.target(r.URL.Path)
	if rel != "" && (!fs.ValidPath(rel) || strings.Contains(rel, `\`)) {
		rel = ""
	}
	root, err := os.OpenRoot(a.dir)
	switch {
	case err != nil && rel == "":
		a.notFound(w, r, nil)
		return
	case err != nil:
		a.notBuilt(w)
		return
	}
	defer root.Close()
	if rel == "" {
		a.notFound(w, r, root)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if !a.serveFile(w, r, root, rel, http.StatusOK) {
		a.notFound(w, r, root)
	}
}

// serveFile answers with one regular file of the build (never a
// directory listing); false when there is no such file. os.Root keeps
// every open inside the folder, symlinks included.
func (a *webApp) serveFile(w http.ResponseWriter, r *http.Request, root *os.Root, rel string, status int) bool {
	f, err := root.Open(rel)
	if err != nil {
		return false
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return false
	}
	h := w.Header()
	switch {
	case strings.HasSuffix(rel, ".html"):
		h.Set("Cache-Control", CacheHTML)
		for _, kv := range SecurityHeaders(a.imgOrigin) {
			h.Set(kv[0], kv[1])
		}
	case strings.HasPrefix(rel, "assets/") || strings.Contains(rel, "/assets/"):
		h.Set("Cache-Control", CacheImmutable)
	default:
		h.Set("Cache-Control", CacheOther)
	}
	if status != http.StatusOK {
		// An error page: no validators, no caching, no ranges.
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		if r.Method != http.MethodHead {
			_, _ = f.WriteTo(w)
		}
		return true
	}
	// A strong validator from size and modification time (as nginx
	// does); ServeContent answers If-None-Match and If-Modified-Since.
	h.Set("ETag", fmt.Sprintf(`"%x-%x"`, st.ModTime().UnixNano(), st.Size()))
	http.ServeContent(w, r, path.Base(rel), st.ModTime(), f)
	return true
}

// notFound is 404 with the build's 404.html when it has one (the static
// website's error document on Azure), else a line of text.
func (a *webApp) notFound(w http.ResponseWriter, r *http.Request, root *os.Root) {
	if root != nil && a.serveFile(w, r, root, "404.html", http.StatusNotFound) {
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, "404 page not found", http.StatusNotFound)
}

// notBuilt answers every web path while the folder is missing.
func (a *webApp) notBuilt(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusServiceUnavailable)
	fmt.Fprintf(w, "<!doctype html><meta charset=utf-8><title>Web app not built</title>"+
		"<h1>The web app is not built</h1><p>%s does not exist. Run <code>make web</code> "+
		"(<code>make run</code> does it first) and reload. The API answers under /api/v1/ meanwhile.</p>\n",
		htmlEscaper.Replace(a.dir))
}

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

// missing reports, for the start-up log, that the folder is not there.
func (a *webApp) missing() bool {
	st, err := os.Stat(a.dir)
	return errors.Is(err, fs.ErrNotExist) || (err == nil && !st.IsDir())
}
