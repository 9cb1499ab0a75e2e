// Service Bus: the five queues of the app (queue.Queues in shared/queue;
// a Go test keeps this list and functions/*/function.json in step).
// Duplicate detection backs the outbox's stable message ids; messages that
// expire or exhaust their deliveries go to the dead-letter queue.
param name string
param location string
param tags object
@allowed(['Standard', 'Premium'])
param sku string
@description('Messaging units (Premium only).')
param capacity int

// lockDuration: longer than one delivery may take (an AI job, a channel
// call); maxDeliveryCount: how often a message is tried before it is
// dead-lettered (the handlers decide retries themselves well before).
var queues = [
  { name: 'ai-recommendation-jobs', lockDuration: 'PT2M', maxDeliveryCount: 5 }
  { name: 'image-generation-jobs', lockDuration: 'PT5M', maxDeliveryCount: 5 }
  { name: 'distribution-jobs', lockDuration: 'PT1M', maxDeliveryCount: 10 }
  { name: 'analytics-events', lockDuration: 'PT1M', maxDeliveryCount: 10 }
  { name: 'winner-notify', lockDuration: 'PT1M', maxDeliveryCount: 10 }
]

resource namespace 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' = {
  name: name
  location: location
  tags: tags
  sku: { name: sku, tier: sku, capacity: sku == 'Premium' ? capacity : null }
  properties: {
    disableLocalAuth: true // identity only
    minimumTlsVersion: '1.2'
    zoneRedundant: sku == 'Premium'
  }
}

resource queueList 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' = [
  for q in queues: {
    parent: namespace
    name: q.name
    properties: {
      lockDuration: q.lockDuration
      maxDeliveryCount: q.maxDeliveryCount
      deadLetteringOnMessageExpiration: true
      defaultMessageTimeToLive: 'P7D'
      requiresDuplicateDetection: true
      duplicateDetectionHistoryTimeWindow: 'PT10M'
    }
  }
]

output name string = namespace.name
output id string = namespace.id
output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'
