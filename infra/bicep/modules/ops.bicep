// The operator's identity for work inside the network, in prod the only
// way to the database: the migration job (Azure Container Instances in
// snet-ops, docs/deploy.md step 8) runs as it. It may read the release
// binaries and the vault's secrets (postgres-direct-url), nothing else.
param name string
param location string
param tags object
param webStorageAccountName string
param releaseContainer string
param keyVaultName string

var roles = {
  storageBlobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: webStorageAccountName
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' existing = {
  parent: account
  name: 'default'
}

resource releases 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  parent: blobs
  name: releaseContainer
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource releaseReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: releases
  name: guid(releases.id, identity.id, roles.storageBlobDataReader)
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataReader)
  }
}

resource secretsReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, identity.id, roles.keyVaultSecretsUser)
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
  }
}

output id string = identity.id
output clientId string = identity.properties.clientId
