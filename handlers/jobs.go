package handlers

import (
	"encoding/json"
	"net/http"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/event"
)

// decodeMessage reads a queue message's JSON body; a body that does not
// decode, or names no job, is permanent (poison).
func decodeMessage(inv *Invocation, v any, jobID func() uuid.UUID) (QueueMessage, error) {
	m, err := inv.Message()
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(m.Body, v); err != nil {
		return m, apperr.Permanent(apperr.Wrap(err, apperr.Invalid, codeBadRequest, "the message body is not the expected JSON"))
	}
	if jobID() == uuid.Nil {
		return m, apperr.Permanent(apperr.Invalidf(codeBadRequest, "the message names no job"))
	}
	return m, nil
}

// generateRecommendations is the RecommendationGenerate queue function.
func (s *Server) generateRecommendations(w http.ResponseWriter, r *http.Request, inv *Invocation) error {
	var msg event.RecommendationJob
	m, err := decodeMessage(inv, &msg, func() uuid.UUID { return msg.JobID })
	if err != nil {
		return err
	}
	inv.Logf("recommendation job %s, delivery %d", msg.JobID, m.DeliveryCount)
	return s.app.PlanJobs.Run(r.Context(), msg, m.DeliveryCount)
}

// generateImages is the ImageGenerate queue function.
func (s *Server) generateImages(w http.ResponseWriter, r *http.Request, inv *Invocation) error {
	var msg event.ImageJob
	m, err := decodeMessage(inv, &msg, func() uuid.UUID { return msg.JobID })
	if err != nil {
		return err
	}
	inv.Logf("image job %s, delivery %d", msg.JobID, m.DeliveryCount)
	return s.app.ImageJobs.Run(r.Context(), msg, m.DeliveryCount)
}
