// Development: about 100 users, cheapest sizes, no high availability.
using './main.bicep'

param name = 'eventmkt-dev'
param tags = { app: 'eventmkt', env: 'dev' }

// 40 is the lowest maximum Flex Consumption accepts in every region; at
// about 100 users the app never comes close to it.
param maximumInstanceCount = 40
param instanceMemoryMB = 2048
param alwaysReadyHttp = 0

// Burstable has no built-in PgBouncer: the app connects directly, so the
// worst case, (1 HTTP group + 5 queue functions) × 40 instances × 3 + 5
// timers × 3 = 735 connections, must fit max_connections less Azure's 15 and
// 10 for migrations: B1ms allows 50, B2s 429, B2ms 859 (docs/deploy.md,
// "Connection budget"; tools/deploy checks the sum).
param postgresSku = 'Standard_B2ms'
param postgresTier = 'Burstable'
param postgresStorageGb = 32
param postgresHighAvailability = 'Disabled'
param postgresBackupRetentionDays = 7
param postgresGeoRedundantBackup = false
param postgresMaxConns = 3
param postgresAdminPassword = readEnvironmentVariable('POSTGRES_ADMIN_PASSWORD')

param redisKind = 'managed'
param redisSku = 'Balanced_B0'
param redisHighAvailability = false

param serviceBusSku = 'Standard'
param storageSku = 'Standard_LRS'
param logRetentionDays = 30
param logDailyCapGb = 1

// Network: public endpoints (cheaper: no Premium Front Door or Service
// Bus, one private endpoint), but no rule admits all of Azure. PostgreSQL
// is reached by the app over its private endpoint and by the deployer's
// address (DEPLOYER_IP, e.g. $(curl -fsS https://api.ipify.org)) for
// migrations; without it, only the app reaches the database.
param privateNetwork = false
param natGateway = false
param deployerIpAddress = readEnvironmentVariable('DEPLOYER_IP', '')

param jwtSigningKey = readEnvironmentVariable('JWT_SIGNING_KEY')
// Empty: the Front Door endpoint (https://eventmkt-dev-<hash>.z01.azurefd.net).
param publicWebUrl = readEnvironmentVariable('PUBLIC_WEB_URL', '')
param logLevel = 'debug'
param bcryptCost = 10

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
