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

func writeTokens(w http.ResponseWriter, status int, resp tokenResponse) {
	resp.TokenType = "Bearer"
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, resp)
}

// register is UserRegister: the owner and store, signed in.
func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	var req registerRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	req.ClientIP = clientIP(r, s.clientHops)
	sess, err := s.users.Register(r.Context(), user.RegisterInput(req))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeTokens(w, http.StatusCreated, tokenResponse{UserID: &sess.UserID, StoreID: &sess.StoreID,
		AccessToken: sess.AccessToken, RefreshToken: sess.RefreshToken, ExpiresIn: sess.ExpiresIn})
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
	sess, err := s.users.Login(r.Context(), req.Email, req.Password, clientIP(r, s.clientHops))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeTokens(w, http.StatusOK, tokenResponse{UserID: &sess.UserID, StoreID: &sess.StoreID, Name: sess.Name, Role: sess.Role,
		AccessToken: sess.AccessToken, RefreshToken: sess.RefreshToken, ExpiresIn: sess.ExpiresIn})
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
	sess, err := s.users.Refresh(r.Context(), req.RefreshToken)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeTokens(w, http.StatusOK, tokenResponse{AccessToken: sess.AccessToken, RefreshToken: sess.RefreshToken, ExpiresIn: sess.ExpiresIn})
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
	if err := s.users.Logout(r.Context(), c); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func writeProfile(w http.ResponseWriter, p user.Profile) {
	w.Header().Set("ETag", `"v`+strconv.Itoa(p.Version)+`"`)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, p)
}

// getProfile is UserProfileGet; its ETag guards the next update.
func (s *Server) getProfile(w http.ResponseWriter, r *http.Request, c user.Caller) {
	p, err := s.users.Profile(r.Context(), c)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeProfile(w, p)
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
	p, err := s.users.UpdateProfile(r.Context(), c, user.ProfileUpdate(req))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeProfile(w, p)
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
	if err := s.users.ChangePassword(r.Context(), c, req.CurrentPassword, req.NewPassword); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// getStore is UserStoreGet.
func (s *Server) getStore(w http.ResponseWriter, r *http.Request, c user.Caller) {
	id, err := uuid.Parse(r.PathValue("userId"))
	if err != nil {
		s.writeError(w, r, apperr.New(apperr.NotFound, user.CodeNotFound, "no such user"))
		return
	}
	st, err := s.users.Store(r.Context(), c, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}
