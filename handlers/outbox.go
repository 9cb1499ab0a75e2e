package handlers

import "net/http"

// relayOutbox is the OutboxRelay timer: it sends messages whose immediate
// send after commit did not happen. A broker failure fails the invocation;
// the next tick tries again.
func (s *Server) relayOutbox(w http.ResponseWriter, r *http.Request, inv *Invocation) error {
	timer, err := inv.Timer()
	if err != nil {
		return err
	}
	res, purged, err := s.app.Outbox.RelayTick(r.Context())
	s.log.InfoContext(r.Context(), "outbox relay", "sent", res.Sent, "failed", res.Failed, "purged", purged, "pastDue", timer.IsPastDue)
	inv.Logf("outbox relay: sent %d, failed %d, purged %d", res.Sent, res.Failed, purged)
	return err
}
