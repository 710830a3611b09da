// Logs and telemetry: a Log Analytics workspace and a workspace-based Application Insights resource that accepts
// only Microsoft Entra-authenticated telemetry (the app's identity holds Monitoring Metrics Publisher on it).
param logAnalyticsName string
param applicationInsightsName string
param location string

@description('Tags of every resource (azd-env-name).')
param tags { *: string }

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2026-03-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    DisableLocalAuth: true
  }
}

output applicationInsightsName string = applicationInsights.name
output logAnalyticsName string = logAnalytics.name
