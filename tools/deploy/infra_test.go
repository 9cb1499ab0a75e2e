package deploy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eventmkt/backend/shared/config"
)

// repoRoot is the repository, two levels up from this package.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func TestInfraMatchesCode(t *testing.T) {
	t.Parallel()
	for _, err := range DefaultInfraCheck(repoRoot(t), config.Names).Check() {
		t.Error(err)
	}
}

// copyInfra copies what the check reads into a temporary root.
func copyInfra(t *testing.T) string {
	t.Helper()
	src, dst := repoRoot(t), t.TempDir()
	for _, rel := range []string{"functions", "infra", "local.settings.json.example"} {
		err := filepath.Walk(filepath.Join(src, rel), func(p string, info os.FileInfo, err error) error {
			if err != nil {
				return err
			}
			r, _ := filepath.Rel(src, p)
			if info.IsDir() {
				return os.MkdirAll(filepath.Join(dst, r), 0o755)
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(dst, r), b, 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func edit(t *testing.T, root, rel, old, new string) {
	t.Helper()
	p := filepath.Join(root, rel)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s does not contain %q", rel, old)
	}
	if err := os.WriteFile(p, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestInfraCheckCatchesDrift removes or breaks one thing on one side only,
// in a copy, and expects the check to name it.
func TestInfraCheckCatchesDrift(t *testing.T) {
	t.Parallel()
	root := repoRoot(t)
	const fdBicep, fdAPIBicep = "infra/bicep/modules/frontdoor.bicep", "infra/bicep/modules/frontdoor-api.bicep"
	const sbBicep = "infra/bicep/modules/servicebus.bicep"
	const mainBicep = "infra/bicep/main.bicep"
	for _, tc := range []struct {
		name, file, old, new, want string
	}{
		// Queues: one table (infra/queues.json) for the Bicep and the devhost (queues.go).
		{"queue missing from the table", "infra/queues.json", `{ "name": "distribution-jobs", "lockDuration": "PT1M", "maxDeliveryCount": 10, "defaultMessageTimeToLive": "P7D", "deadLetteringOnMessageExpiration": true, "duplicateDetectionHistoryTimeWindow": "PT10M" },`, "", `queue "distribution-jobs" (functions/ChannelDistribute) is not in the queue table infra/queues.json`},
		{"queue in the table without a function", "infra/queues.json", `"queues": [`, `"queues": [ { "name": "orphan-jobs", "lockDuration": "PT1M", "maxDeliveryCount": 10, "defaultMessageTimeToLive": "P7D", "deadLetteringOnMessageExpiration": true, "duplicateDetectionHistoryTimeWindow": "PT10M" },`, `queue "orphan-jobs" in infra/queues.json has no function`},
		{"table value Service Bus refuses", "infra/queues.json", `"lockDuration": "PT5M"`, `"lockDuration": "PT10M"`, "lockDuration PT10M is outside"},
		{"literal lock in the Bicep", sbBicep, "lockDuration: q.lockDuration", "lockDuration: 'PT1M'", "lockDuration is 'PT1M', not taken from the queue table"},
		{"literal delivery count in the Bicep", sbBicep, "maxDeliveryCount: q.maxDeliveryCount", "maxDeliveryCount: 10", "maxDeliveryCount is 10, not taken from the queue table"},
		{"literal TTL in the Bicep", sbBicep, "defaultMessageTimeToLive: q.defaultMessageTimeToLive", "defaultMessageTimeToLive: 'P14D'", "defaultMessageTimeToLive is 'P14D', not taken"},
		{"literal dead-lettering in the Bicep", sbBicep, "deadLetteringOnMessageExpiration: q.deadLetteringOnMessageExpiration", "deadLetteringOnMessageExpiration: true", "deadLetteringOnMessageExpiration is true, not taken"},
		{"literal duplicate window in the Bicep", sbBicep, "duplicateDetectionHistoryTimeWindow: q.duplicateDetectionHistoryTimeWindow", "duplicateDetectionHistoryTimeWindow: 'PT10M'", "duplicateDetectionHistoryTimeWindow is 'PT10M', not taken"},
		{"TTL not set by the Bicep", sbBicep, "      defaultMessageTimeToLive: q.defaultMessageTimeToLive\n", "", "does not set defaultMessageTimeToLive"},
		{"Bicep keeps its own queue list", sbBicep, "var queues = loadJsonContent('../../queues.json').queues", "var queues = [\n  { name: 'distribution-jobs', lockDuration: 'PT1M', maxDeliveryCount: 10 }\n]", "want one `var queues = loadJsonContent("},
		{"Bicep loads another file", sbBicep, "loadJsonContent('../../queues.json')", "loadJsonContent('../queues.json')", "loads infra/bicep/queues.json, not the queue table infra/queues.json"},
		{"Bicep adds a queue of its own", sbBicep, "output name string", "resource extra 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' = [\n  for q in ['winner-notify']: { parent: namespace, name: q }\n]\n\noutput name string", "names queue \"winner-notify\" itself"},
		{"Bicep loops over something else", sbBicep, "for q in queues:", "for q in take(queues, 2):", "the queue resource must be `[for q in queues: {...}]`"},
		{"queue renamed in a function", "functions/AnalyticsIngest/function.json", `"analytics-events"`, `"analytics-event"`, `queue "analytics-event" (functions/AnalyticsIngest)`},
		{"setting missing from the app settings", "infra/bicep/main.bicep", "  DISTRIBUTION_ATTEMPT_TABLE: attemptTable\n", "", "setting DISTRIBUTION_ATTEMPT_TABLE is read by the app but not set in the function app"},
		{"setting missing from the local example", "local.settings.json.example", `"CHANNEL_TIMEOUT_SECONDS": "10",`, "", "setting CHANNEL_TIMEOUT_SECONDS is read by the app but missing from local.settings.json.example"},
		{"5-field timer schedule", "functions/StatsRollup/function.json", `"30 */5 * * * *"`, `"*/5 * * * *"`, "timer functions/StatsRollup"},
		{"required parameter not set", "infra/bicep/prod.bicepparam", "param redisSku = 'Balanced_B5'\n", "", "prod.bicepparam does not set redisSku"},
		{"unknown parameter set", "infra/bicep/dev.bicepparam", "param storageSku = 'Standard_LRS'", "param storageSkew = 'Standard_LRS'", "sets storageSkew, which main.bicep does not declare"},
		{"missing module file", "infra/bicep/main.bicep", "'modules/redis.bicep'", "'modules/rediss.bicep'", "module modules/rediss.bicep does not exist"},
		{"Bicep syntax error", "infra/bicep/modules/roles.bicep", "resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {", "resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = ", "bicep syntax: infra/bicep/modules/roles.bicep"},
		{"worker runtime set", "infra/bicep/main.bicep", "  QUEUE_BROKER: 'servicebus'\n", "  QUEUE_BROKER: 'servicebus'\n  FUNCTIONS_WORKER_RUNTIME: 'custom'\n", "FUNCTIONS_WORKER_RUNTIME"},

		// The edge: Front Door Standard, its routes, rewrites, headers and WAF.
		{"WAF tier differs from the profile", fdBicep, "sku: { name: sku } // a WAF policy's tier is its profile's", "sku: { name: 'Standard_AzureFrontDoor' }", "WAF policy waf is not of the profile's tier (sku: { name: sku })"},
		{"no Front Door profile", fdBicep, "resource profile 'Microsoft.Cdn/profiles@2024-09-01' = {", "resource profile 'Microsoft.Cdn/profiles@2024-09-01' existing = {", "want one Microsoft.Cdn/profiles resource, found 0"},
		{"web route gone", fdBicep, "patternsToMatch: ['/*']\n    supportedProtocols", "patternsToMatch: ['/web/*']\n    supportedProtocols", "no Front Door route with patternsToMatch ['/*']"},
		{"web route not cached", fdBicep, "cacheConfiguration: {\n      queryStringCachingBehavior", "cacheConfigurationOff: {\n      queryStringCachingBehavior", "route webRoute (/*) must cache and compress"},
		{"web route without rules", fdBicep, "ruleSets: [{ id: webRules.id }]\n", "", "route webRoute (/*) has no rule set"},
		{"api route gone", fdAPIBicep, "patternsToMatch: ['/api/*']", "patternsToMatch: ['/api/v1/*']", "no Front Door route with patternsToMatch ['/api/*']"},
		{"api route cached", fdAPIBicep, "    linkToDefaultDomain: 'Enabled'\n", "    linkToDefaultDomain: 'Enabled'\n    cacheConfiguration: { queryStringCachingBehavior: 'UseQueryString' }\n", "route apiRoute (/api/*) must not cache"},
		{"api route over HTTP", fdAPIBicep, "supportedProtocols: ['Https']", "supportedProtocols: ['Http', 'Https']", "route apiRoute (/api/*) must be HTTPS only"},
		{"entry rewrite differs", fdBicep, "pattern: '^e/[^/]+/?$'", "pattern: '^e/.*$'", "rewrite 2 (entryPage) is ^e/.*$ -> /entry.html"},
		{"result rewrite to the wrong file", fdBicep, "destination: '/result.html'", "destination: '/entry.html'", "rewrite 1 (resultPage) is ^e/[^/]+/result/?$ -> /entry.html"},
		{"console rewrite missing", fdBicep, "  { name: 'consoleApp', pattern: '^app(/[^.]*)?$', destination: '/app/index.html' } // issue 15's single-page app\n", "", "var rewrites lacks ^app(/[^.]*)?$ -> /app/index.html"},
		{"rewrites not applied", fdBicep, "name: 'UrlRewrite'", "name: 'UrlRedirect'", "no rule loops over var rewrites"},
		{"root redirect to another path", fdBicep, "customPath: '/app/'", "customPath: '/console/'", "no rule redirects the site root"},
		{"root redirect permanent", fdBicep, "redirectType: 'Found'", "redirectType: 'Moved'", "no rule redirects the site root"},
		{"root redirect on every path", fdBicep, "matchValues: ['^/?$']", "matchValues: ['.*']", "no rule redirects the site root"},
		{"root redirect gone", fdBicep, "name: 'UrlRedirect'", "name: 'UrlRewrite'", "no rule redirects the site root"},
		{"CSP drifted", fdBicep, "script-src \\'self\\';", "script-src \\'self\\' \\'unsafe-inline\\';", "var csp (Content-Security-Policy) is"},
		{"CSP without the poster origin", fdBicep, "blob: ${imageOrigin};", "blob:;", "var csp (Content-Security-Policy) is"},
		{"security header missing", fdBicep, "  { name: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' }\n", "", "var securityHeaders is"},
		{"security headers not applied", fdBicep, "name: 'ModifyResponseHeader'", "name: 'ModifyRequestHeader'", "no rule sets var securityHeaders"},
		{"WAF in detection mode", fdBicep, "mode: 'Prevention'", "mode: 'Detection'", "WAF policy waf is not in Prevention mode"},
		{"WAF limits another path", fdBicep, "matchValue: ['/participate']", "matchValue: ['/login']", "no RateLimitRule blocking POST with RequestUri containing '/participate'"},
		{"WAF limits every method", fdBicep, "matchValue: ['POST']", "matchValue: ['GET']", "no RateLimitRule blocking POST"},
		{"WAF only logs", fdBicep, "action: 'Block'", "action: 'Log'", "no RateLimitRule blocking POST"},
		{"WAF not linked", fdBicep, "wafPolicy: { id: waf.id }", "wafPolicy: { id: '' }", "no securityPolicies resource links WAF policy waf"},
		// The function app's identity and roles (identity.go).
		{"no Service Bus Data Owner", "infra/bicep/modules/roles.bicep", "serviceBusDataOwner: '090c5cfd-751d-490a-894a-3ce6f1109419'", "serviceBusDataOwner: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'", "lacks Azure Service Bus Data Owner (090c5cfd-751d-490a-894a-3ce6f1109419) on its Microsoft.ServiceBus/namespaces"},
		{"no Key Vault role", "infra/bicep/modules/roles.bicep", "scope: vault\n", "scope: storage\n", "lacks Key Vault Secrets User"},
		{"roles to the app's own identity", "infra/bicep/main.bicep", "principalId: identity.outputs.principalId", "principalId: functionApp.outputs.principalId", "module roles must assign its roles to a user-assigned identity"},
		{"function app before its roles", "infra/bicep/main.bicep", "  dependsOn: [roles] // the identity's roles exist before the app first starts\n", "", "module functionApp (the function app) does not depend on module roles"},
		{"system-assigned identity too", "infra/bicep/modules/functionapp.bicep", "type: 'UserAssigned'\n", "type: 'SystemAssigned, UserAssigned'\n", "function app app must run as the user-assigned identity only"},
		{"Key Vault references as the system identity", "infra/bicep/modules/functionapp.bicep", "keyVaultReferenceIdentity: identityId", "keyVaultReferenceIdentity: 'SystemAssigned'", "function app app must resolve Key Vault references with the user-assigned identity"},
		{"deployment container as the system identity", "infra/bicep/modules/functionapp.bicep", "authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identityId }", "authentication: { type: 'SystemAssignedIdentity' }", "must read its deployment container as the user-assigned identity"},
		{"empty ServiceBusConnection", "infra/bicep/main.bicep", "  ServiceBusConnection__fullyQualifiedNamespace:", "  ServiceBusConnection: ''\n  ServiceBusConnection__fullyQualifiedNamespace:", "app setting ServiceBusConnection is empty"},
		{"trigger connection without client id", "infra/bicep/main.bicep", "  ServiceBusConnection__clientId: identity.outputs.clientId\n", "", "ServiceBusConnection__clientId must be the identity's client id (identity.outputs.clientId)"},
		{"host storage without managed identity", "infra/bicep/main.bicep", "  AzureWebJobsStorage__credential: 'managedidentity'\n", "", "AzureWebJobsStorage__credential must be 'managedidentity'"},
		{"SDK clients without client id", "infra/bicep/main.bicep", "  AZURE_CLIENT_ID: identity.outputs.clientId\n", "  AZURE_CLIENT_ID: ''\n", "AZURE_CLIENT_ID must be the identity's client id"},
		{"ServiceBusConnection not set either way", "infra/bicep/main.bicep", "  ServiceBusConnection__fullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace\n  ServiceBusConnection__credential: 'managedidentity'\n  ServiceBusConnection__clientId: identity.outputs.clientId\n", "", "setting ServiceBusConnection is read by the app but not set"},
		// The connection budget (budget.go).
		{"dev back on B1ms", "infra/bicep/dev.bicepparam", "param postgresSku = 'Standard_B2ms'", "param postgresSku = 'Standard_B1ms'", "dev.bicepparam: connection budget"},
		{"prod pool too large for PgBouncer", "infra/bicep/prod.bicepparam", "param postgresMaxConns = 8", "param postgresMaxConns = 20", "above PgBouncer's max_client_conn 5000"},
		{"PgBouncer in session mode", "infra/bicep/modules/postgres.bicep", "value: 'transaction'", "value: 'session'", "pgbouncer.pool_mode is \"session\""},
		{"app on the direct port", "infra/bicep/main.bicep", "${postgres.outputs.appPort}", "5432", "postgres-url secret must use postgres.outputs.appPort"},
		{"prepared statements without tracking", "infra/bicep/main.bicep", "POSTGRES_EXEC_MODE: 'cache_describe'", "POSTGRES_EXEC_MODE: 'cache_statement'", "POSTGRES_EXEC_MODE \"cache_statement\" does not work through PgBouncer"},
		{"no direct URL", "infra/bicep/main.bicep", "secrets/postgres-direct-url)'", "secrets/postgres-url)'", "POSTGRES_DIRECT_URL must be"},
		{"PUBLIC_WEB_URL ignores Front Door", "infra/bicep/main.bicep", "  PUBLIC_WEB_URL: empty(publicWebUrl) ? 'https://${frontDoor.outputs.endpointHostName}' : publicWebUrl\n", "  PUBLIC_WEB_URL: publicWebUrl\n", "PUBLIC_WEB_URL must default to https://<Front Door endpoint host>"},
		// The network (network.go): prod's data plane private, no open rule, Front Door only.
		{"prod Postgres public", "infra/bicep/modules/postgres.bicep", "network: { publicNetworkAccess: publicNetworkAccess }", "network: { publicNetworkAccess: 'Enabled' }", "prod.bicepparam: PostgreSQL server (infra/bicep/modules/postgres.bicep, module postgres) has publicNetworkAccess 'Enabled', want 'Disabled'"},
		{"prod Redis public", mainBicep, "    clusteringPolicy: redisClusteringPolicy\n    publicNetworkAccess: publicAccess", "    clusteringPolicy: redisClusteringPolicy\n    publicNetworkAccess: 'Enabled'", "prod.bicepparam: Azure Managed Redis managed (infra/bicep/modules/redis.bicep, module redis) has publicNetworkAccess 'Enabled'"},
		{"prod Key Vault public", "infra/bicep/modules/keyvault.bicep", "    publicNetworkAccess: publicNetworkAccess\n", "    publicNetworkAccess: 'Enabled'\n", "prod.bicepparam: Key Vault vault (infra/bicep/modules/keyvault.bicep, module vault) has publicNetworkAccess 'Enabled'"},
		{"prod without a private network", "infra/bicep/prod.bicepparam", "param privateNetwork = true", "param privateNetwork = false", "prod.bicepparam: Service Bus namespace (infra/bicep/modules/servicebus.bicep, module serviceBus) has publicNetworkAccess 'Enabled'"},
		{"prod Service Bus Standard", "infra/bicep/prod.bicepparam", "param serviceBusSku = 'Premium'", "param serviceBusSku = 'Standard'", "Service Bus namespace (infra/bicep/modules/servicebus.bicep, module serviceBus) is sku 'Standard': private endpoints need 'Premium'"},
		{"Redis endpoint only in dev", mainBicep, "module redisEndpoint 'modules/privateendpoint.bicep' = if (privateNetwork) {", "module redisEndpoint 'modules/privateendpoint.bicep' = if (!privateNetwork) {", "prod.bicepparam: Azure Managed Redis managed (infra/bicep/modules/redis.bicep, module redis) has no private endpoint for sub-resource \"redisEnterprise\""},
		{"Service Bus endpoint on the wrong sub-resource", mainBicep, "groupId: 'namespace'", "groupId: 'topic'", "Service Bus namespace (infra/bicep/modules/servicebus.bicep, module serviceBus) has no private endpoint for sub-resource \"namespace\""},
		{"no queue endpoint for the host", mainBicep, "for service in ['blob', 'table', 'queue']:", "for service in ['blob', 'table']:", "Storage account (infra/bicep/modules/storage.bicep, module storage) has no private endpoint for sub-resource \"queue\""},
		{"endpoint pointed at another service", mainBicep, "    targetId: vault.outputs.id\n", "    targetId: serviceBus.outputs.id\n", "Key Vault vault (infra/bicep/modules/keyvault.bicep, module vault) has no private endpoint for sub-resource \"vault\""},
		{"endpoint in the wrong DNS zone", mainBicep, "dnsZoneName: zones.vault", "dnsZoneName: zones.blob", "registers in DNS zone \"privatelink.blob.core.windows.net\", want \"privatelink.vaultcore.azure.net\""},
		{"DNS zone not created", mainBicep, "zones.serviceBus, zones.blob, zones.table,", "zones.serviceBus, zones.blob,", "DNS zone privatelink.table.core.windows.net is not created and linked to the virtual network"},
		{"DNS zones not linked", "infra/bicep/modules/network.bicep", "      virtualNetwork: { id: vnet.id }\n", "", "DNS zone privatelink.postgres.database.azure.com is not created and linked to the virtual network"},
		{"endpoint without a DNS record", "infra/bicep/modules/privateendpoint.bicep", "resource zoneGroup 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = {", "resource zoneGroup 'Microsoft.Network/privateEndpoints/privateDnsZones@2024-05-01' = {", "registers in DNS zone \"\", want \"privatelink.postgres.database.azure.com\""},
		{"dev Postgres without its endpoint", mainBicep, "module postgresEndpoint 'modules/privateendpoint.bicep' = {", "module postgresEndpoint 'modules/privateendpoint.bicep' = if (privateNetwork) {", "dev.bicepparam: PostgreSQL server (infra/bicep/modules/postgres.bicep, module postgres) has no private endpoint for sub-resource \"postgresqlServer\""},
		{"Azure services rule back", "infra/bicep/modules/postgres.bicep", "// PgBouncer in transaction mode", "resource azureServices 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {\n  parent: server\n  name: 'AllowAzureServices'\n  properties: { startIpAddress: '0.0.0.0', endIpAddress: '0.0.0.0' }\n}\n\n// PgBouncer in transaction mode", "opens the firewall to every address"},
		{"dev deployer address is everyone", "infra/bicep/dev.bicepparam", "param deployerIpAddress = readEnvironmentVariable('DEPLOYER_IP', '')", "param deployerIpAddress = '0.0.0.0'", "infra/bicep/dev.bicepparam:"},
		{"prod firewall rule despite no public access", "infra/bicep/modules/postgres.bicep", "  for (ip, i) in firewallIps: if (publicNetworkAccess == 'Enabled') {", "  for (ip, i) in ['203.0.113.7']: {", "firewall rule firewall (infra/bicep/modules/postgres.bicep) may exist with public access disabled"},
		{"function app open to all", "infra/bicep/modules/functionapp.bicep", "ipSecurityRestrictionsDefaultAction: empty(frontDoorId) ? 'Allow' : 'Deny'", "ipSecurityRestrictionsDefaultAction: 'Allow'", "prod.bicepparam: function app app (infra/bicep/modules/functionapp.bicep) admits any caller: ipSecurityRestrictionsDefaultAction is 'Allow'"},
		{"function app admits all of Azure", "infra/bicep/modules/functionapp.bicep", "ipAddress: 'AzureFrontDoor.Backend'", "ipAddress: 'AzureCloud'", "admits 'AzureCloud', not the AzureFrontDoor.Backend service tag"},
		{"function app admits any Front Door", "infra/bicep/modules/functionapp.bicep", "    headers: { 'x-azure-fdid': [frontDoorId] }\n", "", "does not require X-Azure-FDID to be this profile's frontDoorId"},
		{"prod API open", "infra/bicep/prod.bicepparam", "param privateNetwork = true", "param privateNetwork = true\nparam apiOnlyViaFrontDoor = false", "prod.bicepparam: function app app (infra/bicep/modules/functionapp.bicep) admits any caller"},
		{"function app outside the network", "infra/bicep/modules/functionapp.bicep", "    virtualNetworkSubnetId: subnetId\n", "", "function app app (infra/bicep/modules/functionapp.bicep) has no virtualNetworkSubnetId"},
		{"web account open in prod", mainBicep, "defaultNetworkAction: privateNetwork ? 'Deny' : 'Allow'", "defaultNetworkAction: 'Allow'", "serves Front Door's pages but its networkAcls.defaultAction is 'Allow'"},
		{"prod Front Door Standard", mainBicep, "sku: privateNetwork ? 'Premium_AzureFrontDoor' : 'Standard_AzureFrontDoor'", "sku: 'Standard_AzureFrontDoor'", "prod.bicepparam: Front Door profile profile is sku 'Standard_AzureFrontDoor': Private Link origins need 'Premium_AzureFrontDoor'"},
		{"posters over the internet", mainBicep, "imagesAccountId: privateNetwork ? storage.outputs.id : ''", "imagesAccountId: ''", "Front Door origin imageOrigin (infra/bicep/modules/frontdoor.bicep) is reached over the internet"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			copyRoot := copyInfra(t)
			edit(t, copyRoot, tc.file, tc.old, tc.new)
			check := DefaultInfraCheck(copyRoot, config.Names)
			// The parser lives in the real repository. It costs a Node start and
			// a parse of every file, so only the cases about syntax run it.
			check.SyntaxCheck = nil
			if strings.HasPrefix(tc.want, "bicep syntax") {
				check.SyntaxCheck = NodeBicepSyntax(root)
			}
			var got []string
			for _, err := range check.Check() {
				got = append(got, err.Error())
			}
			joined := strings.Join(got, "\n")
			if !strings.Contains(joined, tc.want) {
				t.Fatalf("got errors:\n%s\nwant one containing %q", joined, tc.want)
			}
		})
	}
}
