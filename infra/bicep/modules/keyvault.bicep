// Key Vault in RBAC mode: the JWT signing key, the Postgres and Redis URLs
// (they hold passwords) and the optional third-party credentials. App
// settings reference them; rotating a secret needs only a restart.
param name string
param location string
param tags object
@description('Secrets to store: name and value. Empty values are skipped (the setting stays empty).')
@secure()
param secrets object
@description('Disabled: reachable through its private endpoint only (the app\'s Key Vault references resolve over the VNet integration).')
@allowed(['Enabled', 'Disabled'])
param publicNetworkAccess string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 30
    enablePurgeProtection: true
    publicNetworkAccess: publicNetworkAccess
    networkAcls: { defaultAction: publicNetworkAccess == 'Disabled' ? 'Deny' : 'Allow', bypass: 'None' }
  }
}

resource stored 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = [
  for s in items(secrets): if (!empty(s.value)) {
    parent: vault
    name: s.key
    properties: { value: s.value }
  }
]

output name string = vault.name
output id string = vault.id
output uri string = vault.properties.vaultUri
