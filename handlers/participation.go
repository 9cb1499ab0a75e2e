package handlers

import (
	"io"
	"net/http"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/participation"
	"github.com/eventmkt/backend/shared/user"
)

// submitEntry is ParticipationSubmit: public, anonymous.
func (s *Server) submitEntry(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name           string `json:"name"`
		PhoneNumber    string `json:"phoneNumber"`
		Email          string `json:"email"`
		AgreePrivacy   bool   `json:"agreePrivacy"`
		AgreeMarketing bool   `json:"agreeMarketing"`
		StoreVisited   bool   `json:"storeVisited"`
		VisitCode      string `json:"visitCode"`
		Channel        string `json:"channel"`
		Source         string `json:"source"`
		// VerificationToken: PhoneVerificationConfirm's, for verifyPhone events.
		VerificationToken string `json:"verificationToken"`
	}
	id, ok := s.withEvent(w, r, &req)
	if !ok {
		return
	}
	rec, err := s.app.Participation.Submit(r.Context(), id, participation.Submission{Name: req.Name, PhoneNumber: req.PhoneNumber, Email: req.Email,
		AgreePrivacy: req.AgreePrivacy, AgreeMarketing: req.AgreeMarketing, StoreVisited: req.StoreVisited, VisitCode: req.VisitCode, Channel: req.Channel,
		Source: req.Source, ClientIP: clientIP(r, s.clientHops), VerificationToken: req.VerificationToken})
	s.respond(w, r, http.StatusCreated, rec, err)
}

// listParticipants is ParticipantList.
func (s *Server) listParticipants(w http.ResponseWriter, r *http.Request, c user.Caller) {
	id, ok := s.withEvent(w, r, nil)
	if !ok {
		return
	}
	page, size, err := pageParams(r)
	var v apperr.Validation
	f := participation.ListFilter{StoreVisited: boolParam(r, "storeVisited", &v), IsWinner: boolParam(r, "isWinner", &v),
		Channel: r.URL.Query().Get("channel"), Search: r.URL.Query().Get("search"), Page: page, Size: size}
	if err == nil {
		err = v.Err()
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	items, total, err := s.app.Participation.List(r.Context(), c, id, f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	flags, err := s.app.Participation.Anomalies(r.Context(), c, id)
	s.respond(w, r, http.StatusOK, participantPage{newPage(items, page, size, total), flags}, err)
}

// participantPage is ParticipantList's answer: the page and the event's
// anomaly flags.
type participantPage struct {
	pageResponse[participation.Participant]
	Anomalies participation.Anomalies `json:"anomalies"`
}

// getParticipant is ParticipantGet.
func (s *Server) getParticipant(w http.ResponseWriter, r *http.Request, c user.Caller) {
	if id, ok := s.withEvent(w, r, nil); ok {
		p, err := s.app.Participation.Get(r.Context(), c, id, r.PathValue("participantId"))
		s.respond(w, r, http.StatusOK, p, err)
	}
}

// exportParticipants is ParticipantExport: a short-lived read-only link
// to the CSV in Blob ({url, expiresAt}). The Functions host buffers a
// whole answer on Azure, so the file never goes through the function.
func (s *Server) exportParticipants(w http.ResponseWriter, r *http.Request, c user.Caller) {
	if id, ok := s.withEvent(w, r, nil); ok {
		link, err := s.app.Participation.ExportLink(r.Context(), c, id)
		s.respond(w, r, http.StatusOK, link, err, noStore)
	}
}

// drawWinners is WinnerDraw.
func (s *Server) drawWinners(w http.ResponseWriter, r *http.Request, c user.Caller) {
	var req struct {
		WinnerCount          int  `json:"winnerCount"`
		ApplyStoreVisitBonus bool `json:"applyStoreVisitBonus"`
		AlternateCount       *int `json:"alternateCount"`
	}
	if id, ok := s.withEvent(w, r, &req); ok {
		d, err := s.app.Participation.Draw(r.Context(), c, id, participation.DrawRequest(req))
		s.respond(w, r, http.StatusCreated, d, err)
	}
}

// listWinners is WinnerList.
func (s *Server) listWinners(w http.ResponseWriter, r *http.Request, c user.Caller) {
	id, ok := s.withEvent(w, r, nil)
	if !ok {
		return
	}
	page, size, err := pageParams(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	items, total, err := s.app.Participation.Winners(r.Context(), c, id, page, size)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.app.Participation.Disqualifications(r.Context(), id)
	s.respond(w, r, http.StatusOK, winnerPage{newPage(items, page, size, total), out}, err)
}

// winnerPage is WinnerList's answer: the current winners and, for the
// owner only, every disqualification with its free-text reason.
type winnerPage struct {
	pageResponse[participation.ListedWinner]
	Disqualified []participation.Disqualification `json:"disqualified"`
}

// notifyWinners is WinnerNotifyRequest: queue a notice for each current
// winner not notified yet, or for the winners named (sending a FAILED one
// again).
func (s *Server) notifyWinners(w http.ResponseWriter, r *http.Request, c user.Caller) {
	var req struct {
		ParticipantIDs []string `json:"participantIds"`
	}
	id, ok := s.withEventBody(w, r, &req, decodeOptionalJSON)
	if !ok {
		return
	}
	receipt, err := s.app.Notifier.Queue(r.Context(), c, id, req.ParticipantIDs)
	s.respond(w, r, http.StatusAccepted, receipt, err)
}

// sendWinnerNotice is the WinnerNotify queue function: one winner's notice
// per message.
func (s *Server) sendWinnerNotice(w http.ResponseWriter, r *http.Request, inv *Invocation) error {
	var job participation.WinnerNotifyJob
	m, err := decodeMessage(inv, &job, func() uuid.UUID { return job.EventID })
	if err != nil {
		return err
	}
	out, err := s.app.Notifier.Send(r.Context(), m.MessageID, job)
	if err == nil {
		inv.Logf("winner notice %s of event %s: %s (delivery %d)", job.ParticipantID, job.EventID, out, m.DeliveryCount)
	}
	return err
}

// disqualifyWinner is WinnerDisqualify.
func (s *Server) disqualifyWinner(w http.ResponseWriter, r *http.Request, c user.Caller) {
	var req struct {
		Category string `json:"category"`
		Reason   string `json:"reason"`
	}
	if id, ok := s.withEvent(w, r, &req); ok {
		rep, err := s.app.Participation.Disqualify(r.Context(), c, id, r.PathValue("participantId"), req.Category, req.Reason)
		s.respond(w, r, http.StatusOK, map[string]any{"replacedBy": rep}, err)
	}
}

// drawProof is DrawProofGet: public, the bundle as stored.
func (s *Server) drawProof(w http.ResponseWriter, r *http.Request) {
	id, ok := s.withEvent(w, r, nil)
	if !ok {
		return
	}
	body, err := s.app.Participation.OpenProof(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	defer body.Close()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", `inline; filename="draw-proof-`+id.String()+`.json"`)
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, body); err != nil {
		s.log.ErrorContext(r.Context(), "proof download interrupted", "eventId", id, "error", err)
	}
}

// drawProofLink is DrawProofLink: public, a short-lived read-only link to
// the stored bundle for downloads.
func (s *Server) drawProofLink(w http.ResponseWriter, r *http.Request) {
	if id, ok := s.withEvent(w, r, nil); ok {
		link, err := s.app.Participation.ProofLink(r.Context(), id)
		s.respond(w, r, http.StatusOK, link, err, noStore)
	}
}

// eventResults is EventResultsGet: public, cacheable; the draw and each
// disqualification change it.
func (s *Server) eventResults(w http.ResponseWriter, r *http.Request) {
	if id, ok := s.withEvent(w, r, nil); ok {
		res, err := s.app.Participation.Results(r.Context(), id)
		s.respond(w, r, http.StatusOK, res, err, publicCache)
	}
}

// purgePrivacy is the PrivacyPurge timer.
func (s *Server) purgePrivacy(w http.ResponseWriter, r *http.Request, inv *Invocation) error {
	if _, err := inv.Timer(); err != nil {
		return err
	}
	n, err := s.app.Participation.Purge(r.Context())
	inv.Logf("personal data erased for %d participants", n)
	s.log.InfoContext(r.Context(), "privacy purge", "participants", n)
	return err
}
