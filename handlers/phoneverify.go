package handlers

import (
	"net/http"

	"github.com/eventmkt/backend/shared/user"
)

// Every verification step is answered noStore: codes and tokens are one
// person's.

// sendPhoneCode is PhoneVerificationStart: public, anonymous.
func (s *Server) sendPhoneCode(w http.ResponseWriter, r *http.Request) {
	var req struct {
		PhoneNumber string `json:"phoneNumber"`
	}
	id, ok := s.withEvent(w, r, &req)
	if !ok {
		return
	}
	sent, err := s.app.PhoneVerify.Send(r.Context(), id, req.PhoneNumber, clientIP(r, s.clientHops))
	s.respond(w, r, http.StatusAccepted, sent, err, noStore)
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
	v, err := s.app.PhoneVerify.Confirm(r.Context(), id, req.PhoneNumber, req.Code, clientIP(r, s.clientHops))
	s.respond(w, r, http.StatusOK, v, err, noStore)
}

// sendStorePhoneCode is StorePhoneVerificationStart: the owner proves the
// store's own line (the only number 링고비즈 may use), step one.
func (s *Server) sendStorePhoneCode(w http.ResponseWriter, r *http.Request, c user.Caller) {
	var req struct {
		PhoneNumber string `json:"phoneNumber"`
	}
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	sent, err := s.app.PhoneVerify.SendStoreCode(r.Context(), c, req.PhoneNumber, clientIP(r, s.clientHops))
	s.respond(w, r, http.StatusAccepted, sent, err, noStore)
}

// confirmStorePhoneCode is StorePhoneVerificationConfirm: a right code
// records the number as the store's verified line; the answer is the store.
func (s *Server) confirmStorePhoneCode(w http.ResponseWriter, r *http.Request, c user.Caller) {
	var req struct {
		PhoneNumber string `json:"phoneNumber"`
		Code        string `json:"code"`
	}
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	st, err := s.app.PhoneVerify.ConfirmStoreCode(r.Context(), c, req.PhoneNumber, req.Code, clientIP(r, s.clientHops))
	s.respond(w, r, http.StatusOK, st, err, noStore)
}
