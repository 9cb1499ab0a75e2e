// Command handler is the whole event-marketing backend as one Azure Functions
// custom handler, plus the tools that run beside it (tools/: the local host,
// the channel simulator, the bench, packaging, proof verification). This file
// holds only the subcommand table, the serve loop and migrate; app.New wires
// the app for serve, the tests and the bench alike.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
	_ "time/tzdata" // event time zones must resolve on any host image

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/eventmkt/backend/handlers"
	"github.com/eventmkt/backend/infra"
	"github.com/eventmkt/backend/shared/analytics"
	"github.com/eventmkt/backend/shared/blob"
	"github.com/eventmkt/backend/shared/config"
	"github.com/eventmkt/backend/shared/content"
	"github.com/eventmkt/backend/shared/distribution"
	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/health"
	"github.com/eventmkt/backend/shared/logging"
	"github.com/eventmkt/backend/shared/messaging"
	"github.com/eventmkt/backend/shared/openai"
	"github.com/eventmkt/backend/shared/participation"
	"github.com/eventmkt/backend/shared/phoneverify"
	"github.com/eventmkt/backend/shared/postgres"
	"github.com/eventmkt/backend/shared/queue"
	"github.com/eventmkt/backend/shared/recommend"
	"github.com/eventmkt/backend/shared/redis"
	"github.com/eventmkt/backend/shared/tables"
	"github.com/eventmkt/backend/shared/user"
	"github.com/eventmkt/backend/tools/bench"
	"github.com/eventmkt/backend/tools/channelsim"
	"github.com/eventmkt/backend/tools/deploy"
	"github.com/eventmkt/backend/tools/devhost"
	"github.com/eventmkt/backend/tools/verifydraw"
)

// command is one subcommand: its usage line and what runs it. Every tool
// lives in its own package under tools/ with the same Run signature.
type command struct {
	name, usage string
	run         func(ctx context.Context, args []string, stdout io.Writer) error
}

// commands is the subcommand table; "" (no argument) is how the Functions
// host starts us.
func commands() []command {
	return []command{
		{"serve", "serve [-local]   serve the functions on 127.0.0.1:$FUNCTIONS_CUSTOMHANDLER_PORT (the default; -local reads settings missing from the environment from local.settings.json(.example))", serve},
		{"migrate", "migrate   apply pending schema migrations to POSTGRES_URL, creating the database if missing", migrate},
		{"devhost", "devhost   run the app locally the way Azure Functions does (HTTP on :7071, timers, queues), with the web app (dist/web) on the same origin", devhost.Run},
		{"package", "package   -exe PATH -out dist/app.zip: zip host.json, the linux handler and functions/* for a zip deploy", withName("package", deploy.Run)},
		{"stage", "stage     -exe PATH -dir dist/stage: the same layout as a folder, for func start or the devhost", withName("stage", deploy.Run)},
		{"verify-draw", "verify-draw FILE|URL   recompute a draw proof bundle and print OK or the first mismatch", verifydraw.Run},
		{"bench", "bench [SUITE...]   run the performance suites (login plan posters jobs submit draw instances distribution analytics lighthouse webverify pgcost) and print the table", bench.Run},
		{"analytics-rebuild", "analytics-rebuild -event ID   recompute an event's stats from the raw analytics log", analyticsRebuild},
		{"channel-sim", "channel-sim [-addr 127.0.0.1:7072] [-latency-min D] [-latency-max D] [-fail P]\n            play the six channels' remote APIs locally (make run starts it)", channelsim.Run},
	}
}

// withName gives a tool that serves several commands the one it runs as.
func withName(name string, run func(context.Context, []string, io.Writer) error) func(context.Context, []string, io.Writer) error {
	return func(ctx context.Context, args []string, stdout io.Writer) error {
		return run(ctx, append([]string{name}, args...), stdout)
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, "usage: handler [command]\n\ncommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %s\n", c.usage)
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "handler:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return serve(ctx, nil, stdout)
	}
	switch args[0] {
	case "help", "-h", "--help":
		usage(stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout)
		}
	}
	usage(stderr)
	return fmt.Errorf("unknown command %q", args[0])
}

// serve runs the custom handler. Nothing here waits for a dependency: the
// port is open within milliseconds and Health reports what is down.
func serve(ctx context.Context, args []string, stdout io.Writer) error {
	local := len(args) > 0 && args[0] == "-local"
	port, err := strconv.Atoi(os.Getenv("FUNCTIONS_CUSTOMHANDLER_PORT"))
	if err != nil || port <= 0 || port > 65535 {
		return errors.New("setting FUNCTIONS_CUSTOMHANDLER_PORT: missing or not a port (the Functions host sets it)")
	}
	lookup := config.Env()
	if local {
		if lookup, err = config.WithLocalSettings(config.LocalSettingsPath(".")); err != nil {
			return err
		}
	}
	cfg, err := config.Load(lookup)
	if err != nil {
		return err
	}
	log := logging.New(stdout, cfg.LogLevel)
	app, err := wire(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer app.close()

	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{
		Handler:           app.server,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("handler listening", "addr", ln.Addr().String(), "functions", len(app.server.Functions()), "broker", cfg.QueueBroker)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 4*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

// app holds what serve wires together.
type app struct {
	server    *handlers.Server
	analytics *analytics.Service
	close     func()
}

// wire builds every client and service explicitly; nothing is global.
func wire(ctx context.Context, cfg config.Config, log *slog.Logger) (*app, error) {
	db, err := postgres.Open(ctx, cfg.PostgresURL, cfg.PostgresMaxConns, postgres.WithExecMode(postgres.ExecModes[cfg.PostgresExecMode]))
	if err != nil {
		return nil, err
	}
	rdb, err := redis.Open(cfg.RedisURL, cfg.RedisCluster)
	if err != nil {
		return nil, err
	}
	blobs, err := blob.Open(cfg.StorageConnectionString, cfg.StorageAccountName, cfg.AzureClientID)
	if err != nil {
		return nil, err
	}
	// Downloads (exports, proofs) leave through SAS links: the Functions
	// host buffers whole answers on Azure.
	links, err := blob.NewLinks(blobs, cfg.StorageConnectionString, cfg.DownloadLinkTTL, time.Now)
	if err != nil {
		return nil, err
	}
	tbl, err := tables.Open(cfg.StorageConnectionString, cfg.StorageAccountName, cfg.AzureClientID)
	if err != nil {
		return nil, err
	}
	var pub queue.Publisher
	switch cfg.QueueBroker {
	case config.BrokerServiceBus:
		pub, err = queue.NewServiceBus(cfg.ServiceBusConnectionString, cfg.ServiceBusNamespace, cfg.AzureClientID)
		if err != nil {
			return nil, err
		}
	default:
		queues, err := queue.ParseTable(infra.QueuesJSON)
		if err != nil {
			return nil, err
		}
		pub = queue.NewRedisStreams(rdb, queue.LocalPrefix).WithTable(queues) // duplicate windows per queue, as on Service Bus
	}
	outbox := queue.NewOutbox(db, pub, log)
	go outbox.Run(ctx) // batched sends of hot-path messages (entries)
	checker := health.NewChecker(log, 3*time.Second,
		health.Probe{Name: "postgres", Check: db.Ping},
		health.Probe{Name: "redis", Check: func(ctx context.Context) error { return rdb.Ping(ctx).Err() }},
		health.Probe{Name: "blob", Check: func(ctx context.Context) error { return blob.Ping(ctx, blobs) }},
		health.Probe{Name: "table", Check: func(ctx context.Context) error { return tables.Ping(ctx, tbl) }},
	)
	users, err := user.NewService(db, rdb, log, user.Config{
		Tokens: user.TokenConfig{Key: cfg.JWTSigningKey, Issuer: cfg.JWTIssuer, Audience: cfg.JWTAudience,
			AccessTTL: cfg.AccessTokenTTL, RefreshTTL: cfg.RefreshTokenTTL},
		BcryptCost:             cfg.BcryptCost,
		LoginRatePerIP:         cfg.LoginRatePerIP,
		RegisterRatePerIP:      cfg.RegisterRatePerIP,
		PasswordChangesPerHour: cfg.PasswordChangesPerHour,
		LoginSlowdownAfter:     cfg.LoginSlowdownAfter,
	}, time.Now)
	if err != nil {
		return nil, err
	}
	var ai *openai.Client
	if cfg.AIBaseURL != "" {
		if ai, err = openai.New(openai.Config{BaseURL: cfg.AIBaseURL, APIKey: cfg.AIAPIKey, Flavor: cfg.AIFlavor, APIVersion: cfg.AIAPIVersion,
			AzureClientID: cfg.AzureClientID, ChatModel: cfg.AIChatModel, ImageModel: cfg.AIImageModel, Timeout: cfg.AITimeout}); err != nil {
			return nil, err
		}
	}
	renderer, err := content.NewRenderer()
	if err != nil {
		return nil, err
	}
	var art content.Art
	if ai != nil && cfg.AIImageModel != "" {
		art = content.NewOpenAIArt(ai, cfg.AIImageModel)
	}
	posters := content.NewService(renderer, art, blobs, cfg.ImageContainer, cfg.ImageBaseURL, log)
	posters.FallbackBudget = cfg.AIFallbackBudget
	events := event.NewService(db, rdb, outbox, log, users, participation.NewCounter(db, rdb), event.Config{
		TimeZone: cfg.TimeZone, JobTimeout: cfg.JobTimeout, PublicWebURL: cfg.PublicWebURL,
		PlanJobsPerDay: cfg.PlanJobsPerDay, PosterJobsPerDay: cfg.PosterJobsPerDay,
		RetentionDays: int(cfg.PrivacyRetention / (24 * time.Hour)), ViewRatePerClient: cfg.ViewRatePerClient, WebPosters: posters,
	}, time.Now)
	var aiPlanner *recommend.AI
	if ai != nil {
		aiPlanner = recommend.NewAI(ai)
	}
	planner := recommend.NewService(aiPlanner, recommend.NewBuiltin(), rdb, log)
	planner.FallbackBudget = cfg.AIFallbackBudget
	sender := messagingSender(cfg) // one SMS/AlimTalk client for verification codes and winner notices
	phones := phoneverify.NewService(rdb, events, sender, log, phoneverify.Config{
		SendsPerPhone: cfg.PhoneVerifySendsPerPhone, SendsPerClient: cfg.PhoneVerifySendsPerClient, TokenTTL: cfg.PhoneVerifyTokenTTL, Stores: users,
	}, time.Now)
	entries := participation.NewService(db, rdb, outbox, blobs, events, log, participation.Config{
		RatePerClient: cfg.RatePerClient, RatePerPhone: cfg.RatePerPhone, RatePerIPv4Net: cfg.RatePerIPv4Net, RatePerIPv6Net: cfg.RatePerIPv6Net,
		PurgeAfter: cfg.PrivacyRetention, ProofContainer: cfg.DrawProofContainer, ProofBuildTimeout: cfg.ProofBuildTimeout,
		ExportsPerOwner: cfg.ExportsPerOwner, ExportMaxDuration: cfg.ExportMaxDuration, ExportContainer: cfg.ExportContainer, Links: links,
		UndrawnGrace: cfg.UndrawnGrace, FlagNetworkEntries: cfg.FlagNetworkEntries, FlagBurstPerMinute: cfg.FlagBurstPerMinute,
		PhoneTokens: phones, BatchSize: cfg.EntryBatchSize, BatchDelay: cfg.EntryBatchDelay, BatchWriters: cfg.EntryBatchWriters,
	}, time.Now)
	notifier := participation.NewNotifier(entries, sender, tbl, participation.NotifyConfig{
		TemplateCode: cfg.MessagingWinnerTemplate, PublicWebURL: cfg.PublicWebURL,
		MaxAttempts: cfg.WinnerNotifyMaxAttempts, BaseBackoff: cfg.WinnerNotifyBackoff, AttemptTable: cfg.WinnerNotifyTable,
		Lease: cfg.MessagingTimeout*2 + time.Minute,
	})
	kits := distribution.NewShareKits(blobs, cfg.ImageContainer, cfg.ImageBaseURL)
	channelHTTP := &http.Client{Timeout: cfg.ChannelTimeout}
	fanout := distribution.NewService(db, rdb, outbox, tbl, events, []distribution.Adapter{
		distribution.NewUriDongneTV(distribution.KTConfig{BaseURL: cfg.UriDongneTVBaseURL, APIKey: cfg.UriDongneTVAPIKey}, channelHTTP),
		distribution.NewRingoBiz(distribution.KTConfig{BaseURL: cfg.RingoBizBaseURL, APIKey: cfg.RingoBizAPIKey}, channelHTTP),
		distribution.NewGiniTV(distribution.KTConfig{BaseURL: cfg.GiniTVBaseURL, APIKey: cfg.GiniTVAPIKey}, channelHTTP),
		distribution.NewInstagram(distribution.InstagramConfig{BaseURL: cfg.InstagramBaseURL, UserID: cfg.InstagramUserID, AccessToken: cfg.InstagramAccessToken}, channelHTTP),
		distribution.NewNaver(kits),
		distribution.NewKakao(distribution.KakaoConfig{BaseURL: cfg.KakaoBaseURL, APIKey: cfg.KakaoAPIKey, ChannelID: cfg.KakaoChannelID}, channelHTTP, kits),
	}, log, distribution.Config{
		MaxAttempts: cfg.DistributionMaxAttempts, BreakerThreshold: cfg.BreakerThreshold, BreakerCooldown: cfg.BreakerCooldown, AttemptTable: cfg.AttemptTable,
		// A live call never outlasts its lease: the invocation's deadline,
		// then the outcome's write, then a margin.
		Lease: cfg.QueueTimeout + config.StateWriteBudget + 30*time.Second, StateTimeout: config.StateWriteBudget,
	}, time.Now)
	stats := analytics.NewService(db, rdb, events, log, analytics.Config{TimeZone: cfg.TimeZone}, time.Now)
	server := handlers.New(handlers.Deps{
		Log:               log,
		MaxBodyBytes:      cfg.MaxBodyBytes,
		RequestTimeout:    cfg.RequestTimeout,
		InvocationTimeout: cfg.QueueTimeout,
		ClientAddressHops: cfg.ClientAddressHops,
		Health:            checker,
		Outbox:            outbox,
		Users:             users,
		Events:            events,
		PlanJobs:          recommend.NewJobs(events, planner, log, cfg.TimeZone, time.Now),
		Participation:     entries,
		PhoneVerify:       phones,
		Notifier:          notifier,
		ImageJobs:         content.NewJobs(events, posters, log),
		Distribution:      fanout,
		Analytics:         stats,
	})
	return &app{server: server, analytics: stats, close: func() {
		_ = pub.Close(context.Background())
		_ = rdb.Close()
		db.Close()
	}}, nil
}

// messagingSender is the SMS and AlimTalk sender (docs/messaging.md).
func messagingSender(cfg config.Config) *messaging.NHN {
	return messaging.NewNHN(messaging.Config{
		SMSBaseURL: cfg.MessagingSMSBaseURL, SMSAppKey: cfg.MessagingSMSAppKey, SMSSecretKey: cfg.MessagingSMSSecretKey, SendNo: cfg.MessagingSendNo,
		AlimTalkBaseURL: cfg.MessagingAlimTalkBaseURL, AlimTalkAppKey: cfg.MessagingAlimTalkAppKey, AlimTalkSecretKey: cfg.MessagingAlimTalkSecretKey,
		SenderKey: cfg.MessagingSenderKey, Timeout: cfg.MessagingTimeout,
	}, &http.Client{Timeout: cfg.MessagingTimeout + time.Second})
}

// migrate applies the migrations. Settings come from the environment, then
// local.settings.json (or its example) in the working directory. It connects
// to POSTGRES_DIRECT_URL (the server's own port: the migrator holds a session
// advisory lock, which PgBouncer in transaction mode cannot keep), falling
// back to POSTGRES_URL.
func migrate(ctx context.Context, _ []string, stdout io.Writer) error {
	lookup, err := config.WithLocalSettings(config.LocalSettingsPath("."))
	if err != nil {
		lookup = config.Env()
	}
	url, ok := lookup("POSTGRES_DIRECT_URL")
	if !ok || url == "" {
		url, ok = lookup("POSTGRES_URL")
	}
	if !ok || url == "" {
		return errors.New("setting POSTGRES_URL: missing")
	}
	log := logging.New(stdout, slog.LevelInfo)
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	if err := postgres.EnsureDatabase(ctx, url); err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return fmt.Errorf("migrate: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	applied, err := postgres.Migrate(ctx, conn, log)
	if err != nil {
		return err
	}
	log.Info("migrations up to date", "applied", len(applied))
	return nil
}

// analyticsRebuild recomputes one event's stats from the raw log, with the
// same settings as the app (environment, then local.settings.json).
func analyticsRebuild(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("analytics-rebuild", flag.ContinueOnError)
	id := fs.String("event", "", "the event id")
	if err := fs.Parse(args); err != nil {
		return err
	}
	eventID, err := uuid.Parse(*id)
	if err != nil {
		return fmt.Errorf("analytics-rebuild: -event must be an event id: %w", err)
	}
	lookup, err := config.WithLocalSettings(config.LocalSettingsPath("."))
	if err != nil {
		lookup = config.Env()
	}
	cfg, err := config.Load(lookup)
	if err != nil {
		return err
	}
	log := logging.New(stdout, cfg.LogLevel)
	a, err := wire(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.close()
	n, err := a.analytics.Rebuild(ctx, eventID)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "rebuilt the stats of %s from %d raw rows\n", eventID, n)
	return nil
}
