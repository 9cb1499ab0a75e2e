// Azure Front Door: the one public origin of the product, as the devhost
// is locally (tools/devhost/web.go). Standard in dev; Premium in prod,
// where the web storage account turns the internet away and Front Door
// reaches it over Private Link (Standard cannot). Three origin groups, one
// per path: `/*` goes to the Storage static website with caching and
// compression (the customer's pages), `/images/*` to the data account's
// public `images` container (posters, cached at the edge: a flash sale's
// crowd loads one poster; in prod over Private Link too), `/api/*` to the function app with caching off
// (modules/frontdoor-api.bicep adds that half, after the function app
// exists: the app's PUBLIC_WEB_URL needs this endpoint's host first). A rule set rewrites the page routes to their files, sends
// the site root to the console (/app/) and adds the security headers; a WAF policy rate-limits entries per client.
//
// tools/deploy's infra check compares the rewrites, the headers and the
// CSP below with tools/devhost, so the local host and the CDN agree.
param profileName string
param endpointName string
@description('Alphanumeric only (WAF policy names allow no dashes).')
param wafPolicyName string
param tags object
@allowed(['Standard_AzureFrontDoor', 'Premium_AzureFrontDoor'])
param sku string
@description('The static website host (modules/staticwebsite.bicep).')
param webOriginHost string
@description('The blob host of the account holding the posters (container images).')
param imagesOriginHost string
@description('The web storage account\'s id: when set (Premium only), Front Door reaches the pages over Private Link, a connection the account must approve once (docs/deploy.md).')
param webAccountId string = ''
@description('The posters\' account id: when set, Front Door reaches the posters over Private Link (approved the same way).')
param imagesAccountId string = ''
param privateLinkLocation string = ''
@description('Where posters load from: scheme://host of the blob endpoint or IMAGE_BASE_URL, for the CSP img-src.')
param imageOrigin string
@description('POST …/participate requests per client IP and minute before the WAF answers 429.')
@minValue(10)
param participateRatePerMinute int = 100

// The pages' Content-Security-Policy: tools/devhost.ContentSecurityPolicy.
var csp = 'default-src \'self\'; img-src \'self\' data: blob: ${imageOrigin}; connect-src \'self\'; style-src \'self\'; script-src \'self\'; frame-ancestors \'none\'; base-uri \'self\'; form-action \'self\''

// tools/devhost.SecurityHeaders, in order (a rule takes at most five actions).
var securityHeaders = [
  { name: 'Content-Security-Policy', value: csp }
  { name: 'X-Content-Type-Options', value: 'nosniff' }
  { name: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' }
  { name: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=()' }
]

// tools/devhost.WebRewrites: the page routes, matched on the path
// without its leading slash (Front Door's UrlPath), rewritten to one file.
var rewrites = [
  { name: 'resultPage', pattern: '^e/[^/]+/result/?$', destination: '/result.html' }
  { name: 'entryPage', pattern: '^e/[^/]+/?$', destination: '/entry.html' }
  { name: 'consoleApp', pattern: '^app(/[^.]*)?$', destination: '/app/index.html' } // issue 15's single-page app
]

resource profile 'Microsoft.Cdn/profiles@2024-09-01' = {
  name: profileName
  location: 'global'
  tags: tags
  sku: { name: sku }
  properties: {
    originResponseTimeoutSeconds: 60
  }
}

resource endpoint 'Microsoft.Cdn/profiles/afdEndpoints@2024-09-01' = {
  parent: profile
  name: endpointName
  location: 'global'
  tags: tags
  properties: { enabledState: 'Enabled' }
}

// One origin per group, so no health probes: they would only add requests.
resource webOrigins 'Microsoft.Cdn/profiles/originGroups@2024-09-01' = {
  parent: profile
  name: 'web'
  properties: {
    loadBalancingSettings: { sampleSize: 4, successfulSamplesRequired: 3, additionalLatencyInMilliseconds: 50 }
    sessionAffinityState: 'Disabled'
  }
}

resource webOrigin 'Microsoft.Cdn/profiles/originGroups/origins@2024-09-01' = {
  parent: webOrigins
  name: 'static-website'
  properties: {
    hostName: webOriginHost
    originHostHeader: webOriginHost
    httpPort: 80
    httpsPort: 443
    priority: 1
    weight: 1000
    enabledState: 'Enabled'
    enforceCertificateNameCheck: true
    // Over Private Link when the account admits no one else (prod).
    sharedPrivateLinkResource: empty(webAccountId) ? null : {
      privateLink: { id: webAccountId }
      groupId: 'web'
      privateLinkLocation: privateLinkLocation
      requestMessage: 'Azure Front Door ${profileName}: pages'
    }
  }
}

resource imageOrigins 'Microsoft.Cdn/profiles/originGroups@2024-09-01' = {
  parent: profile
  name: 'images'
  properties: {
    loadBalancingSettings: { sampleSize: 4, successfulSamplesRequired: 3, additionalLatencyInMilliseconds: 50 }
    sessionAffinityState: 'Disabled'
  }
}

resource imageOrigin 'Microsoft.Cdn/profiles/originGroups/origins@2024-09-01' = {
  parent: imageOrigins
  name: 'posters'
  properties: {
    hostName: imagesOriginHost
    originHostHeader: imagesOriginHost
    httpPort: 80
    httpsPort: 443
    priority: 1
    weight: 1000
    enabledState: 'Enabled'
    enforceCertificateNameCheck: true
    sharedPrivateLinkResource: empty(imagesAccountId) ? null : {
      privateLink: { id: imagesAccountId }
      groupId: 'blob'
      privateLinkLocation: privateLinkLocation
      requestMessage: 'Azure Front Door ${profileName}: posters'
    }
  }
}

// Posters: /images/<name> is blob <name> of container images. A poster's
// name never changes once written (a new one gets a new name), so the edge
// keeps what the blob's Cache-Control allows.
resource imageRoute 'Microsoft.Cdn/profiles/afdEndpoints/routes@2024-09-01' = {
  parent: endpoint
  name: 'images'
  dependsOn: [imageOrigin]
  properties: {
    originGroup: { id: imageOrigins.id }
    patternsToMatch: ['/images/*']
    supportedProtocols: ['Http', 'Https']
    httpsRedirect: 'Enabled'
    forwardingProtocol: 'HttpsOnly'
    linkToDefaultDomain: 'Enabled'
    cacheConfiguration: { queryStringCachingBehavior: 'IgnoreQueryString' }
  }
}

resource webRules 'Microsoft.Cdn/profiles/ruleSets@2024-09-01' = {
  parent: profile
  name: 'webrules'
}

// Every response of the web route gets the headers (they only matter on
// pages; on a script or an image they are harmless).
resource securityHeadersRule 'Microsoft.Cdn/profiles/ruleSets/rules@2024-09-01' = {
  parent: webRules
  name: 'securityHeaders'
  properties: {
    order: 1
    conditions: []
    actions: [
      for h in securityHeaders: {
        name: 'ModifyResponseHeader'
        parameters: {
          typeName: 'DeliveryRuleHeaderActionParameters'
          headerAction: 'Overwrite'
          headerName: h.name
          value: h.value
        }
      }
    ]
    matchProcessingBehavior: 'Continue'
  }
}

// Rules of one rule set are created one at a time (Front Door rejects
// concurrent changes to a rule set).
@batchSize(1)
resource rewriteRules 'Microsoft.Cdn/profiles/ruleSets/rules@2024-09-01' = [
  for (rw, i) in rewrites: {
    parent: webRules
    name: rw.name
    dependsOn: [securityHeadersRule]
    properties: {
      order: i + 2
      conditions: [
        {
          name: 'UrlPath'
          parameters: {
            typeName: 'DeliveryRuleUrlPathMatchConditionParameters'
            operator: 'RegEx'
            negateCondition: false
            matchValues: [rw.pattern]
            transforms: []
          }
        }
      ]
      actions: [
        {
          name: 'UrlRewrite'
          parameters: {
            typeName: 'DeliveryRuleUrlRewriteActionParameters'
            sourcePattern: '/'
            destination: rw.destination
            preserveUnmatchedPath: false
          }
        }
      ]
      matchProcessingBehavior: 'Stop'
    }
  }
]

// The site root goes to the owner console (issue 15): a 302 to /app/, the
// query string kept (no customQueryString), as tools/devhost.RootRedirect
// answers on the devhost. The UrlPath of / is empty (no leading slash);
// '^/?$' also takes '/' in case a client sends one more. After the rewrites
// (one change to the rule set at a time); none of them matches the root.
resource rootRedirectRule 'Microsoft.Cdn/profiles/ruleSets/rules@2024-09-01' = {
  parent: webRules
  name: 'rootToConsole'
  dependsOn: [rewriteRules]
  properties: {
    order: length(rewrites) + 2
    conditions: [
      {
        name: 'UrlPath'
        parameters: {
          typeName: 'DeliveryRuleUrlPathMatchConditionParameters'
          operator: 'RegEx'
          negateCondition: false
          matchValues: ['^/?$']
          transforms: []
        }
      }
    ]
    actions: [
      {
        name: 'UrlRedirect'
        parameters: {
          typeName: 'DeliveryRuleUrlRedirectActionParameters'
          redirectType: 'Found'
          destinationProtocol: 'MatchRequest'
          customPath: '/app/'
        }
      }
    ]
    matchProcessingBehavior: 'Stop'
  }
}

// Pages and assets: cached at the edge as the blobs' Cache-Control says
// (HTML no-cache, hashed assets immutable for a year: docs/deploy.md's
// upload sets them), compressed, the ?ch= query ignored for the cache key.
resource webRoute 'Microsoft.Cdn/profiles/afdEndpoints/routes@2024-09-01' = {
  parent: endpoint
  name: 'web'
  dependsOn: [webOrigin, rewriteRules, rootRedirectRule]
  properties: {
    originGroup: { id: webOrigins.id }
    ruleSets: [{ id: webRules.id }]
    patternsToMatch: ['/*']
    supportedProtocols: ['Http', 'Https']
    httpsRedirect: 'Enabled'
    forwardingProtocol: 'HttpsOnly'
    linkToDefaultDomain: 'Enabled'
    cacheConfiguration: {
      queryStringCachingBehavior: 'IgnoreQueryString'
      compressionSettings: {
        isCompressionEnabled: true
        contentTypesToCompress: [
          'text/html'
          'text/css'
          'text/plain'
          'text/javascript'
          'application/javascript'
          'application/json'
          'image/svg+xml'
        ]
      }
    }
  }
}

// Custom rules only. Managed rule sets need Premium; prod has it but leaves
// them off until they are tuned against real traffic in Detection mode (their
// injection rules can block requests carrying free text). One
// rate limit, on entries: more than participateRatePerMinute POSTs to
// …/participate from one client IP in a minute are blocked with 429 for
// the rest of that minute. The app's own limits (PARTICIPATION_RATE_*)
// stay the precise ones; this stops floods before they cost executions.
resource waf 'Microsoft.Network/FrontDoorWebApplicationFirewallPolicies@2024-02-01' = {
  name: wafPolicyName
  location: 'Global'
  tags: tags
  sku: { name: sku } // a WAF policy's tier is its profile's
  properties: {
    policySettings: {
      enabledState: 'Enabled'
      mode: 'Prevention'
      customBlockResponseStatusCode: 429
    }
    customRules: {
      rules: [
        {
          name: 'participateRateLimit'
          priority: 100
          enabledState: 'Enabled'
          ruleType: 'RateLimitRule'
          rateLimitDurationInMinutes: 1
          rateLimitThreshold: participateRatePerMinute
          groupBy: [{ variableName: 'SocketAddr' }]
          matchConditions: [
            { matchVariable: 'RequestMethod', operator: 'Equal', negateCondition: false, matchValue: ['POST'] }
            { matchVariable: 'RequestUri', operator: 'Contains', negateCondition: false, matchValue: ['/participate'], transforms: ['Lowercase'] }
          ]
          action: 'Block'
        }
      ]
    }
  }
}

resource securityPolicy 'Microsoft.Cdn/profiles/securityPolicies@2024-09-01' = {
  parent: profile
  name: 'waf'
  properties: {
    parameters: {
      type: 'WebApplicationFirewall'
      wafPolicy: { id: waf.id }
      associations: [
        {
          domains: [{ id: endpoint.id }]
          patternsToMatch: ['/*']
        }
      ]
    }
  }
}

output profileName string = profile.name
output endpointName string = endpoint.name
@description('e.g. eventmkt-dev-<hash>.z01.azurefd.net')
output endpointHostName string = endpoint.properties.hostName
@description('Sent to origins as X-Azure-FDID; the function app admits only this value.')
output frontDoorId string = profile.properties.frontDoorId
