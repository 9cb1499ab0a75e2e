package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/eventmkt/backend/shared/analytics"
	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/user"
)

// The analytics reads (API.md "Analytics"): four per event under
// /events/{eventId}/analytics, the same four per owner under
// /users/{userId}/analytics. The domain checks who may read what.

// channelsResponse is the channel report with its measured/estimated labels.
type channelsResponse struct {
	Channels []analytics.ChannelReport `json:"channels"`
	Figures  analytics.Figures         `json:"figures"`
}

// analyticsDashboard is AnalyticsDashboard (refresh=true bypasses the cache).
func (s *Server) analyticsDashboard(w http.ResponseWriter, r *http.Request, c user.Caller) {
	id, ok := s.withEvent(w, r, nil)
	if !ok {
		return
	}
	refresh, err := refreshParam(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	d, err := s.app.Analytics.Dashboard(r.Context(), c, id, refresh)
	s.respond(w, r, http.StatusOK, d, err)
}

// analyticsChannels is AnalyticsChannels (channels CSV, sortBy, sortOrder).
func (s *Server) analyticsChannels(w http.ResponseWriter, r *http.Request, c user.Caller) {
	id, ok := s.withEvent(w, r, nil)
	if !ok {
		return
	}
	list, err := s.app.Analytics.Channels(r.Context(), c, id, channelQuery(r))
	s.respond(w, r, http.StatusOK, channelsReply(list), err)
}

// analyticsRoi is AnalyticsRoi.
func (s *Server) analyticsRoi(w http.ResponseWriter, r *http.Request, c user.Caller) {
	id, ok := s.withEvent(w, r, nil)
	if !ok {
		return
	}
	rep, err := s.app.Analytics.ROIReport(r.Context(), c, id)
	s.respond(w, r, http.StatusOK, rep, err)
}

// analyticsTimeline is AnalyticsTimeline (granularity, startDate, endDate).
func (s *Server) analyticsTimeline(w http.ResponseWriter, r *http.Request, c user.Caller) {
	id, ok := s.withEvent(w, r, nil)
	if !ok {
		return
	}
	q, err := timelineQuery(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	t, err := s.app.Analytics.Timeline(r.Context(), c, id, q)
	s.respond(w, r, http.StatusOK, t, err)
}

// userAnalytics is UserAnalytics: the dashboard over the owner's events.
func (s *Server) userAnalytics(w http.ResponseWriter, r *http.Request, c user.Caller) {
	id, ok := s.withUser(w, r)
	if !ok {
		return
	}
	refresh, err := refreshParam(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	d, err := s.app.Analytics.UserDashboard(r.Context(), c, id, refresh)
	s.respond(w, r, http.StatusOK, d, err)
}

// userAnalyticsChannels is UserAnalyticsChannels.
func (s *Server) userAnalyticsChannels(w http.ResponseWriter, r *http.Request, c user.Caller) {
	id, ok := s.withUser(w, r)
	if !ok {
		return
	}
	list, err := s.app.Analytics.UserChannels(r.Context(), c, id, channelQuery(r))
	s.respond(w, r, http.StatusOK, channelsReply(list), err)
}

// userAnalyticsRoi is UserAnalyticsRoi.
func (s *Server) userAnalyticsRoi(w http.ResponseWriter, r *http.Request, c user.Caller) {
	id, ok := s.withUser(w, r)
	if !ok {
		return
	}
	rep, err := s.app.Analytics.UserROI(r.Context(), c, id)
	s.respond(w, r, http.StatusOK, rep, err)
}

// userAnalyticsTimeline is UserAnalyticsTimeline.
func (s *Server) userAnalyticsTimeline(w http.ResponseWriter, r *http.Request, c user.Caller) {
	id, ok := s.withUser(w, r)
	if !ok {
		return
	}
	q, err := timelineQuery(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	t, err := s.app.Analytics.UserTimeline(r.Context(), c, id, q)
	s.respond(w, r, http.StatusOK, t, err)
}

// channelsReply is the channel report with its measured/estimated labels.
func channelsReply(list []analytics.ChannelReport) channelsResponse {
	return channelsResponse{Channels: list, Figures: analytics.ChannelFigures()}
}

// refreshParam reads refresh=true|false (absent: false).
func refreshParam(r *http.Request) (bool, error) {
	var v apperr.Validation
	b := boolParam(r, "refresh", &v)
	if err := v.Err(); err != nil {
		return false, err
	}
	return b != nil && *b, nil
}

// channelQuery reads channels (comma-separated, any case), sortBy and
// sortOrder; the domain says what is wrong with them.
func channelQuery(r *http.Request) analytics.ChannelQuery {
	q := r.URL.Query()
	var channels []string
	for _, ch := range strings.Split(q.Get("channels"), ",") {
		if ch = strings.ToUpper(strings.TrimSpace(ch)); ch != "" {
			channels = append(channels, ch)
		}
	}
	return analytics.ChannelQuery{Channels: channels, SortBy: q.Get("sortBy"), SortOrder: strings.ToLower(q.Get("sortOrder"))}
}

// timelineQuery reads granularity and the startDate/endDate calendar dates
// (YYYY-MM-DD).
func timelineQuery(r *http.Request) (analytics.TimelineQuery, error) {
	var v apperr.Validation
	q := analytics.TimelineQuery{Granularity: strings.ToLower(r.URL.Query().Get("granularity"))}
	date := func(name string) *event.Date {
		s := r.URL.Query().Get(name)
		if s == "" {
			return nil
		}
		d, err := event.ParseDate(s)
		v.Check(err == nil, name, "must be a date YYYY-MM-DD, got %s", strconv.Quote(s))
		return &d
	}
	q.StartDate, q.EndDate = date("startDate"), date("endDate")
	return q, v.Err()
}
