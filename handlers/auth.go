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
		c, err := s.users.Authenticate(r.Context(), token)
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

// clientIP is the caller's address: the last X-Forwarded-For entry (Azure's
// front end and the devhost append the peer they saw), else the connection's
// own peer. A port, if any, is dropped.
func clientIP(r *http.Request) string {
	addr := r.RemoteAddr
	if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
		entries := strings.Split(xff[len(xff)-1], ",")
		if last := strings.TrimSpace(entries[len(entries)-1]); last != "" {
			addr = last
		}
	}
	if host, _, err := net.SplitHostPort(addr); err == nil {
		return host
	}
	return strings.Trim(addr, "[]")
}
