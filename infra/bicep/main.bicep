// The whole stack of the event-marketing backend on serverless building
// blocks: one `az deployment group create` with dev.bicepparam or
// prod.bicepparam, then a zip deploy of `make package` and an upload of
// `make web` (docs/deploy.md). Azure Front Door is the one public address:
// `/api/*` to the function app, `/images/*` to the posters, everything else
// to the Storage static website holding the customer's pages.
//
// The network (docs/deploy.md, "The network"): the function app's outbound
// calls leave through a virtual network. With privateNetwork (prod) every
// data service (PostgreSQL, Redis, Service Bus, the data storage account,
// Key Vault) has a private endpoint and public network access disabled,
// and Front Door (Premium) reaches the web storage account over Private
// Link. Without it (dev) the services keep public endpoints, and only
// PostgreSQL, which authenticates by password, is reached privately and
// firewalled to the deployer's address.
targetScope = 'resourceGroup'

@description('Short name used in every resource name, e.g. eventmkt-dev.')
@minLength(3)
@maxLength(16)
param name string
param location string = resourceGroup().location
param tags object = {}

// Function app (Flex Consumption).
param maximumInstanceCount int
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048
param alwaysReadyHttp int = 0

// PostgreSQL Flexible Server.
param postgresSku string
@allowed(['Burstable', 'GeneralPurpose', 'MemoryOptimized'])
param postgresTier string
param postgresStorageGb int
@allowed(['Disabled', 'ZoneRedundant', 'SameZone'])
param postgresHighAvailability string
param postgresBackupRetentionDays int = 7
param postgresGeoRedundantBackup bool = false
param postgresAdminLogin string = 'eventmktadmin'
@secure()
param postgresAdminPassword string
@description('The per-instance pool (POSTGRES_MAX_CONNS); maximumInstanceCount × this is the client connections at full scale-out.')
param postgresMaxConns int = 10
@description('Server connections the built-in PgBouncer opens for the app (pgbouncer.default_pool_size; General Purpose and Memory Optimized only).')
param postgresPgBouncerPoolSize int = 50
@description('Client connections the built-in PgBouncer accepts (pgbouncer.max_client_conn).')
param postgresPgBouncerMaxClientConn int = 5000

// Redis.
@allowed(['managed', 'cache'])
param redisKind string = 'managed'
param redisSku string
param redisHighAvailability bool
// EnterpriseCluster: one endpoint whose proxy routes each key to its shard,
// so the app uses a plain client (REDIS_CLUSTER=false). OSSCluster: the
// client talks to each shard itself (REDIS_CLUSTER=true, go-redis's cluster
// client). Either way a multi-key script or transaction must keep its keys
// in one hash slot once there is more than one shard (README, "Redis").
@allowed(['EnterpriseCluster', 'OSSCluster'])
param redisClusteringPolicy string = 'EnterpriseCluster'

// Service Bus, storage, logs.
@allowed(['Standard', 'Premium'])
param serviceBusSku string
param serviceBusCapacity int = 1
@allowed(['Standard_LRS', 'Standard_ZRS', 'Standard_GZRS'])
param storageSku string
param logRetentionDays int = 30
param logDailyCapGb int = -1

// The app.
@secure()
@description('base64 HMAC key for access tokens, 32+ bytes decoded (openssl rand -base64 48).')
param jwtSigningKey string
@description('The address customers open (channel links, share kits); empty means https://<Front Door endpoint host>.')
param publicWebUrl string = ''
param logLevel string = 'info'
param bcryptCost int = 12
param eventTimeZone string = 'Asia/Seoul'
param imageBaseUrl string = ''
param aiBaseUrl string = ''
@secure()
@description('Empty with aiApiFlavor=azure: the app signs in with its managed identity, which needs "Cognitive Services OpenAI User" on the Azure OpenAI account (docs/deploy.md).')
param aiApiKey string = ''
@allowed(['openai', 'azure'])
param aiApiFlavor string = 'openai'
param aiChatModel string = 'gpt-4o-mini'
param aiImageModel string = ''

// Network.
@description('Private data plane: private endpoints and no public network access for every data service, Front Door Premium over Private Link to the web account. Needs serviceBusSku Premium.')
param privateNetwork bool = false
@description('The virtual network\'s address space (a /16: the function subnet takes a /22).')
param vnetAddressPrefix string = '10.40.0.0/16'
@description('Egress through a NAT gateway with a static public IP (partners that allow-list addresses), instead of default outbound access.')
param natGateway bool = false
@description('The deployer\'s public IPv4 address. dev: the PostgreSQL firewall\'s one rule (migrations from a workstation). prod: the web storage account\'s one rule (uploads of pages and release binaries); nothing else.')
param deployerIpAddress string = ''

// Front Door.
@description('POST …/participate requests per client IP and minute before the WAF blocks (429).')
param participateRatePerMinute int = 100
@description('Admit HTTP to the function app only from this Front Door (access restriction on the AzureFrontDoor.Backend tag and X-Azure-FDID).')
param apiOnlyViaFrontDoor bool = true

// Channels: an empty base URL leaves a channel unconfigured (it fails with
// a reason naming the setting; NAVER needs nothing, KAKAO falls back to a
// share kit).
param instagramBaseUrl string = 'https://graph.facebook.com/v21.0'
param instagramUserId string = ''
@secure()
param instagramAccessToken string = ''
param kakaoBaseUrl string = ''
param kakaoChannelId string = ''
@secure()
param kakaoApiKey string = ''
param uriDongneTvBaseUrl string = ''
@secure()
param uriDongneTvApiKey string = ''
param giniTvBaseUrl string = ''
@secure()
param giniTvApiKey string = ''
param ringoBizBaseUrl string = ''
@secure()
param ringoBizApiKey string = ''
// NHN Cloud Notification (docs/messaging.md): SMS and KakaoTalk AlimTalk.
param messagingSmsBaseUrl string = 'https://api-sms.cloud.toast.com'
param messagingSmsAppKey string = ''
@secure()
param messagingSmsSecretKey string = ''
param messagingSmsSendNo string = ''
param messagingAlimTalkBaseUrl string = 'https://api-alimtalk.cloud.toast.com'
param messagingAlimTalkAppKey string = ''
@secure()
param messagingAlimTalkSecretKey string = ''
param messagingAlimTalkSenderKey string = ''
param messagingAlimTalkTemplateWinner string = ''

var suffix = uniqueString(resourceGroup().id, name)
var compact = toLower(replace(name, '-', ''))
var storageName = take('st${compact}${suffix}', 24)
var webStorageName = take('stw${compact}${suffix}', 24)
var vaultName = take('kv-${compact}-${suffix}', 24)
var databaseName = 'eventmkt'
var imageContainer = 'images'
var releaseContainer = 'releases'
var proofContainer = 'draw-proofs'
var exportContainer = 'exports'
var attemptTable = 'distributionattempts'
var winnerNotifyTable = 'WinnerNotifications'
// Posters come through Front Door (/images/*), the pages' own origin,
// unless imageBaseUrl names another: then its origin joins the CSP img-src.
var imageOrigin = empty(imageBaseUrl) ? '' : join(take(split(imageBaseUrl, '/'), 3), '/')
var publicAccess = privateNetwork ? 'Disabled' : 'Enabled'

// The private DNS zone of each private endpoint's sub-resource.
var zones = {
  postgres: 'privatelink.postgres.database.azure.com'
  redis: redisKind == 'managed' ? 'privatelink.redis.azure.net' : 'privatelink.redis.cache.windows.net'
  serviceBus: 'privatelink.servicebus.windows.net'
  blob: 'privatelink.blob.core.windows.net'
  table: 'privatelink.table.core.windows.net'
  queue: 'privatelink.queue.core.windows.net'
  vault: 'privatelink.vaultcore.azure.net'
}

module network 'modules/network.bicep' = {
  name: 'network'
  params: {
    name: name
    location: location
    tags: tags
    addressPrefix: vnetAddressPrefix
    natGateway: natGateway
    // dev: PostgreSQL only (the one service behind a firewall, which the
    // function app's changing addresses could not pass).
    dnsZones: privateNetwork ? [zones.postgres, zones.redis, zones.serviceBus, zones.blob, zones.table, zones.queue, zones.vault] : [zones.postgres]
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: { name: name, location: location, tags: tags, retentionDays: logRetentionDays, dailyCapGb: logDailyCapGb }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: storageName
    location: location
    tags: tags
    sku: storageSku
    containers: [
      { name: 'deployments', public: false }
      { name: imageContainer, public: true } // posters: read through Front Door (/images/*)
      { name: proofContainer, public: false }
      { name: exportContainer, public: false }
    ]
    tables: [attemptTable, winnerNotifyTable]
    // Exports hold personal data: the app replaces an event's file when its
    // entries change; whatever is left goes after a day.
    expiringContainers: [exportContainer]
    publicNetworkAccess: publicAccess
  }
}

// The pages and the release binaries the migration job runs, apart from
// the data: in prod it admits Front Door over Private Link, the deployer's
// address, which uploads both, and the migration job's subnet.
module webStorage 'modules/storage.bicep' = {
  name: 'webstorage'
  params: {
    name: webStorageName
    location: location
    tags: tags
    sku: storageSku
    containers: [
      { name: releaseContainer, public: false }
    ]
    publicNetworkAccess: 'Enabled'
    defaultNetworkAction: privateNetwork ? 'Deny' : 'Allow'
    allowedIps: privateNetwork && !empty(deployerIpAddress) ? [deployerIpAddress] : []
    allowedSubnets: privateNetwork ? [network.outputs.opsSubnetId] : []
  }
}

module staticWebsite 'modules/staticwebsite.bicep' = {
  name: 'staticwebsite'
  params: { storageAccountName: webStorage.outputs.name, location: location, tags: tags }
}

module frontDoor 'modules/frontdoor.bicep' = {
  name: 'frontdoor'
  params: {
    profileName: 'afd-${name}'
    endpointName: name
    wafPolicyName: 'waf${compact}'
    tags: tags
    sku: privateNetwork ? 'Premium_AzureFrontDoor' : 'Standard_AzureFrontDoor'
    webOriginHost: staticWebsite.outputs.host
    imagesOriginHost: storage.outputs.blobHost
    webAccountId: privateNetwork ? webStorage.outputs.id : ''
    imagesAccountId: privateNetwork ? storage.outputs.id : ''
    privateLinkLocation: location
    imageOrigin: imageOrigin
    participateRatePerMinute: participateRatePerMinute
  }
}

module postgres 'modules/postgres.bicep' = {
  name: 'postgres'
  params: {
    name: 'psql-${name}-${suffix}'
    location: location
    tags: tags
    skuName: postgresSku
    skuTier: postgresTier
    storageGb: postgresStorageGb
    highAvailability: postgresHighAvailability
    backupRetentionDays: postgresBackupRetentionDays
    geoRedundantBackup: postgresGeoRedundantBackup
    adminLogin: postgresAdminLogin
    adminPassword: postgresAdminPassword
    databaseName: databaseName
    pgbouncerPoolSize: postgresPgBouncerPoolSize
    pgbouncerMaxClientConn: postgresPgBouncerMaxClientConn
    publicNetworkAccess: publicAccess
    firewallIps: privateNetwork || empty(deployerIpAddress) ? [] : [deployerIpAddress]
  }
}

module redis 'modules/redis.bicep' = {
  name: 'redis'
  params: {
    name: 'redis-${name}-${suffix}'
    location: location
    tags: tags
    kind: redisKind
    sku: redisSku
    highAvailability: redisHighAvailability
    clusteringPolicy: redisClusteringPolicy
    publicNetworkAccess: publicAccess
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  params: {
    name: 'sb-${name}-${suffix}'
    location: location
    tags: tags
    sku: serviceBusSku
    capacity: serviceBusCapacity
    publicNetworkAccess: publicAccess
  }
}

module vault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: vaultName
    location: location
    tags: tags
    publicNetworkAccess: publicAccess
    secrets: {
      'jwt-signing-key': jwtSigningKey
      'postgres-url': 'postgres://${postgresAdminLogin}:${uriComponent(postgresAdminPassword)}@${postgres.outputs.host}:${postgres.outputs.appPort}/${databaseName}?sslmode=require'
      'postgres-direct-url': 'postgres://${postgresAdminLogin}:${uriComponent(postgresAdminPassword)}@${postgres.outputs.host}:${postgres.outputs.directPort}/${databaseName}?sslmode=require'
      'redis-url': redis.outputs.url
      'ai-api-key': aiApiKey
      'instagram-access-token': instagramAccessToken
      'kakao-api-key': kakaoApiKey
      'uridongnetv-api-key': uriDongneTvApiKey
      'ginitv-api-key': giniTvApiKey
      'ringobiz-api-key': ringoBizApiKey
      'messaging-sms-secret-key': messagingSmsSecretKey
      'messaging-alimtalk-secret-key': messagingAlimTalkSecretKey
    }
  }
}

// Private endpoints, in the endpoints' subnet, each with its DNS record.
// PostgreSQL's in both environments; the rest with privateNetwork.
module postgresEndpoint 'modules/privateendpoint.bicep' = {
  name: 'pe-postgres'
  params: {
    name: 'pe-${name}-postgres'
    location: location
    tags: tags
    subnetId: network.outputs.endpointSubnetId
    targetId: postgres.outputs.id
    groupId: 'postgresqlServer'
    dnsZoneName: zones.postgres
  }
}

module redisEndpoint 'modules/privateendpoint.bicep' = if (privateNetwork) {
  name: 'pe-redis'
  params: {
    name: 'pe-${name}-redis'
    location: location
    tags: tags
    subnetId: network.outputs.endpointSubnetId
    targetId: redis.outputs.id
    groupId: redis.outputs.privateLinkGroup
    dnsZoneName: zones.redis
  }
}

module serviceBusEndpoint 'modules/privateendpoint.bicep' = if (privateNetwork) {
  name: 'pe-servicebus'
  params: {
    name: 'pe-${name}-servicebus'
    location: location
    tags: tags
    subnetId: network.outputs.endpointSubnetId
    targetId: serviceBus.outputs.id
    groupId: 'namespace'
    dnsZoneName: zones.serviceBus
  }
}

// The host's own storage and the app's: blobs (the deployment package too),
// the host's queues, the tables. One at a time: endpoints in one subnet
// are created one after another anyway, and in parallel they conflict.
@batchSize(1)
module storageEndpoints 'modules/privateendpoint.bicep' = [
  for service in ['blob', 'table', 'queue']: if (privateNetwork) {
    name: 'pe-storage-${service}'
    params: {
      name: 'pe-${name}-st-${service}'
      location: location
      tags: tags
      subnetId: network.outputs.endpointSubnetId
      targetId: storage.outputs.id
      groupId: service
      dnsZoneName: zones[service]
    }
  }
]

module vaultEndpoint 'modules/privateendpoint.bicep' = if (privateNetwork) {
  name: 'pe-vault'
  params: {
    name: 'pe-${name}-kv'
    location: location
    tags: tags
    subnetId: network.outputs.endpointSubnetId
    targetId: vault.outputs.id
    groupId: 'vault'
    dnsZoneName: zones.vault
  }
}

// The function app's identity and its roles, created before the app (it
// depends on them): the first start resolves Key Vault references and
// reaches Storage and Service Bus.
module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: { name: 'id-func-${name}-${suffix}', location: location, tags: tags }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    principalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    serviceBusName: serviceBus.outputs.name
    keyVaultName: vault.outputs.name
  }
}

// The operator's identity for jobs inside the network (the migration job,
// docs/deploy.md step 8): it reads the release binaries and the database URL.
module ops 'modules/ops.bicep' = {
  name: 'ops'
  params: {
    name: 'id-ops-${name}-${suffix}'
    location: location
    tags: tags
    webStorageAccountName: webStorage.outputs.name
    releaseContainer: releaseContainer
    keyVaultName: vault.outputs.name
  }
}

// A Key Vault reference, or '' when the secret was not given.
func secretRef(vaultUri string, secret string, given string) string =>
  empty(given) ? '' : '@Microsoft.KeyVault(SecretUri=${vaultUri}secrets/${secret})'

// Every setting shared/config reads (a Go test checks this list against
// config.Names and local.settings.json.example), plus the host's own.
var appSettings = {
  // The host's connections and the app's SDK clients use the user-assigned
  // identity: with no system-assigned one, each must name it by client id.
  AzureWebJobsStorage__accountName: storage.outputs.name
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.outputs.clientId
  AZURE_CLIENT_ID: identity.outputs.clientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
  POSTGRES_URL: '@Microsoft.KeyVault(SecretUri=${vault.outputs.uri}secrets/postgres-url)'
  POSTGRES_MAX_CONNS: string(postgresMaxConns)
  POSTGRES_DIRECT_URL: '@Microsoft.KeyVault(SecretUri=${vault.outputs.uri}secrets/postgres-direct-url)'
  POSTGRES_EXEC_MODE: 'cache_describe'
  REDIS_URL: '@Microsoft.KeyVault(SecretUri=${vault.outputs.uri}secrets/redis-url)'
  REDIS_CLUSTER: redisKind == 'managed' && redisClusteringPolicy == 'OSSCluster' ? 'true' : 'false'
  STORAGE_ACCOUNT_NAME: storage.outputs.name
  QUEUE_BROKER: 'servicebus'
  // Identity-based only: no ServiceBusConnection setting (even an empty
  // one), which the host would take as a connection string.
  ServiceBusConnection__fullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
  ServiceBusConnection__credential: 'managedidentity'
  ServiceBusConnection__clientId: identity.outputs.clientId
  LOG_LEVEL: logLevel
  REQUEST_TIMEOUT_SECONDS: '25'
  QUEUE_TIMEOUT_SECONDS: '240' // below host.json functionTimeout (5 min) with time to record state
  MAX_BODY_BYTES: '1048576'
  JWT_SIGNING_KEY: '@Microsoft.KeyVault(SecretUri=${vault.outputs.uri}secrets/jwt-signing-key)'
  JWT_ISSUER: 'eventmkt'
  JWT_AUDIENCE: 'eventmkt-api'
  ACCESS_TOKEN_MINUTES: '15'
  REFRESH_TOKEN_DAYS: '14'
  BCRYPT_COST: string(bcryptCost)
  LOGIN_RATE_PER_IP: '20'
  REGISTER_RATE_PER_IP: '10'
  PASSWORD_CHANGES_PER_HOUR: '10'
  LOGIN_SLOWDOWN_AFTER: '20'
  EVENT_TIME_ZONE: eventTimeZone
  JOB_TIMEOUT_MINUTES: '10'
  AI_PLAN_JOBS_PER_DAY: '20'
  AI_POSTER_JOBS_PER_DAY: '40'
  PUBLIC_WEB_URL: empty(publicWebUrl) ? 'https://${frontDoor.outputs.endpointHostName}' : publicWebUrl
  VIEW_RATE_PER_CLIENT: '30'
  // Front Door appends the customer to X-Forwarded-For, the app's front end
  // then appends Front Door: the customer is one entry before the last.
  CLIENT_ADDRESS_HOPS: apiOnlyViaFrontDoor ? '1' : '0'
  AI_BASE_URL: aiBaseUrl
  AI_API_KEY: secretRef(vault.outputs.uri, 'ai-api-key', aiApiKey)
  AI_API_FLAVOR: aiApiFlavor
  AI_API_VERSION: '2024-10-21'
  AI_CHAT_MODEL: aiChatModel
  AI_IMAGE_MODEL: aiImageModel
  AI_TIMEOUT_SECONDS: '30'
  AI_FALLBACK_BUDGET_SECONDS: '20'
  IMAGE_CONTAINER: imageContainer
  IMAGE_BASE_URL: empty(imageBaseUrl) ? 'https://${frontDoor.outputs.endpointHostName}/${imageContainer}' : imageBaseUrl
  PARTICIPATION_RATE_PER_CLIENT: '30'
  PARTICIPATION_RATE_PER_PHONE: '5'
  PARTICIPATION_RATE_PER_IPV4_24: '120'
  PARTICIPATION_RATE_PER_IPV6_64: '60'
  PARTICIPATION_BATCH_SIZE: '64'
  PARTICIPATION_BATCH_DELAY_MS: '2'
  PARTICIPATION_BATCH_WRITERS: '1'
  PRIVACY_RETENTION_DAYS: '30'
  PRIVACY_UNDRAWN_GRACE_DAYS: '30'
  PARTICIPATION_FLAG_NETWORK_ENTRIES: '5'
  PARTICIPATION_FLAG_BURST_PER_MINUTE: '20'
  DRAW_PROOF_CONTAINER: proofContainer
  DRAW_PROOF_BUILD_SECONDS: '120'
  EXPORT_MAX_PER_OWNER: '2'
  EXPORT_MAX_SECONDS: '240'
  EXPORT_CONTAINER: exportContainer
  DOWNLOAD_LINK_TTL_SECONDS: '600'
  CHANNEL_TIMEOUT_SECONDS: '10'
  CHANNEL_INSTAGRAM_BASE_URL: instagramBaseUrl
  CHANNEL_INSTAGRAM_USER_ID: instagramUserId
  CHANNEL_INSTAGRAM_ACCESS_TOKEN: secretRef(vault.outputs.uri, 'instagram-access-token', instagramAccessToken)
  CHANNEL_KAKAO_BASE_URL: kakaoBaseUrl
  CHANNEL_KAKAO_API_KEY: secretRef(vault.outputs.uri, 'kakao-api-key', kakaoApiKey)
  CHANNEL_KAKAO_CHANNEL_ID: kakaoChannelId
  CHANNEL_URIDONGNETV_BASE_URL: uriDongneTvBaseUrl
  CHANNEL_URIDONGNETV_API_KEY: secretRef(vault.outputs.uri, 'uridongnetv-api-key', uriDongneTvApiKey)
  CHANNEL_GINITV_BASE_URL: giniTvBaseUrl
  CHANNEL_GINITV_API_KEY: secretRef(vault.outputs.uri, 'ginitv-api-key', giniTvApiKey)
  CHANNEL_RINGOBIZ_BASE_URL: ringoBizBaseUrl
  CHANNEL_RINGOBIZ_API_KEY: secretRef(vault.outputs.uri, 'ringobiz-api-key', ringoBizApiKey)
  MESSAGING_SMS_BASE_URL: messagingSmsBaseUrl
  MESSAGING_SMS_APP_KEY: messagingSmsAppKey
  MESSAGING_SMS_SECRET_KEY: secretRef(vault.outputs.uri, 'messaging-sms-secret-key', messagingSmsSecretKey)
  MESSAGING_SMS_SEND_NO: messagingSmsSendNo
  MESSAGING_ALIMTALK_BASE_URL: messagingAlimTalkBaseUrl
  MESSAGING_ALIMTALK_APP_KEY: messagingAlimTalkAppKey
  MESSAGING_ALIMTALK_SECRET_KEY: secretRef(vault.outputs.uri, 'messaging-alimtalk-secret-key', messagingAlimTalkSecretKey)
  MESSAGING_ALIMTALK_SENDER_KEY: messagingAlimTalkSenderKey
  MESSAGING_ALIMTALK_TEMPLATE_WINNER: messagingAlimTalkTemplateWinner
  MESSAGING_TIMEOUT_SECONDS: '10'
  PHONE_VERIFY_SENDS_PER_PHONE: '5'
  PHONE_VERIFY_SENDS_PER_CLIENT: '20'
  PHONE_VERIFY_TOKEN_MINUTES: '30'
  WINNER_NOTIFY_MAX_ATTEMPTS: '5'
  WINNER_NOTIFY_BACKOFF_SECONDS: '30'
  WINNER_NOTIFY_TABLE: winnerNotifyTable
  DISTRIBUTION_MAX_ATTEMPTS: '6'
  DISTRIBUTION_BREAKER_THRESHOLD: '5'
  DISTRIBUTION_BREAKER_COOLDOWN_SECONDS: '30'
  DISTRIBUTION_ATTEMPT_TABLE: attemptTable
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  dependsOn: [roles] // the identity's roles exist before the app first starts
  params: {
    name: 'func-${name}-${suffix}'
    location: location
    tags: tags
    storageAccountName: storage.outputs.name
    deploymentContainer: 'deployments'
    identityId: identity.outputs.id
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    alwaysReadyHttp: alwaysReadyHttp
    appSettings: appSettings
    frontDoorId: apiOnlyViaFrontDoor ? frontDoor.outputs.frontDoorId : ''
    subnetId: network.outputs.functionSubnetId
  }
}

// After the function app: the route's origin is the app's host name.
module frontDoorApi 'modules/frontdoor-api.bicep' = {
  name: 'frontdoor-api'
  params: {
    profileName: frontDoor.outputs.profileName
    endpointName: frontDoor.outputs.endpointName
    apiOriginHost: functionApp.outputs.hostName
  }
}

output functionAppUrl string = functionApp.outputs.url
output functionAppName string = functionApp.outputs.name
// Through Front Door: with apiOnlyViaFrontDoor the app's own URL answers 403.
output healthUrl string = 'https://${frontDoor.outputs.endpointHostName}/api/v1/health'
output frontDoorEndpointHostName string = frontDoor.outputs.endpointHostName
output frontDoorProfileName string = frontDoor.outputs.profileName
output frontDoorEndpointName string = frontDoor.outputs.endpointName
output publicWebUrl string = empty(publicWebUrl) ? 'https://${frontDoor.outputs.endpointHostName}' : publicWebUrl
output postgresServerName string = postgres.outputs.name
output keyVaultName string = vault.outputs.name
output storageAccountName string = storage.outputs.name
@description('The pages ($web) and the release binaries: `make web` and the migration job\'s handler go here.')
output webStorageAccountName string = webStorage.outputs.name
output opsSubnetId string = network.outputs.opsSubnetId
output opsIdentityId string = ops.outputs.id
output opsIdentityClientId string = ops.outputs.clientId
@description('The address partners see the app\'s calls come from (prod); empty without a NAT gateway.')
output natGatewayIp string = network.outputs.natGatewayIp
