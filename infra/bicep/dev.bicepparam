// Development: about 100 users, cheapest sizes, no high availability.
using './main.bicep'

param name = 'eventmkt-dev'
param tags = { app: 'eventmkt', env: 'dev' }

param maximumInstanceCount = 10
param instanceMemoryMB = 2048
param alwaysReadyHttp = 0

param postgresSku = 'Standard_B1ms'
param postgresTier = 'Burstable'
param postgresStorageGb = 32
param postgresHighAvailability = 'Disabled'
param postgresBackupRetentionDays = 7
param postgresGeoRedundantBackup = false
param postgresMaxConns = 5
param postgresAdminPassword = readEnvironmentVariable('POSTGRES_ADMIN_PASSWORD')

param redisKind = 'managed'
param redisSku = 'Balanced_B0'
param redisHighAvailability = false

param serviceBusSku = 'Standard'
param storageSku = 'Standard_LRS'
param logRetentionDays = 30
param logDailyCapGb = 1

param jwtSigningKey = readEnvironmentVariable('JWT_SIGNING_KEY')
param publicWebUrl = 'https://dev.eventmkt.example'
param logLevel = 'debug'
param bcryptCost = 10
