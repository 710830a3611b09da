// The app's four secrets. Access is by Azure RBAC only (the app's identity holds Key Vault Secrets User); the
// app reads them as Key Vault references, so rotating one is a new secret version, picked up within 24 hours
// (or at once on a restart).
param name string
param location string

@description('Tags of every resource (azd-env-name).')
param tags { *: string }

@secure()
param sendGridApiKey string

@secure()
param webhookSecrets string

@secure()
param alertsSigningKeys string

@secure()
param adminKeys string

@description('Names of the feeds, in the order of their Feeds__Sources__N__ settings.')
param feedNames string[]

@secure()
@description('API keys of the feeds, JSON: an object by feed name; empty for none.')
param feedApiKeys string

var feedKeys = empty(feedApiKeys) ? {} : json(feedApiKeys)

resource vault 'Microsoft.KeyVault/vaults@2026-05-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    // The shortest retention: with purge protection on, a deleted vault's name stays taken for this long.
    softDeleteRetentionInDays: 7
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }

  resource sendGridApiKeySecret 'secrets' = {
    name: 'sendgrid-api-key'
    properties: {
      value: sendGridApiKey
      contentType: 'text/plain'
    }
  }

  resource webhookSecretsSecret 'secrets' = {
    name: 'webhook-secrets'
    properties: {
      value: webhookSecrets
      contentType: 'text/plain'
    }
  }

  resource alertsSigningKeysSecret 'secrets' = {
    name: 'alerts-signing-keys'
    properties: {
      value: alertsSigningKeys
      contentType: 'text/plain'
    }
  }

  resource adminKeysSecret 'secrets' = {
    name: 'admin-keys'
    properties: {
      value: adminKeys
      contentType: 'text/plain'
    }
  }
}

// One secret a feed that has a key, named by its index (feed-N-api-key) as its settings are.
resource feedApiKeySecrets 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = [
  for (feedName, i) in feedNames: if (contains(feedKeys, feedName)) {
    parent: vault
    name: 'feed-${i}-api-key'
    properties: {
      value: string(feedKeys[feedName])
      contentType: 'text/plain'
    }
  }
]

output name string = vault.name
output uri string = vault.properties.vaultUri
// Versionless URIs, so that Key Vault references follow rotation.
output sendGridApiKeyUri string = vault::sendGridApiKeySecret.properties.secretUri
output webhookSecretsUri string = vault::webhookSecretsSecret.properties.secretUri
output alertsSigningKeysUri string = vault::alertsSigningKeysSecret.properties.secretUri
output adminKeysUri string = vault::adminKeysSecret.properties.secretUri
