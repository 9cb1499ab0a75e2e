// Static website hosting on the web storage account: the `$web`
// container and its web endpoint (https://<account>.z<nn>.web.core.windows.net),
// Front Door's origin for the customer's pages (modules/frontdoor.bicep).
//
// Why a deployment script: static website hosting is a property of the
// Blob service's data plane (Set Blob Service Properties), which ARM
// resource properties cannot set. Doing it here keeps "one
// `az deployment group create` puts the app on Azure" true; the
// alternative, a manual `az storage blob service-properties update` step,
// would be forgotten on a new environment and Front Door would answer 404
// for every page. The script is idempotent (it sets the same two
// documents every time) and runs again only when its inputs change.
//
// The script signs in as a user-assigned identity holding Storage Account
// Contributor on this account only (Set Blob Service Properties with
// Microsoft Entra ID needs Microsoft.Storage/storageAccounts/blobServices/write;
// shared keys are off, so `--auth-mode login`). It retries while the new
// role assignment propagates. Deployment scripts run in a short-lived
// container instance with their own small storage account, which Azure
// creates and deletes (cleanupPreference); they need the
// Microsoft.ContainerInstance provider (docs/deploy.md step 2).
//
// In prod the web account turns the public internet away (network rules:
// default Deny, the deployer's address only; Front Door comes in over
// Private Link), and the script's container is on the internet. So the
// script opens the account's rules for the one call and closes them again,
// even when the call fails (trap). What is exposed meanwhile is published
// pages and posters, public by design.
param storageAccountName string
param location string
param tags object
@description('Served for directory paths such as /; Front Door rewrites /e/* to it too.')
param indexDocument string = 'entry.html'
@description('The static website answers missing paths with this file and status 404.')
param errorDocument404 string = '404.html'

var storageAccountContributor = '17d1049b-9a84-46fb-8f53-869881c3d3ab'

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${storageAccountName}-web'
  location: location
  tags: tags
}

resource contributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: account
  name: guid(account.id, identity.id, storageAccountContributor)
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageAccountContributor)
  }
}

resource enableStaticWebsite 'Microsoft.Resources/deploymentScripts@2023-08-01' = {
  name: 'enable-static-website-${storageAccountName}'
  location: location
  tags: tags
  kind: 'AzureCLI'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  dependsOn: [contributor]
  properties: {
    azCliVersion: '2.63.0'
    timeout: 'PT15M'
    retentionInterval: 'PT1H'
    cleanupPreference: 'OnSuccess'
    environmentVariables: [
      { name: 'ACCOUNT', value: account.name }
      { name: 'RESOURCE_GROUP', value: resourceGroup().name }
      { name: 'INDEX_DOCUMENT', value: indexDocument }
      { name: 'ERROR_DOCUMENT', value: errorDocument404 }
    ]
    scriptContent: '''
set -u
rules=$(az storage account show -g "$RESOURCE_GROUP" -n "$ACCOUNT" --query networkRuleSet.defaultAction -o tsv)
if [ "$rules" = "Deny" ]; then
  trap 'az storage account update -g "$RESOURCE_GROUP" -n "$ACCOUNT" --default-action Deny -o none' EXIT
  az storage account update -g "$RESOURCE_GROUP" -n "$ACCOUNT" --default-action Allow -o none
fi
for attempt in $(seq 1 20); do
  if az storage blob service-properties update --account-name "$ACCOUNT" --auth-mode login \
      --static-website --index-document "$INDEX_DOCUMENT" --404-document "$ERROR_DOCUMENT" -o none; then
    exit 0
  fi
  echo "attempt $attempt failed (the role assignment or the network rule may still be propagating); retrying in 15 s" >&2
  sleep 15
done
exit 1
'''
  }
}

@description('The static website host name, without scheme or slash (Front Door origin).')
output host string = replace(replace(account.properties.primaryEndpoints.web, 'https://', ''), '/', '')
