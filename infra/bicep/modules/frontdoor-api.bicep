// The API half of Front Door (modules/frontdoor.bicep has the rest):
// `/api/*` to the function app, HTTPS only, no caching (the functions set
// their own Cache-Control; Front Door passes it to browsers but keeps no
// copy), no compression, no rules. A separate module because it needs the
// function app's host name, and the function app needs the endpoint's.
//
// Front Door forwards the client chain: it appends the client's socket IP
// to X-Forwarded-For (or starts the header with it), and the function
// app's own front end then appends Front Door's address. The app's
// per-client limits read that chain (handlers/auth.go clientIP).
param profileName string
param endpointName string
@description('The function app default host name, e.g. func-eventmkt-dev-<suffix>.azurewebsites.net.')
param apiOriginHost string

resource profile 'Microsoft.Cdn/profiles@2024-09-01' existing = {
  name: profileName
}

resource endpoint 'Microsoft.Cdn/profiles/afdEndpoints@2024-09-01' existing = {
  parent: profile
  name: endpointName
}

resource apiOrigins 'Microsoft.Cdn/profiles/originGroups@2024-09-01' = {
  parent: profile
  name: 'api'
  properties: {
    loadBalancingSettings: { sampleSize: 4, successfulSamplesRequired: 3, additionalLatencyInMilliseconds: 50 }
    sessionAffinityState: 'Disabled'
  }
}

resource apiOrigin 'Microsoft.Cdn/profiles/originGroups/origins@2024-09-01' = {
  parent: apiOrigins
  name: 'function-app'
  properties: {
    hostName: apiOriginHost
    originHostHeader: apiOriginHost
    httpPort: 80
    httpsPort: 443
    priority: 1
    weight: 1000
    enabledState: 'Enabled'
    enforceCertificateNameCheck: true
  }
}

// No cacheConfiguration: caching off. An http:// request for /api/* does
// not match here and gets the web route's redirect to https://.
resource apiRoute 'Microsoft.Cdn/profiles/afdEndpoints/routes@2024-09-01' = {
  parent: endpoint
  name: 'api'
  dependsOn: [apiOrigin]
  properties: {
    originGroup: { id: apiOrigins.id }
    patternsToMatch: ['/api/*']
    supportedProtocols: ['Https']
    httpsRedirect: 'Disabled'
    forwardingProtocol: 'HttpsOnly'
    linkToDefaultDomain: 'Enabled'
  }
}
