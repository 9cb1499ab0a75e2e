// Azure Database for PostgreSQL Flexible Server: Burstable for dev, General
// Purpose with zone-redundant HA for production. TLS is required; both
// Entra ID and password authentication are on (the app uses the password
// from Key Vault; people sign in with Entra ID).
param name string
param location string
param tags object
param skuName string
@allowed(['Burstable', 'GeneralPurpose', 'MemoryOptimized'])
param skuTier string
param storageGb int
@allowed(['Disabled', 'ZoneRedundant', 'SameZone'])
param highAvailability string
param backupRetentionDays int
param geoRedundantBackup bool
param adminLogin string
@secure()
param adminPassword string
param databaseName string
// The built-in PgBouncer (port 6432) exists on General Purpose and Memory
// Optimized only; Burstable (dev) takes the app's connections directly on
// 5432, so there maximumInstanceCount × POSTGRES_MAX_CONNS must fit the
// server's max_connections (docs/deploy.md, "Connection budget").
param pgbouncerPoolSize int
param pgbouncerMaxClientConn int
@description('Disabled: reachable through its private endpoint only, and no firewall rule applies.')
@allowed(['Enabled', 'Disabled'])
param publicNetworkAccess string
@description('Public IPv4 addresses admitted on the public endpoint (the deployer\'s, for migrations from a workstation). The app never needs one: it comes through the private endpoint.')
param firewallIps array = []
var pgbouncer = skuTier != 'Burstable'

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: name
  location: location
  tags: tags
  sku: { name: skuName, tier: skuTier }
  properties: {
    version: '16'
    administratorLogin: adminLogin
    administratorLoginPassword: adminPassword
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: 'Enabled'
      tenantId: subscription().tenantId
    }
    storage: { storageSizeGB: storageGb, autoGrow: 'Enabled' }
    backup: {
      backupRetentionDays: backupRetentionDays
      geoRedundantBackup: geoRedundantBackup ? 'Enabled' : 'Disabled'
    }
    highAvailability: { mode: highAvailability }
    network: { publicNetworkAccess: publicNetworkAccess }
  }
}

resource tls 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  parent: server
  name: 'require_secure_transport'
  properties: { value: 'on', source: 'user-override' }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: server
  name: databaseName
  properties: { charset: 'UTF8', collation: 'en_US.utf8' }
}

// Named addresses only: no rule admits 0.0.0.0 ("Azure services", which
// is every tenant's Azure address), and none exists without public access.
@batchSize(1)
resource firewall 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = [
  for (ip, i) in firewallIps: if (publicNetworkAccess == 'Enabled') {
    parent: server
    name: 'deployer-${i}'
    properties: { startIpAddress: ip, endIpAddress: ip }
  }
]

// PgBouncer in transaction mode. max_prepared_statements stays 0: the app's
// pgx runs in cache_describe mode (shared/postgres DefaultExecMode), which
// never needs a prepared statement to outlive a transaction, and is the mode
// `make test` proves against the local PgBouncer. Server parameters are
// applied one at a time (the server rejects concurrent configuration
// writes), after the TLS one.
var pgbouncerSettings = [
  { name: 'pgbouncer.enabled', value: 'true' }
  { name: 'pgbouncer.pool_mode', value: 'transaction' }
  { name: 'pgbouncer.default_pool_size', value: string(pgbouncerPoolSize) }
  { name: 'pgbouncer.max_client_conn', value: string(pgbouncerMaxClientConn) }
  { name: 'pgbouncer.max_prepared_statements', value: '0' }
]

@batchSize(1)
resource pgbouncerConfig 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = [for s in pgbouncerSettings: if (pgbouncer) {
  parent: server
  name: s.name
  properties: { value: s.value, source: 'user-override' }
  dependsOn: [tls]
}]

output name string = server.name
output id string = server.id
// The port the app's pool uses: PgBouncer's where there is one.
output appPort int = pgbouncer ? 6432 : 5432
// The server's own port, for migrations and session work.
output directPort int = 5432
output host string = server.properties.fullyQualifiedDomainName
