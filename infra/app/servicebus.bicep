// The alert queue. Local (SAS) authentication is disabled: the app sends and receives with its identity.
param name string
param location string

@description('Tags of every resource (azd-env-name).')
param tags { *: string }
param queueName string

resource namespace 'Microsoft.ServiceBus/namespaces@2026-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }

  resource queue 'queues' = {
    name: queueName
    properties: {
      // Each message's MessageId is derived from its alert ids: a re-sent batch is dropped as a duplicate.
      requiresDuplicateDetection: true
      duplicateDetectionHistoryTimeWindow: 'PT10M'
      // The dispatcher dead-letters a message itself after Delivery__MaxDeliveryCount (default 5) attempts,
      // with the reason; this is the broker's backstop.
      maxDeliveryCount: 10
      deadLetteringOnMessageExpiration: true
      lockDuration: 'PT1M'
      defaultMessageTimeToLive: 'P14D'
      requiresSession: false
      enablePartitioning: false
      maxSizeInMegabytes: 1024
    }
  }
}

output name string = namespace.name
// serviceBusEndpoint is https://<namespace>.servicebus.windows.net:443/ (another suffix in sovereign clouds).
output fullyQualifiedNamespace string = split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0]
output queueName string = namespace::queue.name
