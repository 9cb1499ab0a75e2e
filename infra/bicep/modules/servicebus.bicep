// Service Bus: the queues of the app, from infra/queues.json (queue.Queues
// in shared/queue and functions/*/function.json are checked against it).
// Duplicate detection backs the outbox's stable message ids; messages that
// expire or exhaust their deliveries go to the dead-letter queue.
param name string
param location string
param tags object
@allowed(['Standard', 'Premium'])
param sku string
@description('Messaging units (Premium only).')
param capacity int
@description('Disabled: reachable through its private endpoint only (Premium: Standard has no private endpoints).')
@allowed(['Enabled', 'Disabled'])
param publicNetworkAccess string

// The queues and every per-queue setting come from infra/queues.json, the
// table the local host (`handler devhost`) applies too; loadJsonContent reads
// it when the Bicep compiles. Change a queue there, not here (the Go
// cross-check in tools/deploy refuses literal settings in this file).
var queues = loadJsonContent('../../queues.json').queues

resource namespace 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' = {
  name: name
  location: location
  tags: tags
  sku: { name: sku, tier: sku, capacity: sku == 'Premium' ? capacity : null }
  properties: {
    disableLocalAuth: true // identity only
    minimumTlsVersion: '1.2'
    zoneRedundant: sku == 'Premium'
    publicNetworkAccess: publicNetworkAccess
  }
}

resource queueList 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' = [
  for q in queues: {
    parent: namespace
    name: q.name
    properties: {
      lockDuration: q.lockDuration
      maxDeliveryCount: q.maxDeliveryCount
      deadLetteringOnMessageExpiration: q.deadLetteringOnMessageExpiration
      defaultMessageTimeToLive: q.defaultMessageTimeToLive
      requiresDuplicateDetection: true // the outbox's stable message ids rely on it
      duplicateDetectionHistoryTimeWindow: q.duplicateDetectionHistoryTimeWindow
    }
  }
]

output name string = namespace.name
output id string = namespace.id
output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'
