// Package app builds the whole backend from its settings: every client
// (Postgres, Redis, Blob, Table, the queue publisher) and every domain
// service, wired explicitly, nothing global.
//
// It exists so that the app is wired in one place. serve, the tests
// (through app/apptest: the handler fixture and the domains' typed tests)
// and the bench all call New: a test or a bench figure runs the services
// exactly as deployed, and a new service or setting is added once instead
// of three times. What a caller must replace (a test's own database,
// Redis prefix, clock or channel simulator) goes in Options; all else comes
// from config.Config.
//
// app knows nothing of HTTP: handlers.New takes an *App and serves it (the
// handler tests, internal to package handlers, import app and apptest, so
// neither may import handlers).
package app

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/data/aztables"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	goredis "github.com/redis/go-redis/v9"

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
)

// Options are what a caller supplies instead of opening it from the
// settings. The zero value is what serve uses: every field left zero is
// built from config.Config. What New is given, the caller owns and closes;
// what New opens, Close closes.
type Options struct {
	// Log receives every record; nil: JSON lines on stdout at LOG_LEVEL,
	// where the Functions host collects them.
	Log *slog.Logger
	// Now is the domains' clock; nil: time.Now. Signed download links keep
	// the real clock: Storage checks their expiry against its own.
	Now func() time.Time

	// DB, Redis, Blobs and Tables replace the clients opened from
	// POSTGRES_URL, REDIS_URL and STORAGE_CONNECTION_STRING (a test's own
	// database, Redis client, Azurite clients; a bench's scratch database).
	DB     *postgres.DB
	Redis  goredis.UniversalClient
	Blobs  *azblob.Client
	Tables *aztables.ServiceClient
	// UserRedis, when set, is the users domain's Redis instead of Redis:
	// tests of sign-in and revocation with a Redis that fails alone.
	UserRedis goredis.UniversalClient
	// RedisPrefix namespaces every Redis key the app writes (a test's or a
	// bench run's own slice of a shared Redis; "" as deployed): the domains'
	// KeyPrefix (phone verification under RedisPrefix+"phoneverify:") and
	// the local broker's streams (RedisPrefix+queue.LocalPrefix).
	RedisPrefix string

	// AI replaces the client built from AI_BASE_URL (a test's fake that
	// times out or hangs on purpose).
	AI *openai.Client
	// Renderer draws the posters; nil: a new one. Parsing its fonts takes a
	// while, so the handler tests share one (it is safe for concurrent use).
	Renderer *content.Renderer
	// ChannelTransport carries the channel adapters' calls (the remotes are
	// the CHANNEL_*_BASE_URL settings); nil: http.DefaultTransport. Tests
	// wrap it to slow, hang or cut a call.
	ChannelTransport http.RoundTripper
	// Probes replace Health's checks of Postgres, Redis, Blob and Table.
	Probes []health.Probe
}

// App is the built backend: the settings it was built from, its clients
// and its services. handlers.New serves it.
type App struct {
	Config config.Config
	Log    *slog.Logger
	Now    func() time.Time

	DB        *postgres.DB
	Redis     goredis.UniversalClient
	Blobs     *azblob.Client
	Tables    *aztables.ServiceClient
	Publisher queue.Publisher
	// Broker is the local broker (Redis Streams) the Publisher is, for
	// whoever consumes its streams (tests, the bench); nil on Service Bus.
	Broker *queue.RedisStreams
	Outbox *queue.Outbox
	Health *health.Checker

	Users         *user.Service
	Events        *event.Service
	PlanJobs      *recommend.Jobs
	ImageJobs     *content.Jobs
	Participation *participation.Service
	PhoneVerify   *phoneverify.Service
	Notifier      *participation.Notifier
	Distribution  *distribution.Service
	Analytics     *analytics.Service

	stop    context.CancelFunc
	relay   sync.WaitGroup
	closers []func()
	once    sync.Once
}

// healthTimeout bounds each Health probe: a dependency that does not answer
// by then is reported down.
const healthTimeout = 3 * time.Second

// New builds every client and service from cfg and opts, and starts the
// outbox relay (batched sends of hot-path messages), which runs until ctx
// ends or Close. Nothing here waits for a dependency: Postgres and Redis
// connect lazily, so a server is listening within milliseconds and Health
// reports what is down.
func New(ctx context.Context, cfg config.Config, opts Options) (a *App, err error) {
	a = &App{Config: cfg, Log: opts.Log, Now: opts.Now, DB: opts.DB, Redis: opts.Redis, Blobs: opts.Blobs, Tables: opts.Tables}
	if a.Log == nil {
		a.Log = logging.New(os.Stdout, cfg.LogLevel)
	}
	if a.Now == nil {
		a.Now = time.Now
	}
	defer func() {
		if err != nil {
			a.Close()
			a = nil
		}
	}()
	if err := a.open(cfg, opts); err != nil {
		return nil, err
	}
	if err := a.services(cfg, opts); err != nil {
		return nil, err
	}
	relayCtx, stop := context.WithCancel(ctx)
	a.stop = stop
	a.relay.Go(func() { a.Outbox.Run(relayCtx) })
	return a, nil
}

// open opens the clients opts does not supply, and the publisher.
func (a *App) open(cfg config.Config, opts Options) error {
	var err error
	if a.DB == nil {
		if a.DB, err = postgres.Open(context.Background(), cfg.PostgresURL, cfg.PostgresMaxConns, postgres.WithExecMode(postgres.ExecModes[cfg.PostgresExecMode])); err != nil {
			return err
		}
		a.closers = append(a.closers, a.DB.Close)
	}
	if a.Redis == nil {
		if a.Redis, err = redis.Open(cfg.RedisURL, cfg.RedisCluster); err != nil {
			return err
		}
		rdb := a.Redis
		a.closers = append(a.closers, func() { _ = rdb.Close() })
	}
	if a.Blobs == nil {
		if a.Blobs, err = blob.Open(cfg.StorageConnectionString, cfg.StorageAccountName, cfg.AzureClientID); err != nil {
			return err
		}
	}
	if a.Tables == nil {
		if a.Tables, err = tables.Open(cfg.StorageConnectionString, cfg.StorageAccountName, cfg.AzureClientID); err != nil {
			return err
		}
	}
	switch cfg.QueueBroker {
	case config.BrokerServiceBus:
		if a.Publisher, err = queue.NewServiceBus(cfg.ServiceBusConnectionString, cfg.ServiceBusNamespace, cfg.AzureClientID); err != nil {
			return err
		}
	default:
		queues, err := queue.ParseTable(infra.QueuesJSON)
		if err != nil {
			return err
		}
		// Duplicate windows per queue, as on Service Bus.
		a.Broker = queue.NewRedisStreams(a.Redis, opts.RedisPrefix+queue.LocalPrefix).WithTable(queues)
		a.Publisher = a.Broker
	}
	pub := a.Publisher
	a.closers = append(a.closers, func() { _ = pub.Close(context.Background()) })
	return nil
}

// services builds the domains over the clients.
func (a *App) services(cfg config.Config, opts Options) error {
	db, rdb, log, now, prefix := a.DB, a.Redis, a.Log, a.Now, opts.RedisPrefix
	// Downloads (exports, proofs) leave through SAS links: the Functions
	// host buffers whole answers on Azure.
	links, err := blob.NewLinks(a.Blobs, cfg.StorageConnectionString, cfg.DownloadLinkTTL, time.Now)
	if err != nil {
		return err
	}
	a.Outbox = queue.NewOutbox(db, a.Publisher, log)
	probes := opts.Probes
	if probes == nil {
		blobs, tbl := a.Blobs, a.Tables
		probes = []health.Probe{
			{Name: "postgres", Check: db.Ping},
			{Name: "redis", Check: func(ctx context.Context) error { return rdb.Ping(ctx).Err() }},
			{Name: "blob", Check: func(ctx context.Context) error { return blob.Ping(ctx, blobs) }},
			{Name: "table", Check: func(ctx context.Context) error { return tables.Ping(ctx, tbl) }},
		}
	}
	a.Health = health.NewChecker(log, healthTimeout, probes...)

	userRedis := rdb
	if opts.UserRedis != nil {
		userRedis = opts.UserRedis
	}
	if a.Users, err = user.NewService(db, userRedis, log, user.Config{
		Tokens: user.TokenConfig{Key: cfg.JWTSigningKey, Issuer: cfg.JWTIssuer, Audience: cfg.JWTAudience,
			AccessTTL: cfg.AccessTokenTTL, RefreshTTL: cfg.RefreshTokenTTL},
		BcryptCost:             cfg.BcryptCost,
		LoginRatePerIP:         cfg.LoginRatePerIP,
		RegisterRatePerIP:      cfg.RegisterRatePerIP,
		PasswordChangesPerHour: cfg.PasswordChangesPerHour,
		LoginSlowdownAfter:     cfg.LoginSlowdownAfter,
		KeyPrefix:              prefix,
	}, now); err != nil {
		return err
	}
	ai := opts.AI
	if ai == nil && cfg.AIBaseURL != "" {
		if ai, err = openai.New(openai.Config{BaseURL: cfg.AIBaseURL, APIKey: cfg.AIAPIKey, Flavor: cfg.AIFlavor, APIVersion: cfg.AIAPIVersion,
			AzureClientID: cfg.AzureClientID, ChatModel: cfg.AIChatModel, ImageModel: cfg.AIImageModel, Timeout: cfg.AITimeout}); err != nil {
			return err
		}
	}
	renderer := opts.Renderer
	if renderer == nil {
		if renderer, err = content.NewRenderer(); err != nil {
			return err
		}
	}
	var art content.Art
	if ai != nil && cfg.AIImageModel != "" {
		art = content.NewOpenAIArt(ai, cfg.AIImageModel)
	}
	posters := content.NewService(renderer, art, a.Blobs, cfg.ImageContainer, cfg.ImageBaseURL, log)
	posters.FallbackBudget = cfg.AIFallbackBudget
	a.Events = event.NewService(db, rdb, a.Outbox, log, a.Users, participation.NewCounter(db, rdb, prefix), event.Config{
		TimeZone: cfg.TimeZone, JobTimeout: cfg.JobTimeout, PublicWebURL: cfg.PublicWebURL,
		PlanJobsPerDay: cfg.PlanJobsPerDay, PosterJobsPerDay: cfg.PosterJobsPerDay,
		RetentionDays: int(cfg.PrivacyRetention / (24 * time.Hour)), ViewRatePerClient: cfg.ViewRatePerClient, WebPosters: posters,
		KeyPrefix: prefix,
	}, now)
	a.ImageJobs = content.NewJobs(a.Events, posters, log)
	var aiPlanner *recommend.AI
	if ai != nil {
		aiPlanner = recommend.NewAI(ai)
	}
	planner := recommend.NewService(aiPlanner, recommend.NewBuiltin(), rdb, log)
	planner.FallbackBudget = cfg.AIFallbackBudget
	planner.KeyPrefix = prefix
	a.PlanJobs = recommend.NewJobs(a.Events, planner, log, cfg.TimeZone, now)

	sender := messagingSender(cfg) // one SMS/AlimTalk client for verification codes and winner notices
	a.PhoneVerify = phoneverify.NewService(rdb, a.Events, sender, log, phoneverify.Config{
		SendsPerPhone: cfg.PhoneVerifySendsPerPhone, SendsPerClient: cfg.PhoneVerifySendsPerClient, TokenTTL: cfg.PhoneVerifyTokenTTL, Stores: a.Users,
		KeyPrefix: prefix + "phoneverify:",
	}, now)
	a.Participation = participation.NewService(db, rdb, a.Outbox, a.Blobs, a.Events, log, participation.Config{
		RatePerClient: cfg.RatePerClient, RatePerPhone: cfg.RatePerPhone, RatePerIPv4Net: cfg.RatePerIPv4Net, RatePerIPv6Net: cfg.RatePerIPv6Net,
		PurgeAfter: cfg.PrivacyRetention, ProofContainer: cfg.DrawProofContainer, ProofBuildTimeout: cfg.ProofBuildTimeout,
		ExportsPerOwner: cfg.ExportsPerOwner, ExportMaxDuration: cfg.ExportMaxDuration, ExportContainer: cfg.ExportContainer, Links: links,
		UndrawnGrace: cfg.UndrawnGrace, FlagNetworkEntries: cfg.FlagNetworkEntries, FlagBurstPerMinute: cfg.FlagBurstPerMinute,
		PhoneTokens: a.PhoneVerify, BatchSize: cfg.EntryBatchSize, BatchDelay: cfg.EntryBatchDelay, BatchWriters: cfg.EntryBatchWriters,
		KeyPrefix: prefix,
	}, now)
	a.Notifier = participation.NewNotifier(a.Participation, sender, a.Tables, participation.NotifyConfig{
		TemplateCode: cfg.MessagingWinnerTemplate, PublicWebURL: cfg.PublicWebURL,
		MaxAttempts: cfg.WinnerNotifyMaxAttempts, BaseBackoff: cfg.WinnerNotifyBackoff, AttemptTable: cfg.WinnerNotifyTable,
		Lease: cfg.MessagingTimeout*2 + time.Minute,
	})

	kits := distribution.NewShareKits(a.Blobs, cfg.ImageContainer, cfg.ImageBaseURL)
	channelHTTP := &http.Client{Transport: opts.ChannelTransport, Timeout: cfg.ChannelTimeout}
	a.Distribution = distribution.NewService(db, rdb, a.Outbox, a.Tables, a.Events, []distribution.Adapter{
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
		KeyPrefix: prefix,
	}, now)
	a.Analytics = analytics.NewService(db, rdb, a.Events, log, analytics.Config{TimeZone: cfg.TimeZone, KeyPrefix: prefix}, now)
	return nil
}

// messagingSender is the SMS and AlimTalk sender (docs/messaging.md).
func messagingSender(cfg config.Config) *messaging.NHN {
	return messaging.NewNHN(messaging.Config{
		SMSBaseURL: cfg.MessagingSMSBaseURL, SMSAppKey: cfg.MessagingSMSAppKey, SMSSecretKey: cfg.MessagingSMSSecretKey, SendNo: cfg.MessagingSendNo,
		AlimTalkBaseURL: cfg.MessagingAlimTalkBaseURL, AlimTalkAppKey: cfg.MessagingAlimTalkAppKey, AlimTalkSecretKey: cfg.MessagingAlimTalkSecretKey,
		SenderKey: cfg.MessagingSenderKey, Timeout: cfg.MessagingTimeout,
	}, &http.Client{Timeout: cfg.MessagingTimeout + time.Second})
}

// Close stops the outbox relay (it sends what it holds first) and closes
// what New opened, in reverse order. Clients passed in Options stay open.
// It is safe to call more than once.
func (a *App) Close() {
	a.once.Do(func() {
		if a.stop != nil {
			a.stop()
		}
		a.relay.Wait()
		for i := len(a.closers) - 1; i >= 0; i-- {
			a.closers[i]()
		}
	})
}
