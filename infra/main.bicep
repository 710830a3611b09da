// Alerts in Azure: one resource group holding the Functions app (Flex Consumption) and everything it talks to.
// Every connection is made with a user-assigned managed identity and Azure RBAC: no account keys, no connection
// strings, no SAS. The three secrets the app needs live in Key Vault and reach it as Key Vault references.
targetScope = 'subscription'

import { feedSettings, mergedSettings } from 'app/settings.bicep'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; names the resource group (rg-<name>) and seeds a unique suffix for resource names.')
param environmentName string

@minLength(1)
@description('Azure region of every resource. It must offer the Flex Consumption plan (az functionapp list-flexconsumption-locations).')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@secure()
@minLength(1)
@description('SendGrid API key (SendGrid__ApiKey). Required: in Azure there is no pickup directory to write emails into.')
param sendGridApiKey string

@secure()
@minLength(1)
@description('Webhook secrets accepted on POST /api/ratings (Webhook__Secrets), ;-separated so that a secret can be rotated.')
param webhookSecrets string

@secure()
@minLength(16)
@description('Keys that sign the links in emails (Alerts__SigningKeys), ;-separated, 16 or more characters each; the first signs, all verify.')
param alertsSigningKeys string

@description('NCRONTAB schedule of the feed poller (FEEDS_SCHEDULE); feeds themselves are app settings Feeds__Sources__N__*.')
param feedsSchedule string = '0 * * * * *'

@description('Contact address sent to the SEC in the User-Agent of the daily securities refresh (Securities__UserAgent). Empty: no refresh, the embedded SEC file is used.')
param secContactEmail string = ''

@secure()
@minLength(16)
@description('Keys that open the operator routes under /api/ops (Admin__Keys), ;-separated, 16 or more characters each.')
param adminKeys string

@description('Verification key of SendGrid\'s signed Event Webhook (SendGrid__EventWebhookPublicKey, base64); empty leaves POST /api/sendgrid/events closed.')
param sendGridEventWebhookPublicKey string = ''

@minLength(3)
@description('Sender address of every email (Email__From); its domain must be verified in SendGrid.')
param emailFrom string

@description('Sender display name (Email__FromName).')
param emailFromName string = 'Alerts'

@description('Base of the links in emails (Alerts__PublicBaseUrl), e.g. https://alerts.example.com. Empty: https://<function app default host name>.')
param publicBaseUrl string = ''

@description('How often the dispatcher drains the alert queue besides its wake-up messages (DISPATCH_SCHEDULE, an NCRONTAB expression with seconds): a safety net for a lost wake-up (retries and the fan-out send their own).')
param dispatchSchedule string = '0 */5 * * * *'

@description('Feeds the app polls (Feeds__Sources__N__*), as JSON: an array of sources, each an object of that source\'s settings by name, without its API key, e.g. [{"Name":"finnhub","Kind":"Finnhub","Symbols":"AAPL,MSFT"}] (docs/feeds.md lists the settings). Kept here, not in the portal: azd provision rewrites every app setting.')
param feeds string = '[]'

@secure()
@description('API keys of those feeds, as JSON: an object by feed Name, e.g. {"finnhub":"..."}. Each goes into Key Vault (feed-N-api-key) and reaches the app as a Key Vault reference. Empty: no keys.')
param feedApiKeys string = ''

@description('Any other app settings, as JSON: an object of setting name to value, e.g. {"Alerts__MaxAlertAgeHours":"48"}. The settings this template writes itself win over these. Kept here, not in the portal: azd provision rewrites every app setting.')
param extraAppSettings string = '{}'

@description('Object id of whoever runs azd (azd sets AZURE_PRINCIPAL_ID): given the data roles the runbook needs (tables, queues, Key Vault secrets). Empty: none.')
param principalId string = ''

@description('Kind of principalId: User for a person at a terminal, ServicePrincipal for a pipeline (or Group). azd leaves it User unless AZURE_PRINCIPAL_TYPE says otherwise.')
param principalType string = 'User'

@minValue(1)
@maxValue(1000)
@description('Most instances the Flex Consumption plan may scale out to.')
param maximumInstanceCount int = 40

@allowed([512, 2048, 4096])
@description('Memory of each Flex Consumption instance, in MB.')
param instanceMemoryMB int = 2048

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
// Names are known before anything is deployed, so modules take them rather than each other's outputs: What-If
// can then predict every resource id instead of short-circuiting.
var identityName = 'id-api-${resourceToken}'
var logAnalyticsName = 'log-${resourceToken}'
var applicationInsightsName = 'appi-${resourceToken}'
var storageAccountName = 'st${resourceToken}'
var deploymentContainerName = 'app-package'
var serviceBusNamespaceName = 'sb-${resourceToken}'
var alertQueueName = 'alerts'
var keyVaultName = 'kv-${resourceToken}'
var planName = 'plan-${resourceToken}'
var functionAppName = 'func-api-${resourceToken}'
var feedSources = json(feeds)
var feedKeys = empty(feedApiKeys) ? {} : json(feedApiKeys)
var feedNames = [for source in feedSources: string(source.Name)]

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: identityName
    location: location
    tags: tags
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: logAnalyticsName
    applicationInsightsName: applicationInsightsName
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: storageAccountName
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
  }
}

module serviceBus 'app/servicebus.bicep' = {
  name: 'servicebus'
  scope: rg
  params: {
    name: serviceBusNamespaceName
    location: location
    tags: tags
    queueName: alertQueueName
  }
}

module keyVault 'app/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: keyVaultName
    location: location
    tags: tags
    sendGridApiKey: sendGridApiKey
    webhookSecrets: webhookSecrets
    alertsSigningKeys: alertsSigningKeys
    adminKeys: adminKeys
    feedNames: feedNames
    feedApiKeys: feedApiKeys
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    identityName: identityName
    storageAccountName: storageAccountName
    serviceBusNamespaceName: serviceBusNamespaceName
    serviceBusQueueName: alertQueueName
    keyVaultName: keyVaultName
    applicationInsightsName: applicationInsightsName
    principalId: principalId
    principalType: principalType
  }
  dependsOn: [
    identity
    storage
    serviceBus
    keyVault
    monitoring
  ]
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: functionAppName
    planName: planName
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storageAccountName
    deploymentContainerName: deploymentContainerName
    applicationInsightsName: applicationInsightsName
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    // The operator's settings, then the feeds, then ours: on a clash ours win (app/settings.bicep).
    appSettings: mergedSettings(json(extraAppSettings), feedSettings(feedSources, map(items(feedKeys), key => key.key), keyVault.outputs.uri), {
      AZURE_CLIENT_ID: identity.outputs.clientId
      DISPATCH_SCHEDULE: dispatchSchedule
      SWEEP_SCHEDULE: '0 */5 * * * *'
      // Digests are woken at their due minute by the digests queue (SendDigestsOnWakeUp); this is the safety net.
      DIGEST_SCHEDULE: '0 0 * * * *'
      FEEDS_SCHEDULE: feedsSchedule
      SECURITIES_SCHEDULE: '0 15 6 * * *'
      Securities__RefreshEnabled: empty(secContactEmail) ? 'false' : 'true'
      Securities__UserAgent: empty(secContactEmail) ? '' : 'Alerts ${secContactEmail}'
      PURGE_SCHEDULE: '0 17 * * * *'
      // The Functions host forwards each request to the worker from loopback; the platform's front end and the host reach
      // it from private addresses. A client on the internet has none of these (see docs/security.md).
      Http__TrustedProxies: '127.0.0.0/8;::1;10.0.0.0/8;172.16.0.0/12;192.168.0.0/16;100.64.0.0/10;fc00::/7'
      Storage__TableServiceUri: storage.outputs.tableEndpoint
      Storage__QueueServiceUri: storage.outputs.queueEndpoint
      ServiceBus__FullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
      ServiceBus__QueueName: serviceBus.outputs.queueName
      Email__From: emailFrom
      Email__FromName: emailFromName
      SendGrid__ApiKey: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.sendGridApiKeyUri})'
      Webhook__Secrets: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.webhookSecretsUri})'
      Alerts__SigningKeys: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.alertsSigningKeysUri})'
      Admin__Keys: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.adminKeysUri})'
      SendGrid__EventWebhookPublicKey: sendGridEventWebhookPublicKey
    })
    publicBaseUrl: publicBaseUrl
  }
  // Key Vault references, the deployment container and the host's storage are reached with the identity: grant
  // its roles first (rbac also waits for the storage account and Application Insights named above).
  dependsOn: [
    rbac
  ]
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output AZURE_FUNCTION_APP_URL string = api.outputs.uri
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri
output ALERTS_PUBLIC_BASE_URL string = api.outputs.publicBaseUrl
output AZURE_USER_ASSIGNED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_SERVICE_BUS_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_ENDPOINT string = keyVault.outputs.uri
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
