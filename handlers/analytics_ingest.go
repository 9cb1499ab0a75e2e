package handlers

import (
	"net/http"
)

// ingestAnalytics is the AnalyticsIngest queue function: every message is
// recorded once in the raw log; StatsRollup folds it later.
func (s *Server) ingestAnalytics(w http.ResponseWriter, r *http.Request, inv *Invocation) error {
	m, err := inv.Message()
	if err != nil {
		return err
	}
	fresh, err := s.app.Analytics.Ingest(r.Context(), m.MessageID, m.Subject, m.Body)
	if err == nil && !fresh {
		inv.Logf("message %s already recorded; delivery %d changed nothing", m.MessageID, m.DeliveryCount)
	}
	return err
}

// rollupStats is the StatsRollup timer.
func (s *Server) rollupStats(w http.ResponseWriter, r *http.Request, inv *Invocation) error {
	if _, err := inv.Timer(); err != nil {
		return err
	}
	res, err := s.app.Analytics.Rollup(r.Context())
	inv.Logf("rollup: %d raw rows folded in %d batches, %d events changed, page views of %d events taken", res.Raw, res.Batches, res.Events, res.ViewBatches)
	s.log.InfoContext(r.Context(), "stats rolled up", "raw", res.Raw, "batches", res.Batches, "events", res.Events, "viewEvents", res.ViewBatches)
	return err
}
