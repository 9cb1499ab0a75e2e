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
// 100 instances x 8 connections = 800 stays under the D2ds_v5 limit (859
// usable); raise it only with a bigger server or PgBouncer.
param postgresMaxConns = 8
param postgresAdminPassword = readEnvironmentVariable('POSTGRES_ADMIN_PASSWORD')

param redisKind = 'managed'
param redisSku = 'Balanced_B5'
param redisHighAvailability = true

param serviceBusSku = 'Premium'
param serviceBusCapacity = 1
param storageSku = 'Standard_ZRS'
param logRetentionDays = 90
param logDailyCapGb = -1

param jwtSigningKey = readEnvironmentVariable('JWT_SIGNING_KEY')
param publicWebUrl = 'https://eventmkt.example'
param logLevel = 'info'
param bcryptCost = 12
