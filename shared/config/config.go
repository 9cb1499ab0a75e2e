// Package config reads the app settings once at start-up. On Azure they are
// app settings; locally the devhost passes local.settings.json's Values as
// environment variables. Every problem is reported at once, by setting name,
// so a misconfigured deployment fails loudly instead of half-working.
package config

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	goredis "github.com/redis/go-redis/v9"
)

// Queue brokers the publisher can use.
const (
	BrokerRedis      = "redis"      // Redis Streams, the local broker the devhost consumes
	BrokerServiceBus = "servicebus" // Azure Service Bus
)

// Config holds every setting the app reads. Names in comments are the setting names.
type Config struct {
	PostgresURL      string // POSTGRES_URL: the app's pool; through PgBouncer (port 6432) on Azure
	PostgresMaxConns int32  // POSTGRES_MAX_CONNS: the per-instance pool (docs/deploy.md, "Connection budget")
	// POSTGRES_DIRECT_URL: the server's own port (5432), for migrations and
	// anything that needs a session (session advisory locks, LISTEN); defaults
	// to POSTGRES_URL.
	PostgresDirectURL string
	// POSTGRES_EXEC_MODE: how pgx sends queries (shared/postgres ExecModes);
	// cache_describe works through PgBouncer in transaction mode.
	PostgresExecMode string

	RedisURL string // REDIS_URL
	// REDIS_CLUSTER: true when REDIS_URL is a Redis Cluster speaking the OSS
	// cluster API (Azure Managed Redis with the OSSCluster policy, the local
	// 3-master cluster); the client then routes each key to its shard. False
	// for one endpoint: a single node, or Azure Managed Redis with the
	// EnterpriseCluster policy, whose proxy routes for the client.
	RedisCluster bool

	// STORAGE_CONNECTION_STRING (keys; Azurite locally) or STORAGE_ACCOUNT_NAME
	// (managed identity on Azure). One of them is required.
	StorageConnectionString string
	StorageAccountName      string

	QueueBroker string // QUEUE_BROKER: redis or servicebus
	// The same connection the Service Bus triggers use: ServiceBusConnection
	// (a connection string) or ServiceBusConnection__fullyQualifiedNamespace
	// (identity-based). One is required when QUEUE_BROKER=servicebus.
	ServiceBusConnectionString string
	ServiceBusNamespace        string

	// AZURE_CLIENT_ID: the user-assigned managed identity the SDK clients
	// (Blob, Table, Service Bus) use when no connection string is set; empty
	// means DefaultAzureCredential (the Azure CLI's sign-in locally).
	AzureClientID string

	// Sign-in. JWT_SIGNING_KEY is base64 (32+ bytes decoded); on Azure it is a
	// Key Vault reference.
	JWTSigningKey   []byte        // JWT_SIGNING_KEY
	JWTIssuer       string        // JWT_ISSUER
	JWTAudience     string        // JWT_AUDIENCE
	AccessTokenTTL  time.Duration // ACCESS_TOKEN_MINUTES
	RefreshTokenTTL time.Duration // REFRESH_TOKEN_DAYS
	BcryptCost      int           // BCRYPT_COST: 10 or more in production
	LoginRatePerIP  int           // LOGIN_RATE_PER_IP: login attempts per address per minute, 0 = off
	// REGISTER_RATE_PER_IP: sign-ups per client address per hour (each
	// costs a bcrypt hash), 0 = off.
	RegisterRatePerIP int
	// PASSWORD_CHANGES_PER_HOUR: password change attempts per account per
	// hour, 0 = off.
	PasswordChangesPerHour int
	// LOGIN_SLOWDOWN_AFTER: failed logins for one email from all networks
	// within 15 minutes after which attempts from networks the owner has
	// not signed in from are spaced out (1 s doubling to 60 s), 0 = off.
	LoginSlowdownAfter int

	// CLIENT_ADDRESS_HOPS: trusted proxies that append to X-Forwarded-For
	// after the one that saw the customer: 0 locally and on a bare function
	// app, 1 behind Front Door (which appends the customer; the app's own
	// front end then appends Front Door). Per-client limits key on it.
	ClientAddressHops int

	// Events.
	TimeZone     *time.Location // EVENT_TIME_ZONE: what "today" means for event dates
	JobTimeout   time.Duration  // JOB_TIMEOUT_MINUTES: AI jobs not done by then are failed
	PublicWebURL string         // PUBLIC_WEB_URL: the web app, for the entry links in channel posts
	// VIEW_RATE_PER_CLIENT: page-view beacons counted per client address and
	// event per minute, 0 = off.
	ViewRatePerClient int

	// AI_PLAN_JOBS_PER_DAY / AI_POSTER_JOBS_PER_DAY: plan jobs and poster jobs
	// (generation and edits) an owner may start per day in EVENT_TIME_ZONE, 0 = off.
	PlanJobsPerDay   int
	PosterJobsPerDay int

	// AI. With AI_BASE_URL empty the built-in planner and poster renderer do
	// all the work; with it set they are the fallback.
	AIBaseURL    string        // AI_BASE_URL: OpenAI-compatible endpoint
	AIAPIKey     string        // AI_API_KEY (Key Vault on Azure); for AI_API_FLAVOR=azure optional: without it the managed identity (AZURE_CLIENT_ID) signs in
	AIFlavor     string        // AI_API_FLAVOR: openai or azure
	AIAPIVersion string        // AI_API_VERSION: Azure only
	AIChatModel  string        // AI_CHAT_MODEL: model, or Azure deployment, for plans
	AIImageModel string        // AI_IMAGE_MODEL: model, or Azure deployment, for poster art ("" = no art)
	AITimeout    time.Duration // AI_TIMEOUT_SECONDS: per attempt, below QUEUE_TIMEOUT_SECONDS − AI_FALLBACK_BUDGET_SECONDS
	// AI_FALLBACK_BUDGET_SECONDS: the time a queue job keeps back from its
	// deadline for the built-in planner or poster backgrounds (and storing
	// them): the AI call is cut that much before the deadline.
	AIFallbackBudget time.Duration

	ImageContainer string // IMAGE_CONTAINER: blob container of posters (public read)
	ImageBaseURL   string // IMAGE_BASE_URL: CDN or front door in front of it ("" = the blob URL)

	// Participation.
	RatePerClient      int           // PARTICIPATION_RATE_PER_CLIENT: entries per client address per minute, 0 = off
	RatePerPhone       int           // PARTICIPATION_RATE_PER_PHONE: entries per phone per minute, 0 = off
	RatePerIPv4Net     int           // PARTICIPATION_RATE_PER_IPV4_24: entries per IPv4 /24 per minute, 0 = off
	RatePerIPv6Net     int           // PARTICIPATION_RATE_PER_IPV6_64: entries per IPv6 /64 per minute, 0 = off
	EntryBatchSize     int           // PARTICIPATION_BATCH_SIZE: entries per group commit at most
	EntryBatchDelay    time.Duration // PARTICIPATION_BATCH_DELAY_MS: the longest an entry waits for others to share its commit (0 = none)
	EntryBatchWriters  int           // PARTICIPATION_BATCH_WRITERS: batches one instance writes at once (0 = no limit)
	PrivacyRetention   time.Duration // PRIVACY_RETENTION_DAYS: non-winners' personal data kept after the event ends
	UndrawnGrace       time.Duration // PRIVACY_UNDRAWN_GRACE_DAYS: an event never drawn keeps its data this long after the end (the owner may still draw)
	FlagNetworkEntries int           // PARTICIPATION_FLAG_NETWORK_ENTRIES: entries from one /24 or /64 that flag it to the owner
	FlagBurstPerMinute int           // PARTICIPATION_FLAG_BURST_PER_MINUTE: entries in one minute that flag it to the owner
	DrawProofContainer string        // DRAW_PROOF_CONTAINER
	ProofBuildTimeout  time.Duration // DRAW_PROOF_BUILD_SECONDS: one build of a missing proof bundle; its lock's TTL
	ExportsPerOwner    int           // EXPORT_MAX_PER_OWNER: an owner's CSV exports being built at once
	ExportMaxDuration  time.Duration // EXPORT_MAX_SECONDS: one export's build and upload (its slot's lease)
	ExportContainer    string        // EXPORT_CONTAINER: blob container of CSV exports (private)
	DownloadLinkTTL    time.Duration // DOWNLOAD_LINK_TTL_SECONDS: life of a read-only SAS link to an export or a proof

	// Distribution. Each channel's remote is a base URL plus credentials; a
	// channel left unconfigured fails at once with a reason naming the
	// setting (NAVER needs none: it gets a share kit, as does KAKAO without
	// CHANNEL_KAKAO_BASE_URL).
	ChannelTimeout          time.Duration // CHANNEL_TIMEOUT_SECONDS: per call to a channel
	InstagramBaseURL        string        // CHANNEL_INSTAGRAM_BASE_URL: Graph API root, e.g. https://graph.facebook.com/v21.0
	InstagramUserID         string        // CHANNEL_INSTAGRAM_USER_ID: the professional account publishing
	InstagramAccessToken    string        // CHANNEL_INSTAGRAM_ACCESS_TOKEN (Key Vault on Azure)
	KakaoBaseURL            string        // CHANNEL_KAKAO_BASE_URL: partner posting API ("" = share kit)
	KakaoAPIKey             string        // CHANNEL_KAKAO_API_KEY
	KakaoChannelID          string        // CHANNEL_KAKAO_CHANNEL_ID
	UriDongneTVBaseURL      string        // CHANNEL_URIDONGNETV_BASE_URL: KT partner API (docs/channels.md)
	UriDongneTVAPIKey       string        // CHANNEL_URIDONGNETV_API_KEY
	GiniTVBaseURL           string        // CHANNEL_GINITV_BASE_URL
	GiniTVAPIKey            string        // CHANNEL_GINITV_API_KEY
	RingoBizBaseURL         string        // CHANNEL_RINGOBIZ_BASE_URL
	RingoBizAPIKey          string        // CHANNEL_RINGOBIZ_API_KEY
	DistributionMaxAttempts int           // DISTRIBUTION_MAX_ATTEMPTS: per channel and round, 1 s, 2 s, 4 s ... apart
	BreakerThreshold        int           // DISTRIBUTION_BREAKER_THRESHOLD: failures in a row that open a channel's breaker
	BreakerCooldown         time.Duration // DISTRIBUTION_BREAKER_COOLDOWN_SECONDS: open time before a probe
	AttemptTable            string        // DISTRIBUTION_ATTEMPT_TABLE: Table storage log of channel attempts

	// Messaging (shared/messaging): NHN Cloud Notification's SMS and
	// KakaoTalk Bizmessage AlimTalk APIs (docs/messaging.md); locally the
	// channel simulator. Unset, a send fails permanently naming the setting.
	MessagingSMSBaseURL        string        // MESSAGING_SMS_BASE_URL: https://api-sms.cloud.toast.com
	MessagingSMSAppKey         string        // MESSAGING_SMS_APP_KEY
	MessagingSMSSecretKey      string        // MESSAGING_SMS_SECRET_KEY (Key Vault on Azure)
	MessagingSendNo            string        // MESSAGING_SMS_SEND_NO: registered sender number, digits
	MessagingAlimTalkBaseURL   string        // MESSAGING_ALIMTALK_BASE_URL: https://api-alimtalk.cloud.toast.com
	MessagingAlimTalkAppKey    string        // MESSAGING_ALIMTALK_APP_KEY
	MessagingAlimTalkSecretKey string        // MESSAGING_ALIMTALK_SECRET_KEY (Key Vault on Azure)
	MessagingSenderKey         string        // MESSAGING_ALIMTALK_SENDER_KEY: the KakaoTalk channel's sender key
	MessagingWinnerTemplate    string        // MESSAGING_ALIMTALK_TEMPLATE_WINNER: approved template code of the winner notice
	MessagingTimeout           time.Duration // MESSAGING_TIMEOUT_SECONDS: per call

	// Phone verification (shared/phoneverify).
	PhoneVerifySendsPerPhone  int           // PHONE_VERIFY_SENDS_PER_PHONE: codes per phone and event per hour, 0 = off
	PhoneVerifySendsPerClient int           // PHONE_VERIFY_SENDS_PER_CLIENT: codes per client address per hour, 0 = off
	PhoneVerifyTokenTTL       time.Duration // PHONE_VERIFY_TOKEN_MINUTES: how long a verified phone may enter
	// Winner notices (WinnerNotify, shared/participation/notify.go).
	WinnerNotifyMaxAttempts int           // WINNER_NOTIFY_MAX_ATTEMPTS: sends per notice and round before it is FAILED
	WinnerNotifyBackoff     time.Duration // WINNER_NOTIFY_BACKOFF_SECONDS: the first retry's delay, doubling
	WinnerNotifyTable       string        // WINNER_NOTIFY_TABLE: Table storage log of notice attempts

	LogLevel       slog.Level    // LOG_LEVEL: debug, info, warn, error
	RequestTimeout time.Duration // REQUEST_TIMEOUT_SECONDS: per-request deadline, below host.json functionTimeout
	// QUEUE_TIMEOUT_SECONDS: the deadline of a queue or timer invocation,
	// longer than a request's and, with StateWriteBudget, below host.json
	// functionTimeout (300 s): a channel chain, an AI call and its fallback
	// run under it.
	QueueTimeout time.Duration
	MaxBodyBytes int64 // MAX_BODY_BYTES: larger request bodies get 413
}

// Names lists every setting Load reads; a test keeps local.settings.json.example
// (and later the Bicep app settings) in step with it.
var Names = []string{
	"POSTGRES_URL", "POSTGRES_MAX_CONNS", "POSTGRES_DIRECT_URL", "POSTGRES_EXEC_MODE", "REDIS_URL", "REDIS_CLUSTER",
	"STORAGE_CONNECTION_STRING", "STORAGE_ACCOUNT_NAME",
	"QUEUE_BROKER", "ServiceBusConnection", "ServiceBusConnection__fullyQualifiedNamespace",
	"AZURE_CLIENT_ID",
	"LOG_LEVEL", "REQUEST_TIMEOUT_SECONDS", "QUEUE_TIMEOUT_SECONDS", "MAX_BODY_BYTES",
	"JWT_SIGNING_KEY", "JWT_ISSUER", "JWT_AUDIENCE", "ACCESS_TOKEN_MINUTES", "REFRESH_TOKEN_DAYS", "BCRYPT_COST", "LOGIN_RATE_PER_IP",
	"REGISTER_RATE_PER_IP", "PASSWORD_CHANGES_PER_HOUR", "LOGIN_SLOWDOWN_AFTER",
	"EVENT_TIME_ZONE", "JOB_TIMEOUT_MINUTES", "PUBLIC_WEB_URL", "VIEW_RATE_PER_CLIENT", "CLIENT_ADDRESS_HOPS",
	"AI_BASE_URL", "AI_API_KEY", "AI_API_FLAVOR", "AI_API_VERSION", "AI_CHAT_MODEL", "AI_IMAGE_MODEL", "AI_TIMEOUT_SECONDS", "AI_FALLBACK_BUDGET_SECONDS",
	"IMAGE_CONTAINER", "IMAGE_BASE_URL",
	"PARTICIPATION_RATE_PER_CLIENT", "PARTICIPATION_RATE_PER_PHONE", "PARTICIPATION_RATE_PER_IPV4_24", "PARTICIPATION_RATE_PER_IPV6_64", "PARTICIPATION_BATCH_SIZE", "PARTICIPATION_BATCH_DELAY_MS", "PARTICIPATION_BATCH_WRITERS",
	"PRIVACY_RETENTION_DAYS", "PRIVACY_UNDRAWN_GRACE_DAYS",
	"PARTICIPATION_FLAG_NETWORK_ENTRIES", "PARTICIPATION_FLAG_BURST_PER_MINUTE", "DRAW_PROOF_CONTAINER",
	"DRAW_PROOF_BUILD_SECONDS", "EXPORT_MAX_PER_OWNER", "EXPORT_MAX_SECONDS", "EXPORT_CONTAINER", "DOWNLOAD_LINK_TTL_SECONDS",
	"CHANNEL_TIMEOUT_SECONDS", "CHANNEL_INSTAGRAM_BASE_URL", "CHANNEL_INSTAGRAM_USER_ID", "CHANNEL_INSTAGRAM_ACCESS_TOKEN",
	"CHANNEL_KAKAO_BASE_URL", "CHANNEL_KAKAO_API_KEY", "CHANNEL_KAKAO_CHANNEL_ID",
	"CHANNEL_URIDONGNETV_BASE_URL", "CHANNEL_URIDONGNETV_API_KEY", "CHANNEL_GINITV_BASE_URL", "CHANNEL_GINITV_API_KEY",
	"CHANNEL_RINGOBIZ_BASE_URL", "CHANNEL_RINGOBIZ_API_KEY",
	"DISTRIBUTION_MAX_ATTEMPTS", "DISTRIBUTION_BREAKER_THRESHOLD", "DISTRIBUTION_BREAKER_COOLDOWN_SECONDS", "DISTRIBUTION_ATTEMPT_TABLE",
	"MESSAGING_SMS_BASE_URL", "MESSAGING_SMS_APP_KEY", "MESSAGING_SMS_SECRET_KEY", "MESSAGING_SMS_SEND_NO",
	"MESSAGING_ALIMTALK_BASE_URL", "MESSAGING_ALIMTALK_APP_KEY", "MESSAGING_ALIMTALK_SECRET_KEY", "MESSAGING_ALIMTALK_SENDER_KEY",
	"MESSAGING_ALIMTALK_TEMPLATE_WINNER", "MESSAGING_TIMEOUT_SECONDS",
	"PHONE_VERIFY_SENDS_PER_PHONE", "PHONE_VERIFY_SENDS_PER_CLIENT", "PHONE_VERIFY_TOKEN_MINUTES",
	"WINNER_NOTIFY_MAX_ATTEMPTS", "WINNER_NOTIFY_BACKOFF_SECONDS", "WINNER_NOTIFY_TABLE",
	"AI_PLAN_JOBS_PER_DAY", "AI_POSTER_JOBS_PER_DAY",
}

// Lookup returns a setting's value and whether it is set (os.LookupEnv's shape).
type Lookup func(name string) (string, bool)

// Load reads and validates the settings. The error lists every missing or
// malformed setting by name.
func Load(lookup Lookup) (Config, error) {
	r := reader{lookup: lookup}
	redisCluster := r.oneOf("REDIS_CLUSTER", "false", "false", "true") == "true"
	c := Config{
		PostgresURL:                r.required("POSTGRES_URL", checkPostgresURL),
		PostgresMaxConns:           int32(r.intIn("POSTGRES_MAX_CONNS", 10, 1, 1000)),
		PostgresDirectURL:          r.optional("POSTGRES_DIRECT_URL", checkPostgresURL),
		PostgresExecMode:           r.oneOf("POSTGRES_EXEC_MODE", "cache_describe", "cache_describe", "cache_statement", "exec", "simple_protocol"),
		RedisURL:                   r.required("REDIS_URL", func(v string) error { return checkRedisURL(v, redisCluster) }),
		RedisCluster:               redisCluster,
		StorageConnectionString:    r.optional("STORAGE_CONNECTION_STRING", checkStorageConnectionString),
		StorageAccountName:         r.optional("STORAGE_ACCOUNT_NAME", nil),
		QueueBroker:                r.oneOf("QUEUE_BROKER", "", BrokerRedis, BrokerServiceBus),
		ServiceBusConnectionString: r.optional("ServiceBusConnection", nil),
		ServiceBusNamespace:        r.optional("ServiceBusConnection__fullyQualifiedNamespace", nil),
		AzureClientID:              r.optional("AZURE_CLIENT_ID", nil),
		JWTSigningKey:              r.key("JWT_SIGNING_KEY", 32),
		JWTIssuer:                  r.text("JWT_ISSUER", "eventmkt"),
		JWTAudience:                r.text("JWT_AUDIENCE", "eventmkt-api"),
		AccessTokenTTL:             time.Duration(r.intIn("ACCESS_TOKEN_MINUTES", 15, 1, 60)) * time.Minute,
		RefreshTokenTTL:            time.Duration(r.intIn("REFRESH_TOKEN_DAYS", 14, 1, 90)) * 24 * time.Hour,
		BcryptCost:                 r.intIn("BCRYPT_COST", 12, 4, 14),
		LoginRatePerIP:             r.intIn("LOGIN_RATE_PER_IP", 20, 0, 100000),
		RegisterRatePerIP:          r.intIn("REGISTER_RATE_PER_IP", 10, 0, 100000),
		PasswordChangesPerHour:     r.intIn("PASSWORD_CHANGES_PER_HOUR", 10, 0, 1000),
		LoginSlowdownAfter:         r.intIn("LOGIN_SLOWDOWN_AFTER", 20, 0, 100000),
		TimeZone:                   r.location("EVENT_TIME_ZONE", "Asia/Seoul"),
		JobTimeout:                 time.Duration(r.intIn("JOB_TIMEOUT_MINUTES", 10, 1, 120)) * time.Minute,
		PlanJobsPerDay:             r.intIn("AI_PLAN_JOBS_PER_DAY", 20, 0, 100_000),
		PosterJobsPerDay:           r.intIn("AI_POSTER_JOBS_PER_DAY", 40, 0, 100_000),
		PublicWebURL:               strings.TrimRight(r.optional("PUBLIC_WEB_URL", checkHTTPURL), "/"),
		ViewRatePerClient:          r.intIn("VIEW_RATE_PER_CLIENT", 30, 0, 1_000_000),
		ClientAddressHops:          r.intIn("CLIENT_ADDRESS_HOPS", 0, 0, 5),
		AIBaseURL:                  strings.TrimRight(r.optional("AI_BASE_URL", checkHTTPURL), "/"),
		AIAPIKey:                   r.optional("AI_API_KEY", nil),
		AIFlavor:                   r.oneOf("AI_API_FLAVOR", "openai", "openai", "azure"),
		AIAPIVersion:               r.text("AI_API_VERSION", "2024-10-21"),
		AIChatModel:                r.text("AI_CHAT_MODEL", "gpt-4o-mini"),
		AIImageModel:               r.optional("AI_IMAGE_MODEL", nil),
		AITimeout:                  time.Duration(r.intIn("AI_TIMEOUT_SECONDS", 30, 1, 300)) * time.Second,
		AIFallbackBudget:           time.Duration(r.intIn("AI_FALLBACK_BUDGET_SECONDS", 20, 1, 300)) * time.Second,
		ImageContainer:             r.text("IMAGE_CONTAINER", "images"),
		ImageBaseURL:               strings.TrimRight(r.optional("IMAGE_BASE_URL", checkHTTPURL), "/"),
		RatePerClient:              r.intIn("PARTICIPATION_RATE_PER_CLIENT", 30, 0, 1_000_000),
		RatePerPhone:               r.intIn("PARTICIPATION_RATE_PER_PHONE", 5, 0, 1_000_000),
		RatePerIPv4Net:             r.intIn("PARTICIPATION_RATE_PER_IPV4_24", 120, 0, 1_000_000),
		RatePerIPv6Net:             r.intIn("PARTICIPATION_RATE_PER_IPV6_64", 60, 0, 1_000_000),
		EntryBatchSize:             r.intIn("PARTICIPATION_BATCH_SIZE", 64, 1, 1000),
		EntryBatchDelay:            time.Duration(r.intIn("PARTICIPATION_BATCH_DELAY_MS", 2, 0, 100)) * time.Millisecond,
		EntryBatchWriters:          r.intIn("PARTICIPATION_BATCH_WRITERS", 1, 0, 64),
		PrivacyRetention:           time.Duration(r.intIn("PRIVACY_RETENTION_DAYS", 30, 1, 3650)) * 24 * time.Hour,
		UndrawnGrace:               time.Duration(r.intIn("PRIVACY_UNDRAWN_GRACE_DAYS", 30, 1, 3650)) * 24 * time.Hour,
		FlagNetworkEntries:         r.intIn("PARTICIPATION_FLAG_NETWORK_ENTRIES", 5, 2, 1_000_000),
		FlagBurstPerMinute:         r.intIn("PARTICIPATION_FLAG_BURST_PER_MINUTE", 20, 2, 1_000_000),
		DrawProofContainer:         r.text("DRAW_PROOF_CONTAINER", "draw-proofs"),
		ProofBuildTimeout:          time.Duration(r.intIn("DRAW_PROOF_BUILD_SECONDS", 120, 10, 3600)) * time.Second,
		ExportsPerOwner:            r.intIn("EXPORT_MAX_PER_OWNER", 2, 1, 100),
		ExportMaxDuration:          time.Duration(r.intIn("EXPORT_MAX_SECONDS", 240, 10, 7200)) * time.Second,
		ExportContainer:            r.text("EXPORT_CONTAINER", "exports"),
		DownloadLinkTTL:            time.Duration(r.intIn("DOWNLOAD_LINK_TTL_SECONDS", 600, 60, 3600)) * time.Second,
		ChannelTimeout:             time.Duration(r.intIn("CHANNEL_TIMEOUT_SECONDS", 10, 1, 120)) * time.Second,
		InstagramBaseURL:           strings.TrimRight(r.optional("CHANNEL_INSTAGRAM_BASE_URL", checkHTTPURL), "/"),
		InstagramUserID:            r.optional("CHANNEL_INSTAGRAM_USER_ID", nil),
		InstagramAccessToken:       r.optional("CHANNEL_INSTAGRAM_ACCESS_TOKEN", nil),
		KakaoBaseURL:               strings.TrimRight(r.optional("CHANNEL_KAKAO_BASE_URL", checkHTTPURL), "/"),
		KakaoAPIKey:                r.optional("CHANNEL_KAKAO_API_KEY", nil),
		KakaoChannelID:             r.optional("CHANNEL_KAKAO_CHANNEL_ID", nil),
		UriDongneTVBaseURL:         strings.TrimRight(r.optional("CHANNEL_URIDONGNETV_BASE_URL", checkHTTPURL), "/"),
		UriDongneTVAPIKey:          r.optional("CHANNEL_URIDONGNETV_API_KEY", nil),
		GiniTVBaseURL:              strings.TrimRight(r.optional("CHANNEL_GINITV_BASE_URL", checkHTTPURL), "/"),
		GiniTVAPIKey:               r.optional("CHANNEL_GINITV_API_KEY", nil),
		RingoBizBaseURL:            strings.TrimRight(r.optional("CHANNEL_RINGOBIZ_BASE_URL", checkHTTPURL), "/"),
		RingoBizAPIKey:             r.optional("CHANNEL_RINGOBIZ_API_KEY", nil),
		DistributionMaxAttempts:    r.intIn("DISTRIBUTION_MAX_ATTEMPTS", 6, 1, 20),
		BreakerThreshold:           r.intIn("DISTRIBUTION_BREAKER_THRESHOLD", 5, 1, 1000),
		BreakerCooldown:            time.Duration(r.intIn("DISTRIBUTION_BREAKER_COOLDOWN_SECONDS", 30, 1, 3600)) * time.Second,
		AttemptTable:               r.text("DISTRIBUTION_ATTEMPT_TABLE", "distributionattempts"),
		MessagingSMSBaseURL:        strings.TrimRight(r.optional("MESSAGING_SMS_BASE_URL", checkHTTPURL), "/"),
		MessagingSMSAppKey:         r.optional("MESSAGING_SMS_APP_KEY", nil),
		MessagingSMSSecretKey:      r.optional("MESSAGING_SMS_SECRET_KEY", nil),
		MessagingSendNo:            r.optional("MESSAGING_SMS_SEND_NO", checkDigits),
		MessagingAlimTalkBaseURL:   strings.TrimRight(r.optional("MESSAGING_ALIMTALK_BASE_URL", checkHTTPURL), "/"),
		MessagingAlimTalkAppKey:    r.optional("MESSAGING_ALIMTALK_APP_KEY", nil),
		MessagingAlimTalkSecretKey: r.optional("MESSAGING_ALIMTALK_SECRET_KEY", nil),
		MessagingSenderKey:         r.optional("MESSAGING_ALIMTALK_SENDER_KEY", nil),
		MessagingWinnerTemplate:    r.optional("MESSAGING_ALIMTALK_TEMPLATE_WINNER", nil),
		MessagingTimeout:           time.Duration(r.intIn("MESSAGING_TIMEOUT_SECONDS", 10, 1, 60)) * time.Second,
		PhoneVerifySendsPerPhone:   r.intIn("PHONE_VERIFY_SENDS_PER_PHONE", 5, 0, 1000),
		PhoneVerifySendsPerClient:  r.intIn("PHONE_VERIFY_SENDS_PER_CLIENT", 20, 0, 1_000_000),
		PhoneVerifyTokenTTL:        time.Duration(r.intIn("PHONE_VERIFY_TOKEN_MINUTES", 30, 1, 24*60)) * time.Minute,
		WinnerNotifyMaxAttempts:    r.intIn("WINNER_NOTIFY_MAX_ATTEMPTS", 5, 1, 20),
		WinnerNotifyBackoff:        time.Duration(r.intIn("WINNER_NOTIFY_BACKOFF_SECONDS", 30, 1, 3600)) * time.Second,
		WinnerNotifyTable:          r.text("WINNER_NOTIFY_TABLE", "WinnerNotifications"),
		LogLevel:                   r.level("LOG_LEVEL"),
		RequestTimeout:             time.Duration(r.intIn("REQUEST_TIMEOUT_SECONDS", 25, 1, 600)) * time.Second,
		QueueTimeout:               time.Duration(r.intIn("QUEUE_TIMEOUT_SECONDS", 240, 10, 3600)) * time.Second,
		MaxBodyBytes:               int64(r.intIn("MAX_BODY_BYTES", 1<<20, 1024, 64<<20)),
	}
	if c.PostgresDirectURL == "" {
		c.PostgresDirectURL = c.PostgresURL
	}
	if c.StorageConnectionString == "" && c.StorageAccountName == "" {
		r.fail("STORAGE_CONNECTION_STRING", "missing (or set STORAGE_ACCOUNT_NAME for a managed identity)")
	}
	if c.QueueBroker == BrokerServiceBus && c.ServiceBusConnectionString == "" && c.ServiceBusNamespace == "" {
		r.fail("ServiceBusConnection", "missing: QUEUE_BROKER=servicebus needs it or ServiceBusConnection__fullyQualifiedNamespace")
	}
	// Azure OpenAI takes the managed identity's Entra ID token instead of a
	// key (AZURE_CLIENT_ID); OpenAI's own API takes keys only.
	if c.AIBaseURL != "" && c.AIAPIKey == "" && c.AIFlavor != "azure" {
		r.fail("AI_API_KEY", "missing: AI_BASE_URL is set and AI_API_FLAVOR=openai takes keys only")
	}
	r.orderDeadlines(c)
	if len(r.errs) > 0 {
		return Config{}, fmt.Errorf("invalid settings:\n  %w", errors.Join(r.errs...))
	}
	return c, nil
}

// StateWriteBudget is how long work that must outlive a queue invocation
// (the outcome of a channel call, its follow-up job, a poison record) may
// take after the deadline: QUEUE_TIMEOUT_SECONDS plus this stays below
// host.json functionTimeout.
const StateWriteBudget = 10 * time.Second

// orderDeadlines refuses timeouts that cannot all be kept: a fallback that
// would start after the queue deadline never runs, and a channel call longer
// than the deadline never answers.
func (r *reader) orderDeadlines(c Config) {
	if c.AIFallbackBudget >= c.QueueTimeout {
		r.fail("AI_FALLBACK_BUDGET_SECONDS", fmt.Sprintf("%d s is not below QUEUE_TIMEOUT_SECONDS (%d s): no time would be left for the AI",
			int(c.AIFallbackBudget.Seconds()), int(c.QueueTimeout.Seconds())))
		return
	}
	if room := c.QueueTimeout - c.AIFallbackBudget; c.AITimeout >= room {
		r.fail("AI_TIMEOUT_SECONDS", fmt.Sprintf("%d s is not below QUEUE_TIMEOUT_SECONDS − AI_FALLBACK_BUDGET_SECONDS (%d s): the built-in fallback would never get to run",
			int(c.AITimeout.Seconds()), int(room.Seconds())))
	}
	if c.ChannelTimeout >= c.QueueTimeout {
		r.fail("CHANNEL_TIMEOUT_SECONDS", fmt.Sprintf("%d s is not below QUEUE_TIMEOUT_SECONDS (%d s)", int(c.ChannelTimeout.Seconds()), int(c.QueueTimeout.Seconds())))
	}
}

// Env reads settings from the process environment, as the Functions host
// provides them.
func Env() Lookup { return os.LookupEnv }

// WithLocalSettings returns a lookup that prefers the environment and falls
// back to the Values of a local.settings.json file, as Core Tools does. It is
// for the command-line subcommands run by developers (migrate, devhost); a
// served handler reads the environment only.
func WithLocalSettings(path string) (Lookup, error) {
	values, err := ReadLocalSettings(path)
	if err != nil {
		return nil, err
	}
	return func(name string) (string, bool) {
		if v, ok := os.LookupEnv(name); ok {
			return v, true
		}
		v, ok := values[name]
		return v, ok
	}, nil
}

// ReadLocalSettings returns the Values of a local.settings.json file.
func ReadLocalSettings(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read local settings: %w", err)
	}
	var file struct {
		Values map[string]string `json:"Values"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	return file.Values, nil
}

// LocalSettingsPath picks local.settings.json in dir, else the committed example.
func LocalSettingsPath(dir string) string {
	p := dir + "/local.settings.json"
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return dir + "/local.settings.json.example"
}

type reader struct {
	lookup Lookup
	errs   []error
}

func (r *reader) fail(name, why string) {
	r.errs = append(r.errs, fmt.Errorf("setting %s: %s", name, why))
}

func (r *reader) get(name string) (string, bool) {
	v, ok := r.lookup(name)
	v = strings.TrimSpace(v)
	return v, ok && v != ""
}

func (r *reader) required(name string, check func(string) error) string {
	v, ok := r.get(name)
	if !ok {
		r.fail(name, "missing")
		return ""
	}
	if check != nil {
		if err := check(v); err != nil {
			r.fail(name, "malformed: "+err.Error())
		}
	}
	return v
}

func (r *reader) optional(name string, check func(string) error) string {
	v, ok := r.get(name)
	if ok && check != nil {
		if err := check(v); err != nil {
			r.fail(name, "malformed: "+err.Error())
		}
	}
	return v
}

func (r *reader) intIn(name string, def, lo, hi int) int {
	v, ok := r.get(name)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		r.fail(name, fmt.Sprintf("malformed: %q is not a whole number from %d to %d", v, lo, hi))
		return def
	}
	return n
}

func (r *reader) location(name, def string) *time.Location {
	v, ok := r.get(name)
	if !ok {
		v = def
	}
	loc, err := time.LoadLocation(v)
	if err != nil {
		r.fail(name, fmt.Sprintf("malformed: %q is not an IANA time zone such as Asia/Seoul", v))
		return time.UTC
	}
	return loc
}

func (r *reader) text(name, def string) string {
	if v, ok := r.get(name); ok {
		return v
	}
	return def
}

// key reads a base64 secret of at least min bytes.
func (r *reader) key(name string, min int) []byte {
	v, ok := r.get(name)
	if !ok {
		r.fail(name, "missing")
		return nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(v); err == nil {
			if len(b) < min {
				r.fail(name, fmt.Sprintf("malformed: decodes to %d bytes, needs at least %d", len(b), min))
			}
			return b
		}
	}
	r.fail(name, "malformed: not base64")
	return nil
}

func (r *reader) oneOf(name, def string, allowed ...string) string {
	v, ok := r.get(name)
	if !ok {
		if def == "" {
			r.fail(name, "missing (one of "+strings.Join(allowed, ", ")+")")
		}
		return def
	}
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	r.fail(name, fmt.Sprintf("malformed: %q is not one of %s", v, strings.Join(allowed, ", ")))
	return def
}

func (r *reader) level(name string) slog.Level {
	v, ok := r.get(name)
	if !ok {
		return slog.LevelInfo
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(v)); err != nil {
		r.fail(name, fmt.Sprintf("malformed: %q is not debug, info, warn or error", v))
	}
	return l
}

func checkPostgresURL(v string) error {
	_, err := pgconn.ParseConfig(v)
	if err != nil {
		// pgconn's message may echo the password; say only what is wrong.
		return errors.New("not a PostgreSQL connection URL or keyword string")
	}
	return nil
}

func checkHTTPURL(v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("not an http(s) URL")
	}
	return nil
}

func checkDigits(v string) error {
	if len(v) > 13 || strings.Trim(v, "0123456789") != "" {
		return errors.New("not a phone number in digits only (up to 13)")
	}
	return nil
}

// checkRedisURL parses v as the client will: a cluster URL may name more
// seed nodes (?addr=host:port) and only database 0.
func checkRedisURL(v string, cluster bool) error {
	if !cluster {
		if _, err := goredis.ParseURL(v); err != nil {
			return errors.New("not a redis:// or rediss:// URL")
		}
		return nil
	}
	if _, err := goredis.ParseClusterURL(v); err != nil {
		return errors.New("not a redis:// or rediss:// cluster URL (REDIS_CLUSTER=true)")
	}
	if u, _ := url.Parse(v); u.Path != "" && u.Path != "/" && u.Path != "/0" {
		return errors.New("a cluster has only database 0 (REDIS_CLUSTER=true): drop the /<db>")
	}
	return nil
}

func checkStorageConnectionString(v string) error {
	if strings.EqualFold(v, "UseDevelopmentStorage=true") {
		return errors.New("the table client needs a full connection string with BlobEndpoint= and TableEndpoint=, not UseDevelopmentStorage=true")
	}
	parts := map[string]bool{}
	for _, kv := range strings.Split(v, ";") {
		if k, _, ok := strings.Cut(kv, "="); ok {
			parts[strings.ToLower(strings.TrimSpace(k))] = true
		}
	}
	if !parts["accountname"] || !parts["accountkey"] {
		return errors.New("needs AccountName= and AccountKey=")
	}
	return nil
}
