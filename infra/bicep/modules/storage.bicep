// A storage account, used twice (main.bicep): the data account (the Flex
// Consumption deployment container, the host's own storage, posters, draw
// proofs and exports, the channel attempt log) and the web account (the
// static website, release binaries for the migration job). Shared keys are
// off: the app and the operator's job sign in with managed identities.
param name string
param location string
param tags object
@allowed(['Standard_LRS', 'Standard_ZRS', 'Standard_GZRS'])
param sku string
@description('Blob containers: name and whether anyone may read blobs (posters).')
param containers array
param tables array = []
@description('Containers whose blobs are deleted a day after their last change (exports: personal data).')
param expiringContainers array = []
@description('Disabled: reachable through private endpoints only.')
@allowed(['Enabled', 'Disabled'])
param publicNetworkAccess string
@description('With public access: Deny admits only allowedIps (and private endpoints, which network rules never block).')
@allowed(['Allow', 'Deny'])
param defaultNetworkAction string = 'Allow'
@description('Public IPv4 addresses admitted when defaultNetworkAction is Deny (the deployer\'s, for uploads).')
param allowedIps array = []
@description('Subnets admitted when defaultNetworkAction is Deny (their Microsoft.Storage service endpoint): the migration job\'s. Same-region callers come from private addresses, which IP rules never match.')
param allowedSubnets array = []

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: sku }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: contains(map(containers, c => c.public), true) // posters only
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    defaultToOAuthAuthentication: true
    publicNetworkAccess: publicNetworkAccess
    networkAcls: {
      defaultAction: publicNetworkAccess == 'Disabled' ? 'Deny' : defaultNetworkAction
      bypass: 'None'
      ipRules: [for ip in allowedIps: { value: ip, action: 'Allow' }]
      virtualNetworkRules: [for subnet in allowedSubnets: { id: subnet, action: 'Allow' }]
    }
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    deleteRetentionPolicy: { enabled: true, days: 7 }
  }
}

resource blobContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [
  for c in containers: {
    parent: blobs
    name: c.name
    properties: { publicAccess: c.public ? 'Blob' : 'None' }
  }
]

// Downloads are served by short-lived user delegation SAS links (the app
// signs them with its identity; no account key): nothing here grants
// anonymous access to the private containers.
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = if (!empty(expiringContainers)) {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'expire-downloads'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: { blobTypes: ['blockBlob'], prefixMatch: [for c in expiringContainers: '${c}/'] }
            actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: 1 } } }
          }
        }
      ]
    }
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource tableList 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [
  for t in tables: {
    parent: tableService
    name: t
  }
]

output name string = account.name
output id string = account.id
output blobEndpoint string = account.properties.primaryEndpoints.blob
output blobHost string = replace(replace(account.properties.primaryEndpoints.blob, 'https://', ''), '/', '')
