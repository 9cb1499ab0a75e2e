// Log Analytics and workspace-based Application Insights: the function
// app's logs (each line carries the invocation id) and request telemetry.
param name string
param location string
param tags object
@description('Days to keep logs.')
param retentionDays int
@description('Daily ingestion cap in GB; -1 for none.')
param dailyCapGb int

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${name}'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: retentionDays
    workspaceCapping: { dailyQuotaGb: dailyCapGb }
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${name}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: false
  }
}

output connectionString string = insights.properties.ConnectionString
output workspaceId string = workspace.id
