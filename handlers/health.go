package handlers

import "net/http"

// getHealth is the Health function: 200 when Postgres, Redis, Blob and Table
// storage all answer, 503 (with which is down) otherwise.
func (s *Server) getHealth(w http.ResponseWriter, r *http.Request) {
	report := s.app.Health.Run(r.Context())
	status := http.StatusOK
	if !report.OK() {
		status = http.StatusServiceUnavailable
	}
	s.respond(w, r, status, report, nil, noStore)
}
