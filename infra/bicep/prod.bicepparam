// Production: 10,000+ users, 99.9% availability: zone-redundant database,
// Redis and Service Bus, HTTP instances kept warm.
using './main.bicep'

param name = 'eventmkt-prod'
param tags = { app: 'eventmkt', env: 'prod' }

param maximumInstanceCount = 100
param instanceMemoryMB = 2048
param alwaysReadyHttp = 2

param postgresSku = 'Standard_D2ds_v5'
param postgresTier = 'GeneralPurpose'
param postgresStorageGb = 128
param postgresHighAvailability = 'ZoneRedundant'
param postgresBackupRetentionDays = 35
param postgresGeoRedundantBackup = true
// Connection budget: the limit applies per scaling group (the HTTP
// functions together, each queue function alone), so a full scale-out is
// (1 + 5) × 100 × 8 + 5 timers × 8 = 4,840 client connections, which the
// built-in PgBouncer (max_client_conn 5,000) funnels into 50 server
// connections of D2ds_v5's 859 (docs/deploy.md, "Connection budget";
// tools/deploy checks the sums).
param postgresMaxConns = 8
param postgresPgBouncerPoolSize = 50
param postgresPgBouncerMaxClientConn = 5000
param postgresAdminPassword = readEnvironmentVariable('POSTGRES_ADMIN_PASSWORD')

param redisKind = 'managed'
param redisSku = 'Balanced_B5'
param redisHighAvailability = true

param serviceBusSku = 'Premium'
param serviceBusCapacity = 1
param storageSku = 'Standard_ZRS'
param logRetentionDays = 90
param logDailyCapGb = -1

// Network: nothing but Front Door reachable from the internet. Every data
// service behind a private endpoint with public access disabled (Service
// Bus must be Premium for that), Front Door Premium reaching the pages
// and posters over Private Link, egress through a NAT gateway's static IP.
// DEPLOYER_IP opens only the web account (pages, release binaries); the
// database is reached by the migration job inside the network.
param privateNetwork = true
param natGateway = true
param deployerIpAddress = readEnvironmentVariable('DEPLOYER_IP', '')

param jwtSigningKey = readEnvironmentVariable('JWT_SIGNING_KEY')
// Empty: the Front Door endpoint; set it to the custom domain once one is
// added to the profile (docs/deploy.md).
param publicWebUrl = readEnvironmentVariable('PUBLIC_WEB_URL', '')
param logLevel = 'info'
param bcryptCost = 12

// Optional credentials: read on every deployment, so a redeploy keeps them
// (an empty value leaves the feature off: built-in AI, share kits, a
// channel failing with a reason that names its setting).
param aiBaseUrl = readEnvironmentVariable('AI_BASE_URL', '')
param aiApiKey = readEnvironmentVariable('AI_API_KEY', '')
param instagramUserId = readEnvironmentVariable('CHANNEL_INSTAGRAM_USER_ID', '')
param instagramAccessToken = readEnvironmentVariable('CHANNEL_INSTAGRAM_ACCESS_TOKEN', '')
param kakaoBaseUrl = readEnvironmentVariable('CHANNEL_KAKAO_BASE_URL', '')
param kakaoChannelId = readEnvironmentVariable('CHANNEL_KAKAO_CHANNEL_ID', '')
param kakaoApiKey = readEnvironmentVariable('CHANNEL_KAKAO_API_KEY', '')
param uriDongneTvBaseUrl = readEnvironmentVariable('CHANNEL_URIDONGNETV_BASE_URL', '')
param uriDongneTvApiKey = readEnvironmentVariable('CHANNEL_URIDONGNETV_API_KEY', '')
param giniTvBaseUrl = readEnvironmentVariable('CHANNEL_GINITV_BASE_URL', '')
param giniTvApiKey = readEnvironmentVariable('CHANNEL_GINITV_API_KEY', '')
param ringoBizBaseUrl = readEnvironmentVariable('CHANNEL_RINGOBIZ_BASE_URL', '')
param ringoBizApiKey = readEnvironmentVariable('CHANNEL_RINGOBIZ_API_KEY', '')
