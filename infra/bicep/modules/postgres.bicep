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
    network: { publicNetworkAccess: 'Enabled' }
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

// Flex Consumption without a virtual network reaches the server from Azure
// addresses: allow Azure services (0.0.0.0), nothing else.
resource azureServices 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {
  parent: server
  name: 'AllowAzureServices'
  properties: { startIpAddress: '0.0.0.0', endIpAddress: '0.0.0.0' }
}

output name string = server.name
output host string = server.properties.fullyQualifiedDomainName
