// Package handlers is the only code that knows HTTP, JSON and the Azure
// Functions custom-handler protocol. Each handler decodes, validates the
// shape, makes one service call and encodes; the domains decide.
package handlers

import (
	"cmp"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/eventmkt/backend/app"
	"github.com/eventmkt/backend/shared/queue"
)

// RoutePrefix is host.json's extensions.http.routePrefix.
const RoutePrefix = "/api/v1"

// Trigger kinds of the functions this handler serves.
const (
	TriggerHTTP  = "http"
	TriggerTimer = "timer"
	TriggerQueue = "queue"
)

// Function describes one Azure Function the handler serves; a test checks it
// against functions/<Name>/function.json.
type Function struct {
	Name    string
	Trigger string
	Method  string // HTTP only
	Route   string // HTTP only, relative to RoutePrefix, as in function.json
	Queue   string // queue only
}

// Server routes forwarded HTTP requests (/api/v1/...) and invocations of
// timer and queue functions (POST /<FunctionName>).
type Server struct {
	log     *slog.Logger
	maxBody int64
	timeout time.Duration
	// invocationTimeout and invocations: the deadline of the timer and
	// queue functions, and their paths ("/<Name>").
	invocationTimeout time.Duration
	invocations       map[string]bool
	// clientHops is how many trusted proxies append to X-Forwarded-For
	// after the one that saw the customer (clientIP; CLIENT_ADDRESS_HOPS).
	clientHops int

	// app is what the handlers call: the services New was given, read
	// from the App rather than copied into fields of their own.
	app *app.App

	mux       *http.ServeMux
	functions []Function
	// functionAt names the function of each mux pattern, for the logs.
	functionAt map[string]string
	handler    http.Handler
}

// New serves a built app (app.New): its services, and its settings for
// the request and invocation deadlines, the body limit and the client
// address. The invocation deadline is QUEUE_TIMEOUT_SECONDS: longer than a
// request's (a slow channel chain, an AI call and its fallback), below
// host.json functionTimeout; 0 means DefaultInvocationTimeout.
func New(a *app.App) *Server {
	s := &Server{
		log:               a.Log,
		maxBody:           a.Config.MaxBodyBytes,
		timeout:           a.Config.RequestTimeout,
		invocationTimeout: cmp.Or(a.Config.QueueTimeout, DefaultInvocationTimeout),
		invocations:       map[string]bool{},
		clientHops:        a.Config.ClientAddressHops,
		app:               a,
		mux:               http.NewServeMux(),
		functionAt:        map[string]string{},
	}
	s.routes()
	s.handler = s.withInvocation(s.recoverPanics(s.limitBody(s.withTimeout(http.HandlerFunc(s.dispatch)))))
	return s
}

// routes is the table of every function: find a function's code from here.
func (s *Server) routes() {
	s.httpFunc("Health", http.MethodGet, "health", s.getHealth)
	s.timerFunc("OutboxRelay", s.relayOutbox)

	s.httpFunc("UserRegister", http.MethodPost, "users/register", s.register)
	s.httpFunc("UserLogin", http.MethodPost, "users/login", s.login)
	s.httpFunc("UserRefresh", http.MethodPost, "users/refresh", s.refresh)
	s.httpFunc("UserLogout", http.MethodPost, "users/logout", s.owner(s.logout))
	s.httpFunc("UserProfileGet", http.MethodGet, "users/profile", s.owner(s.getProfile))
	s.httpFunc("UserProfileUpdate", http.MethodPut, "users/profile", s.owner(s.updateProfile))
	s.httpFunc("UserPasswordChange", http.MethodPut, "users/password", s.owner(s.changePassword))
	s.httpFunc("UserStoreGet", http.MethodGet, "users/{userId}/store", s.owner(s.getStore))
	s.httpFunc("StorePhoneVerificationStart", http.MethodPost, "users/store/phone-verifications", s.owner(s.sendStorePhoneCode))
	s.httpFunc("StorePhoneVerificationConfirm", http.MethodPost, "users/store/phone-verifications/confirm", s.owner(s.confirmStorePhoneCode))

	s.httpFunc("EventList", http.MethodGet, "events", s.owner(s.listEvents))
	s.httpFunc("EventCreate", http.MethodPost, "events/objectives", s.owner(s.createEvent))
	s.httpFunc("EventGet", http.MethodGet, "events/{eventId}", s.owner(s.getEvent))
	s.httpFunc("EventUpdate", http.MethodPut, "events/{eventId}", s.owner(s.updateEvent))
	s.httpFunc("EventDelete", http.MethodDelete, "events/{eventId}", s.owner(s.deleteEvent))
	s.httpFunc("VisitCodeGet", http.MethodGet, "events/{eventId}/visit-code", s.owner(s.visitCode))
	s.httpFunc("RecommendationRequest", http.MethodPost, "events/{eventId}/ai-recommendations", s.owner(s.requestRecommendations))
	s.httpFunc("RecommendationSelect", http.MethodPut, "events/{eventId}/recommendations", s.owner(s.selectRecommendation))
	s.httpFunc("ImageRequest", http.MethodPost, "events/{eventId}/images", s.owner(s.requestImages))
	s.httpFunc("ImageList", http.MethodGet, "events/{eventId}/images", s.owner(s.listImages))
	s.httpFunc("ImageSelect", http.MethodPut, "events/{eventId}/images/{imageId}/select", s.owner(s.selectImage))
	s.httpFunc("ImageEdit", http.MethodPut, "events/{eventId}/images/{imageId}/edit", s.owner(s.editImage))
	s.httpFunc("ChannelSelect", http.MethodPut, "events/{eventId}/channels", s.owner(s.selectChannels))
	s.httpFunc("EventPublish", http.MethodPost, "events/{eventId}/publish", s.owner(s.publishEvent))
	s.httpFunc("EventEnd", http.MethodPost, "events/{eventId}/end", s.owner(s.endEvent))
	s.httpFunc("JobGet", http.MethodGet, "jobs/{jobId}", s.owner(s.getJob))
	s.httpFunc("EventPublicGet", http.MethodGet, "public/events/{eventId}", s.publicEvent)
	s.httpFunc("EventViewRecord", http.MethodPost, "public/events/{eventId}/views", s.recordView)
	s.timerFunc("EventAutoEnd", s.autoEndEvents)
	s.queueFunc("RecommendationGenerate", queue.AIRecommendationJobs, s.generateRecommendations)
	s.queueFunc("ImageGenerate", queue.ImageGenerationJobs, s.generateImages)

	s.httpFunc("ParticipationSubmit", http.MethodPost, "events/{eventId}/participate", s.submitEntry)
	s.httpFunc("PhoneVerificationStart", http.MethodPost, "public/events/{eventId}/phone-verifications", s.sendPhoneCode)
	s.httpFunc("PhoneVerificationConfirm", http.MethodPost, "public/events/{eventId}/phone-verifications/confirm", s.confirmPhoneCode)
	s.httpFunc("ParticipantList", http.MethodGet, "events/{eventId}/participants", s.owner(s.listParticipants))
	s.httpFunc("ParticipantGet", http.MethodGet, "events/{eventId}/participants/{participantId}", s.owner(s.getParticipant))
	s.httpFunc("ParticipantExport", http.MethodGet, "events/{eventId}/participants/export", s.owner(s.exportParticipants))
	s.httpFunc("WinnerDraw", http.MethodPost, "events/{eventId}/draw-winners", s.owner(s.drawWinners))
	s.httpFunc("WinnerList", http.MethodGet, "events/{eventId}/winners", s.owner(s.listWinners))
	s.httpFunc("WinnerDisqualify", http.MethodPost, "events/{eventId}/winners/{participantId}/disqualify", s.owner(s.disqualifyWinner))
	s.httpFunc("DrawProofGet", http.MethodGet, "public/events/{eventId}/draw-proof", s.drawProof)
	s.httpFunc("DrawProofLink", http.MethodGet, "public/events/{eventId}/draw-proof/link", s.drawProofLink)
	s.httpFunc("EventResultsGet", http.MethodGet, "public/events/{eventId}/results", s.eventResults)
	s.timerFunc("PrivacyPurge", s.purgePrivacy)
	s.httpFunc("WinnerNotifyRequest", http.MethodPost, "events/{eventId}/winners/notify", s.owner(s.notifyWinners))
	s.queueFunc("WinnerNotify", queue.WinnerNotify, s.sendWinnerNotice)

	s.queueFunc("ChannelDistribute", queue.DistributionJobs, s.distributeChannel)
	s.httpFunc("DistributionStatusGet", http.MethodGet, "distribution/{eventId}/status", s.owner(s.distributionStatus))
	s.httpFunc("DistributionRetry", http.MethodPost, "distribution/{eventId}/channels/{channel}/retry", s.owner(s.retryChannel))
	s.timerFunc("ChannelStatsCollect", s.collectChannelStats)

	s.queueFunc("AnalyticsIngest", queue.AnalyticsEvents, s.ingestAnalytics)
	s.timerFunc("StatsRollup", s.rollupStats)
	s.httpFunc("AnalyticsDashboard", http.MethodGet, "events/{eventId}/analytics", s.owner(s.analyticsDashboard))
	s.httpFunc("AnalyticsChannels", http.MethodGet, "events/{eventId}/analytics/channels", s.owner(s.analyticsChannels))
	s.httpFunc("AnalyticsRoi", http.MethodGet, "events/{eventId}/analytics/roi", s.owner(s.analyticsRoi))
	s.httpFunc("AnalyticsTimeline", http.MethodGet, "events/{eventId}/analytics/timeline", s.owner(s.analyticsTimeline))
	s.httpFunc("UserAnalytics", http.MethodGet, "users/{userId}/analytics", s.owner(s.userAnalytics))
	s.httpFunc("UserAnalyticsChannels", http.MethodGet, "users/{userId}/analytics/channels", s.owner(s.userAnalyticsChannels))
	s.httpFunc("UserAnalyticsRoi", http.MethodGet, "users/{userId}/analytics/roi", s.owner(s.userAnalyticsRoi))
	s.httpFunc("UserAnalyticsTimeline", http.MethodGet, "users/{userId}/analytics/timeline", s.owner(s.userAnalyticsTimeline))
}

// Functions lists the functions the server handles.
func (s *Server) Functions() []Function { return s.functions }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// httpFunc registers an HTTP function on its forwarded path, plus POST
// /<Name> for envelope invocations when forwarding is off.
func (s *Server) httpFunc(name, method, route string, h http.HandlerFunc) {
	s.functions = append(s.functions, Function{Name: name, Trigger: TriggerHTTP, Method: method, Route: route})
	s.handle(name, method+" "+RoutePrefix+"/"+route, h)
	s.handle(name, "POST /"+name, s.envelopeHTTP(name))
}

func (s *Server) timerFunc(name string, fn invocationFunc) {
	s.functions = append(s.functions, Function{Name: name, Trigger: TriggerTimer})
	s.invocations["/"+name] = true
	s.handle(name, "POST /"+name, s.invoke(name, fn))
}

func (s *Server) queueFunc(name, queueName string, fn invocationFunc) {
	s.functions = append(s.functions, Function{Name: name, Trigger: TriggerQueue, Queue: queueName})
	s.invocations["/"+name] = true
	s.handle(name, "POST /"+name, s.invoke(name, fn))
}

func (s *Server) handle(function, pattern string, h http.HandlerFunc) {
	s.functionAt[pattern] = function
	s.mux.HandleFunc(pattern, h)
}

// functionOf names the function r is for ("" for no route), so that a log
// record says which function failed, as the host's own records do.
func (s *Server) functionOf(r *http.Request) string {
	pattern := r.Pattern
	if pattern == "" { // not routed yet (refused before the mux)
		_, pattern = s.mux.Handler(r)
	}
	return s.functionAt[pattern]
}

// dispatch serves matched routes and turns the mux's own 404 and 405 into
// problem documents.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request) {
	h, pattern := s.mux.Handler(r)
	if pattern != "" {
		if err := requestTextError(r, pattern); err != nil {
			s.writeError(w, r, err)
			return
		}
		s.mux.ServeHTTP(w, r)
		return
	}
	probe := &headerProbe{header: http.Header{}}
	h.ServeHTTP(probe, r)
	if probe.status >= 400 || probe.status == 0 {
		s.log.InfoContext(r.Context(), "request refused: no route", "method", r.Method, "path", r.URL.Path)
	}
	switch probe.status {
	case http.StatusMethodNotAllowed:
		w.Header().Set("Allow", probe.header.Get("Allow"))
		writeProblem(w, r, http.StatusMethodNotAllowed, codeMethodNotAllowed, r.Method+" is not allowed on "+r.URL.Path, nil)
	case http.StatusNotFound, 0:
		writeProblem(w, r, http.StatusNotFound, codeNotFound, "no endpoint at "+r.URL.Path, nil)
	default: // a redirect (e.g. a cleaned path): pass it on
		for k, v := range probe.header {
			w.Header()[k] = v
		}
		w.WriteHeader(probe.status)
	}
}

// headerProbe captures what the mux's fallback handler would answer.
type headerProbe struct {
	header http.Header
	status int
}

func (p *headerProbe) Header() http.Header { return p.header }
func (p *headerProbe) WriteHeader(code int) {
	if p.status == 0 {
		p.status = code
	}
}
func (p *headerProbe) Write(b []byte) (int, error) {
	if p.status == 0 {
		p.status = http.StatusOK
	}
	return len(b), nil
}

// HTTPRoutes maps "METHOD /api/v1/route" to function names, for the devhost
// and for tests.
func (s *Server) HTTPRoutes() map[string]string {
	out := map[string]string{}
	for _, f := range s.functions {
		if f.Trigger == TriggerHTTP {
			out[strings.ToUpper(f.Method)+" "+RoutePrefix+"/"+f.Route] = f.Name
		}
	}
	return out
}
