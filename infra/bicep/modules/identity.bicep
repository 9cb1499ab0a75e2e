// The function app's user-assigned identity. It exists, and holds its roles
// (modules/roles.bicep), before the function app is created: the app's first
// start resolves its Key Vault references and reaches Storage and Service
// Bus without waiting for a system-assigned identity's roles and a restart.
param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output principalId string = identity.properties.principalId
// The client id names this identity to the Functions host
// (<connection>__clientId) and to the app's SDK clients (AZURE_CLIENT_ID).
output clientId string = identity.properties.clientId
