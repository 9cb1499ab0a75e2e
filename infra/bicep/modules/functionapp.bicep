// The function app on the Flex Consumption plan (FC1, Linux): our Go
// custom handler (runtime custom 1.0; Flex rejects FUNCTIONS_WORKER_RUNTIME),
// deployed as a zip to a blob container the app reads with its
// user-assigned identity (modules/identity.bicep), which also resolves the
// Key Vault references: that identity holds its roles before this app
// exists, so the first start needs no restart.
param name string
param location string
param tags object
param storageAccountName string
param deploymentContainer string
@description('The user-assigned identity\'s resource id (modules/identity.bicep).')
param identityId string
param maximumInstanceCount int
@allowed([512, 2048, 4096])
param instanceMemoryMB int
@description('Always-ready instances for the HTTP functions (0 in dev).')
param alwaysReadyHttp int
@description('App settings (name: value); secrets are Key Vault references.')
param appSettings object
@description('Front Door\'s id (X-Azure-FDID): when set, HTTP is admitted only from that Front Door profile; empty leaves the app open.')
param frontDoorId string = ''
@description('The delegated subnet (Microsoft.App/environments) every outbound call leaves through: Postgres, Redis, Service Bus, Storage and Key Vault over their private endpoints, the internet through the NAT gateway.')
param subnetId string

// Only Front Door's back end (service tag) carrying our profile's id may
// call the functions, so the WAF and its rate limit cannot be bypassed
// through *.azurewebsites.net. The deployment (SCM) site keeps its own,
// open rules: zip deploys still work.
var frontDoorOnly = [
  {
    name: 'FrontDoor'
    priority: 100
    action: 'Allow'
    tag: 'ServiceTag'
    ipAddress: 'AzureFrontDoor.Backend'
    headers: { 'x-azure-fdid': [frontDoorId] }
  }
]

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'asp-${name}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    virtualNetworkSubnetId: subnetId
    keyVaultReferenceIdentity: identityId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer}'
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identityId }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        alwaysReady: alwaysReadyHttp > 0 ? [{ name: 'http', instanceCount: alwaysReadyHttp }] : []
      }
      runtime: { name: 'custom', version: '1.0' }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [for s in items(appSettings): { name: s.key, value: s.value }]
      ipSecurityRestrictions: empty(frontDoorId) ? [] : frontDoorOnly
      ipSecurityRestrictionsDefaultAction: empty(frontDoorId) ? 'Allow' : 'Deny'
      scmIpSecurityRestrictionsUseMain: false
    }
  }
}

output name string = app.name
output url string = 'https://${app.properties.defaultHostName}'
output hostName string = app.properties.defaultHostName
