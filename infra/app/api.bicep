// The Functions app on the Flex Consumption plan (FC1, Linux), running as the user-assigned identity.
param name string
param planName string
param location string

@description('Tags of every resource (azd-env-name).')
param tags { *: string }

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of that identity (AzureWebJobsStorage__clientId, AZURE_CLIENT_ID).')
param identityClientId string

param storageAccountName string
param deploymentContainerName string
param applicationInsightsName string
param maximumInstanceCount int
param instanceMemoryMB int

@description('Settings of the app itself (the host\'s own settings are added here).')
param appSettings { *: string }

@description('Base of the links in emails; empty: https://<default host name>.')
param publicBaseUrl string

resource storage 'Microsoft.Storage/storageAccounts@2026-06-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: union(tags, {
    'azd-service-name': 'api'
  })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }

  // azd deploys with a Microsoft Entra token; no publishing passwords.
  resource ftpCredentials 'basicPublishingCredentialsPolicies' = {
    name: 'ftp'
    properties: {
      allow: false
    }
  }

  resource scmCredentials 'basicPublishingCredentialsPolicies' = {
    name: 'scm'
    properties: {
      allow: false
    }
  }
}

var effectivePublicBaseUrl = empty(publicBaseUrl) ? 'https://${functionApp.properties.defaultHostName}' : publicBaseUrl

// A resource of its own, after the app, so that the settings can name the app's own host name.
resource settings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: union(appSettings, {
    // The host's storage, by identity (no connection string, no key).
    AzureWebJobsStorage__accountName: storage.name
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    // The FanOut queue trigger's connection ("Storage"): the queue service URI comes with the app settings
    // (Storage__QueueServiceUri), the identity from here.
    Storage__credential: 'managedidentity'
    Storage__clientId: identityClientId
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    Alerts__PublicBaseUrl: effectivePublicBaseUrl
  })
}

output name string = functionApp.name
output uri string = 'https://${functionApp.properties.defaultHostName}'
output publicBaseUrl string = effectivePublicBaseUrl
