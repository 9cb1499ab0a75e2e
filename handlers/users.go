package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/user"
)

type registerRequest struct {
	Name          string  `json:"name"`
	PhoneNumber   string  `json:"phoneNumber"`
	Email         string  `json:"email"`
	Password      string  `json:"password"`
	StoreName     string  `json:"storeName"`
	Industry      string  `json:"industry"`
	Address       string  `json:"address"`
	BusinessHours *string `json:"businessHours"`
	ClientIP      string  `json:"-"`
}

type tokenResponse struct {
	UserID       *uuid.UUID `json:"userId,omitempty"`
	StoreID      *uuid.UUID `json:"storeId,omitempty"`
	Name         string     `json:"name,omitempty"`
	Role         string     `json:"role,omitempty"`
	AccessToken  string     `json:"accessToken"`
	RefreshToken string     `json:"refreshToken"`
	TokenType    string     `json:"tokenType"`
	ExpiresIn    int        `json:"expiresIn"`
}

// bearerTokens is the token pair of a session; each endpoint adds the
// account fields API.md gives it. Tokens are answered with noStore.
func bearerTokens(sess user.Session) tokenResponse {
	return tokenResponse{AccessToken: sess.AccessToken, RefreshToken: sess.RefreshToken, TokenType: "Bearer", ExpiresIn: sess.ExpiresIn}
}

// register is UserRegister: the owner and store, signed in.
func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	var req registerRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	req.ClientIP = clientIP(r, s.clientHops)
	sess, err := s.app.Users.Register(r.Context(), user.RegisterInput(req))
	t := bearerTokens(sess)
	t.UserID, t.StoreID = &sess.UserID, &sess.StoreID
	s.respond(w, r, http.StatusCreated, t, err, noStore)
}

// login is UserLogin.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	sess, err := s.app.Users.Login(r.Context(), req.Email, req.Password, clientIP(r, s.clientHops))
	t := bearerTokens(sess)
	t.UserID, t.StoreID, t.Name, t.Role = &sess.UserID, &sess.StoreID, sess.Name, sess.Role
	s.respond(w, r, http.StatusOK, t, err, noStore)
}

// refresh is UserRefresh: a new pair; the old refresh token stops working.
func (s *Server) refresh(w http.ResponseWriter, r *http.Request) {
	var req struct {
		RefreshToken string `json:"refreshToken"`
	}
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	sess, err := s.app.Users.Refresh(r.Context(), req.RefreshToken)
	s.respond(w, r, http.StatusOK, bearerTokens(sess), err, noStore)
}

// logout is UserLogout. A body (refreshToken) is accepted and not needed:
// the whole session ends either way. It is still read, so hostile text in
// it is refused like anywhere else.
func (s *Server) logout(w http.ResponseWriter, r *http.Request, c user.Caller) {
	var req struct {
		RefreshToken string `json:"refreshToken"`
	}
	if err := decodeOptionalJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.respond(w, r, http.StatusNoContent, nil, s.app.Users.Logout(r.Context(), c))
}

// profileETag is a profile's version as its ETag ("v3"), which If-Match
// gives back on the next update.
func profileETag(p user.Profile) replyOption {
	return etag(`"v` + strconv.Itoa(p.Version) + `"`)
}

// getProfile is UserProfileGet; its ETag guards the next update.
func (s *Server) getProfile(w http.ResponseWriter, r *http.Request, c user.Caller) {
	p, err := s.app.Users.Profile(r.Context(), c)
	s.respond(w, r, http.StatusOK, p, err, profileETag(p), noStore)
}

// updateProfile is UserProfileUpdate. The version to update from comes from
// If-Match (the ETag) or the body's version; without either the change is
// applied to the current profile.
func (s *Server) updateProfile(w http.ResponseWriter, r *http.Request, c user.Caller) {
	var req struct {
		Name          *string `json:"name"`
		PhoneNumber   *string `json:"phoneNumber"`
		Email         *string `json:"email"`
		StoreName     *string `json:"storeName"`
		Industry      *string `json:"industry"`
		Address       *string `json:"address"`
		BusinessHours *string `json:"businessHours"`
		Version       *int    `json:"version"`
	}
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if m := r.Header.Get("If-Match"); m != "" {
		v, err := strconv.Atoi(strings.TrimPrefix(strings.Trim(strings.TrimPrefix(m, "W/"), `"`), "v"))
		if err != nil {
			s.writeError(w, r, apperr.Invalidf(apperr.CodeValidation, "If-Match must be the profile's ETag, e.g. \"v3\""))
			return
		}
		req.Version = &v
	}
	p, err := s.app.Users.UpdateProfile(r.Context(), c, user.ProfileUpdate(req))
	s.respond(w, r, http.StatusOK, p, err, profileETag(p), noStore)
}

// changePassword is UserPasswordChange.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, c user.Caller) {
	var req struct {
		CurrentPassword string `json:"currentPassword"`
		NewPassword     string `json:"newPassword"`
	}
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.respond(w, r, http.StatusNoContent, nil, s.app.Users.ChangePassword(r.Context(), c, req.CurrentPassword, req.NewPassword))
}

// getStore is UserStoreGet.
func (s *Server) getStore(w http.ResponseWriter, r *http.Request, c user.Caller) {
	if id, ok := s.withUser(w, r); ok {
		st, err := s.app.Users.Store(r.Context(), c, id)
		s.respond(w, r, http.StatusOK, st, err)
	}
}
