package handlers

import (
	"log/slog"
	"net"
	"net/http"
	"strings"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/logging"
	"github.com/eventmkt/backend/shared/user"
)

// ownerHandler serves a request on behalf of an authenticated caller.
type ownerHandler func(w http.ResponseWriter, r *http.Request, c user.Caller)

// owner requires a valid, unrevoked access token (Authorization: Bearer) and
// passes the caller on; anything else is 401 AUTH_002.
func (s *Server) owner(h ownerHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token, ok := bearerToken(r)
		if !ok {
			s.writeError(w, r, apperr.New(apperr.Unauthorized, user.CodeBadToken, "an Authorization: Bearer access token is required"))
			return
		}
		c, err := s.app.Users.Authenticate(r.Context(), token)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		ctx := logging.With(r.Context(), slog.String("userId", c.UserID.String()))
		h(w, r.WithContext(ctx), c)
	}
}

func bearerToken(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	return token, ok && strings.EqualFold(scheme, "Bearer") && token != ""
}

// clientIP is the caller's address: the X-Forwarded-For entry hops places
// before the last (Azure's front end and the devhost append the peer they
// saw, so 0 takes that peer; behind Front Door the app's front end appends
// Front Door itself, so 1 takes the customer Front Door saw), else the
// connection's own peer. A port, if any, is dropped.
func clientIP(r *http.Request, hops int) string {
	addr := r.RemoteAddr
	var entries []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		entries = append(entries, strings.Split(v, ",")...)
	}
	// Each trusted proxy after the one that saw the client appends its own
	// peer; anything before the client's entry is the client's to forge.
	if i := len(entries) - 1 - hops; i >= 0 {
		if e := strings.TrimSpace(entries[i]); e != "" {
			addr = e
		}
	}
	if host, _, err := net.SplitHostPort(addr); err == nil {
		return host
	}
	return strings.Trim(addr, "[]")
}
