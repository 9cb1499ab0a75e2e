package handlers

import (
	"net/http"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/user"
)

// distributeChannel is the ChannelDistribute queue function: one channel
// of one event per message.
func (s *Server) distributeChannel(w http.ResponseWriter, r *http.Request, inv *Invocation) error {
	var job event.DistributeChannel
	m, err := decodeMessage(inv, &job, func() uuid.UUID { return job.EventID })
	if err != nil {
		return err
	}
	out, err := s.app.Distribution.Distribute(r.Context(), m.MessageID, job)
	if err == nil {
		inv.Logf("%s of event %s: %s (delivery %d)", job.Channel, job.EventID, out, m.DeliveryCount)
	}
	return err
}

// distributionStatus is DistributionStatusGet.
func (s *Server) distributionStatus(w http.ResponseWriter, r *http.Request, c user.Caller) {
	id, ok := s.withEvent(w, r, nil)
	if !ok {
		return
	}
	st, err := s.app.Distribution.Status(r.Context(), c, id)
	s.respond(w, r, http.StatusOK, st, err)
}

// retryChannel is DistributionRetry.
func (s *Server) retryChannel(w http.ResponseWriter, r *http.Request, c user.Caller) {
	id, ok := s.withEventBody(w, r, nil, decodeOptionalJSON)
	if !ok {
		return
	}
	receipt, err := s.app.Distribution.Retry(r.Context(), c, id, r.PathValue("channel"))
	s.respond(w, r, http.StatusAccepted, receipt, err)
}

// collectChannelStats is the ChannelStatsCollect timer.
func (s *Server) collectChannelStats(w http.ResponseWriter, r *http.Request, inv *Invocation) error {
	if _, err := inv.Timer(); err != nil {
		return err
	}
	res, err := s.app.Distribution.CollectMetrics(r.Context())
	inv.Logf("channel metrics: %d live posts, %d collected, %d failed", res.Posts, res.Collected, res.Failed)
	s.log.InfoContext(r.Context(), "channel stats collected", "posts", res.Posts, "collected", res.Collected, "failed", res.Failed)
	return err
}
