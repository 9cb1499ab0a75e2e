package handlers

import (
	"net/http"
)

// sendPhoneCode is PhoneVerificationStart: public, anonymous.
func (s *Server) sendPhoneCode(w http.ResponseWriter, r *http.Request) {
	var req struct {
		PhoneNumber string `json:"phoneNumber"`
	}
	id, ok := s.withEvent(w, r, &req)
	if !ok {
		return
	}
	sent, err := s.phoneVerify.Send(r.Context(), id, req.PhoneNumber, clientIP(r, s.clientHops))
	if err != nil {
		setRetryAfter(w, err)
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusAccepted, sent)
}

// confirmPhoneCode is PhoneVerificationConfirm: public, anonymous.
func (s *Server) confirmPhoneCode(w http.ResponseWriter, r *http.Request) {
	var req struct {
		PhoneNumber string `json:"phoneNumber"`
		Code        string `json:"code"`
	}
	id, ok := s.withEvent(w, r, &req)
	if !ok {
		return
	}
	v, err := s.phoneVerify.Confirm(r.Context(), id, req.PhoneNumber, req.Code, clientIP(r, s.clientHops))
	if err != nil {
		setRetryAfter(w, err)
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, v)
}
