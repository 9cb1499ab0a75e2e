package handlers

import (
	"encoding/json"
	"net/http"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/user"
)

// listEvents is EventList.
func (s *Server) listEvents(w http.ResponseWriter, r *http.Request, c user.Caller) {
	page, size, err := pageParams(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	items, total, err := s.app.Events.List(r.Context(), c, event.Filter{Status: q.Get("status"), Objective: q.Get("objective"), Search: q.Get("search"), Page: page, Size: size})
	s.respond(w, r, http.StatusOK, newPage(items, page, size, total), err)
}

// createEvent is EventCreate.
func (s *Server) createEvent(w http.ResponseWriter, r *http.Request, c user.Caller) {
	var req struct {
		Objective string `json:"objective"`
	}
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	e, err := s.app.Events.Create(r.Context(), c, req.Objective)
	s.respond(w, r, http.StatusCreated, e, err)
}

// getEvent is EventGet.
func (s *Server) getEvent(w http.ResponseWriter, r *http.Request, c user.Caller) {
	if id, ok := s.withEvent(w, r, nil); ok {
		e, err := s.app.Events.Get(r.Context(), c, id)
		s.respond(w, r, http.StatusOK, e, err)
	}
}

// visitCode is VisitCodeGet: today's store visit code, for the owner only.
// It is a secret of the day, so no cache may keep it.
func (s *Server) visitCode(w http.ResponseWriter, r *http.Request, c user.Caller) {
	if id, ok := s.withEvent(w, r, nil); ok {
		v, err := s.app.Events.VisitCode(r.Context(), c, id)
		s.respond(w, r, http.StatusOK, v, err, cacheControl("private, no-store"))
	}
}

// updateEvent is EventUpdate.
func (s *Server) updateEvent(w http.ResponseWriter, r *http.Request, c user.Caller) {
	var req struct {
		EventName   *string `json:"eventName"`
		Description *string `json:"description"`
		Prize       *string `json:"prize"`
		StartDate   *string `json:"startDate"`
		EndDate     *string `json:"endDate"`
		WinnerCount *int    `json:"winnerCount"`
		Budget      *int64  `json:"budget"`
		VerifyPhone *bool   `json:"verifyPhone"`
	}
	if id, ok := s.withEvent(w, r, &req); ok {
		e, err := s.app.Events.Update(r.Context(), c, id, event.Update(req))
		s.respond(w, r, http.StatusOK, e, err)
	}
}

// deleteEvent is EventDelete.
func (s *Server) deleteEvent(w http.ResponseWriter, r *http.Request, c user.Caller) {
	if id, ok := s.withEvent(w, r, nil); ok {
		s.respond(w, r, http.StatusNoContent, nil, s.app.Events.Delete(r.Context(), c, id))
	}
}

// jobAccepted is the answer of a request that starts a job (202).
type jobAccepted struct {
	JobID  uuid.UUID `json:"jobId"`
	Status string    `json:"status"`
}

func accepted(j event.Job) jobAccepted { return jobAccepted{JobID: j.JobID, Status: j.Status} }

// jobLocation is where a started job is followed (JobGet).
func jobLocation(j event.Job) replyOption { return location(RoutePrefix + "/jobs/" + j.JobID.String()) }

// requestRecommendations is RecommendationRequest.
func (s *Server) requestRecommendations(w http.ResponseWriter, r *http.Request, c user.Caller) {
	var req struct {
		Region *string `json:"region"`
		Budget *int64  `json:"budget"`
	}
	id, ok := s.withEventBody(w, r, &req, decodeOptionalJSON)
	if !ok {
		return
	}
	j, err := s.app.Events.RequestRecommendations(r.Context(), c, id, req.Region, req.Budget)
	s.respond(w, r, http.StatusAccepted, accepted(j), err, jobLocation(j))
}

// selectRecommendation is RecommendationSelect.
func (s *Server) selectRecommendation(w http.ResponseWriter, r *http.Request, c user.Caller) {
	var req struct {
		RecommendationID string  `json:"recommendationId"`
		EventName        *string `json:"eventName"`
		Description      *string `json:"description"`
		Prize            *string `json:"prize"`
		StartDate        *string `json:"startDate"`
		EndDate          *string `json:"endDate"`
	}
	id, ok := s.withEvent(w, r, &req)
	if !ok {
		return
	}
	recID, err := uuid.Parse(req.RecommendationID)
	if err != nil {
		var v apperr.Validation
		v.Addf("recommendationId", "must be the id of one of the event's recommendations")
		s.writeError(w, r, v.Err())
		return
	}
	e, err := s.app.Events.SelectRecommendation(r.Context(), c, id, event.Selection{RecommendationID: recID, EventName: req.EventName,
		Description: req.Description, Prize: req.Prize, StartDate: req.StartDate, EndDate: req.EndDate})
	s.respond(w, r, http.StatusOK, e, err)
}

// requestImages is ImageRequest.
func (s *Server) requestImages(w http.ResponseWriter, r *http.Request, c user.Caller) {
	var req struct {
		Styles     []string `json:"styles"`
		Platforms  []string `json:"platforms"`
		BrandColor *string  `json:"brandColor"`
	}
	id, ok := s.withEventBody(w, r, &req, decodeOptionalJSON)
	if !ok {
		return
	}
	j, err := s.app.Events.RequestImages(r.Context(), c, id, event.ImageRequest(req))
	s.respond(w, r, http.StatusAccepted, accepted(j), err, jobLocation(j))
}

// listImages is ImageList.
func (s *Server) listImages(w http.ResponseWriter, r *http.Request, c user.Caller) {
	if id, ok := s.withEvent(w, r, nil); ok {
		imgs, err := s.app.Events.Images(r.Context(), c, id)
		s.respond(w, r, http.StatusOK, imgs, err)
	}
}

func imageID(r *http.Request) (uuid.UUID, error) {
	return pathID(r, "imageId", event.CodeItemNotFound, "image")
}

// selectImage is ImageSelect.
func (s *Server) selectImage(w http.ResponseWriter, r *http.Request, c user.Caller) {
	id, ok := s.withEvent(w, r, nil)
	if !ok {
		return
	}
	img, err := imageID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	e, err := s.app.Events.SelectImage(r.Context(), c, id, img)
	s.respond(w, r, http.StatusOK, e, err)
}

// editImage is ImageEdit.
func (s *Server) editImage(w http.ResponseWriter, r *http.Request, c user.Caller) {
	var req event.ImageEdit
	id, ok := s.withEvent(w, r, &req)
	if !ok {
		return
	}
	img, err := imageID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	j, err := s.app.Events.RequestImageEdit(r.Context(), c, id, img, req)
	s.respond(w, r, http.StatusAccepted, accepted(j), err, jobLocation(j))
}

// selectChannels is ChannelSelect.
func (s *Server) selectChannels(w http.ResponseWriter, r *http.Request, c user.Caller) {
	var req struct {
		Channels []string                   `json:"channels"`
		Settings map[string]json.RawMessage `json:"settings"`
	}
	if id, ok := s.withEvent(w, r, &req); ok {
		e, err := s.app.Events.SelectChannels(r.Context(), c, id, event.ChannelChoice(req))
		s.respond(w, r, http.StatusOK, e, err)
	}
}

// publishEvent is EventPublish.
func (s *Server) publishEvent(w http.ResponseWriter, r *http.Request, c user.Caller) {
	if id, ok := s.withEvent(w, r, nil); ok {
		e, err := s.app.Events.Publish(r.Context(), c, id)
		s.respond(w, r, http.StatusOK, e, err)
	}
}

// endEvent is EventEnd.
func (s *Server) endEvent(w http.ResponseWriter, r *http.Request, c user.Caller) {
	if id, ok := s.withEvent(w, r, nil); ok {
		e, err := s.app.Events.End(r.Context(), c, id)
		s.respond(w, r, http.StatusOK, e, err)
	}
}

// getJob is JobGet.
func (s *Server) getJob(w http.ResponseWriter, r *http.Request, c user.Caller) {
	id, err := pathID(r, "jobId", event.CodeJobNotFound, "job")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	j, err := s.app.Events.GetJob(r.Context(), c, id)
	s.respond(w, r, http.StatusOK, j, err, noStore)
}

// publicEvent is EventPublicGet: anonymous and free of side effects, so
// the CDN and browsers may cache it (views arrive by recordView).
func (s *Server) publicEvent(w http.ResponseWriter, r *http.Request) {
	if id, ok := s.withEvent(w, r, nil); ok {
		p, err := s.app.Events.Snapshot(r.Context(), id)
		s.respond(w, r, http.StatusOK, p, err, publicCache)
	}
}

// recordView is EventViewRecord: the entry page's beacon, one per page
// load. navigator.sendBeacon posts text/plain, so any Content-Type is read
// as JSON; an empty body counts as DIRECT.
func (s *Server) recordView(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Ch string `json:"ch"`
	}
	if id, ok := s.withEventBody(w, r, &req, decodeAnyJSON); ok {
		err := s.app.Events.RecordView(r.Context(), id, req.Ch, clientIP(r, s.clientHops))
		s.respond(w, r, http.StatusNoContent, nil, err, noStore)
	}
}

// autoEndEvents is the EventAutoEnd timer.
func (s *Server) autoEndEvents(w http.ResponseWriter, r *http.Request, inv *Invocation) error {
	if _, err := inv.Timer(); err != nil {
		return err
	}
	res, err := s.app.Events.AutoEnd(r.Context())
	inv.Logf("events ended: %d, stale jobs failed: %d", res.Ended, res.JobsFailed)
	s.log.InfoContext(r.Context(), "auto-end", "ended", res.Ended, "jobsFailed", res.JobsFailed)
	return err
}
