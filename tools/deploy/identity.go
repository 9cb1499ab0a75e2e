package deploy

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// appRole is a built-in role the function app's identity needs on one kind
// of resource.
type appRole struct {
	scope, id, name, why string
}

// appRoles are the roles the function app's identity must hold. The Service
// Bus trigger's documentation lists Data Receiver or Data Owner; Data Owner
// (as in the Flex Consumption Service Bus sample) also lets the scale
// controller read queue lengths, which takes Manage rights, and covers the
// outbox's sends.
var appRoles = []appRole{
	{"Microsoft.ServiceBus/namespaces", "090c5cfd-751d-490a-894a-3ce6f1109419", "Azure Service Bus Data Owner", "the triggers, the scale controller's queue lengths and the outbox's sends"},
	{"Microsoft.Storage/storageAccounts", "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "Storage Blob Data Owner", "AzureWebJobsStorage and the deployment container"},
	{"Microsoft.Storage/storageAccounts", "974c5e8b-45b9-4653-ba55-5f855dd0fb88", "Storage Queue Data Contributor", "the host's internal queues"},
	{"Microsoft.Storage/storageAccounts", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", "Storage Table Data Contributor", "the app's tables"},
	{"Microsoft.KeyVault/vaults", "4633458b-17de-408a-b874-0445c86b69e6", "Key Vault Secrets User", "the Key Vault references"},
}

var (
	moduleDecl    = regexp.MustCompile(`(?m)^module\s+(\w+)\s+'([^']+)'\s*=\s*`)
	existingDecl  = regexp.MustCompile(`(?m)^resource\s+(\w+)\s+'([^'@]+)@[^']+'\s+existing\b`)
	roleRef       = regexp.MustCompile(`\broles\.(\w+)`)
	scopeRef      = regexp.MustCompile(`\bscope:\s*(\w+)`)
	principalFrom = regexp.MustCompile(`\bprincipalId:\s*(\w+)\.(?:outputs|properties)\.principalId\b`)
	settingLine   = regexp.MustCompile(`^\s*'?([A-Za-z_][A-Za-z0-9_]*)'?\s*:\s*(.*?)\s*(?://.*)?$`)
)

type bicepModule struct {
	symbol, path, body string
	resources          []bicepResource // of the module's file
}

// bicepModules lists a file's module declarations with their bodies and the
// resources their files declare.
func bicepModules(text, dir string, read func(string) string) []bicepModule {
	var out []bicepModule
	for _, m := range moduleDecl.FindAllStringSubmatchIndex(text, -1) {
		open := m[1]
		for open < len(text) && text[open] != '{' {
			open++
		}
		path := text[m[4]:m[5]]
		out = append(out, bicepModule{
			symbol:    text[m[2]:m[3]],
			path:      path,
			body:      bicepSpan(text, open),
			resources: bicepResources(read(filepath.Join(dir, path))),
		})
	}
	return out
}

func (m bicepModule) declares(typ string) []bicepResource {
	return resourcesOfType(m.resources, typ, false)
}

// appSettingValues maps the function app's settings to their Bicep value
// (one line each).
func appSettingValues(main string) map[string]string {
	out := map[string]string{}
	b := block(main, "var appSettings = {")
	depth := 0
	for _, line := range strings.Split(b, "\n") {
		if depth == 1 {
			if m := settingLine.FindStringSubmatch(line); m != nil && !strings.HasPrefix(strings.TrimSpace(line), "//") {
				out[m[1]] = m[2]
			}
		}
		depth += strings.Count(line, "{") + strings.Count(line, "[") - strings.Count(line, "}") - strings.Count(line, "]")
	}
	return out
}

// checkIdentity holds the function app to a user-assigned identity whose
// roles exist before the app: the identity is its own resource, the roles
// module assigns appRoles to it, the function app module depends on the
// roles module and runs as that identity (Key Vault references and the
// deployment container included), and every identity-based connection of
// the host (AzureWebJobsStorage, the triggers' connections) and the app's
// own SDK clients (AZURE_CLIENT_ID) name it by client id: with no
// system-assigned identity, an unnamed managed identity has no token.
func (c InfraCheck) checkIdentity(read func(string) string, add func(string, ...any), connections []string) {
	main := read(c.MainBicep)
	modules := bicepModules(main, filepath.Dir(c.MainBicep), func(rel string) string {
		b, _ := os.ReadFile(filepath.Join(c.Root, rel)) // a missing module is reported by Check
		return string(b)
	})
	identities := map[string]bool{} // module or resource symbols that are user-assigned identities
	for _, m := range modules {
		if len(m.declares("Microsoft.ManagedIdentity/userAssignedIdentities")) > 0 {
			identities[m.symbol] = true
		}
	}
	for _, r := range resourcesOfType(bicepResources(main), "Microsoft.ManagedIdentity/userAssignedIdentities", false) {
		identities[r.symbol] = true
	}

	// The roles module and the identity it grants roles to.
	var roles *bicepModule
	identity := ""
	for i, m := range modules {
		if len(m.declares("Microsoft.Authorization/roleAssignments")) > 0 && strings.Contains(m.body, "principalId:") {
			roles = &modules[i]
		}
	}
	if roles == nil {
		add("%s: no module assigns roles to the function app's identity (a roleAssignments module given principalId)", c.MainBicep)
		return
	}
	if p := principalFrom.FindStringSubmatch(roles.body); p == nil || !identities[p[1]] {
		add("module %s must assign its roles to a user-assigned identity (principalId: <identity>.outputs.principalId), not the function app's own: the roles must exist before the app starts", roles.symbol)
	} else {
		identity = p[1]
	}
	c.checkRoles(*roles, read, add)

	// The function app: depends on the roles, runs as the identity.
	var app *bicepModule
	for i, m := range modules {
		if len(m.declares("Microsoft.Web/sites")) > 0 {
			app = &modules[i]
		}
	}
	if app == nil {
		add("%s: no module declares the function app (Microsoft.Web/sites)", c.MainBicep)
		return
	}
	appPath := filepath.Join(filepath.Dir(c.MainBicep), app.path)
	if deps := field(app.body, "dependsOn"); !regexp.MustCompile(`\b`+roles.symbol+`\b`).MatchString(deps) && !strings.Contains(app.body, roles.symbol+".outputs.") {
		add("module %s (the function app) does not depend on module %s: its first start would race the role assignments (Key Vault references unresolved, storage refused until a restart)", app.symbol, roles.symbol)
	}
	if identity != "" && !strings.Contains(app.body, identity+".") {
		add("module %s (the function app) is not given the identity %s", app.symbol, identity)
	}
	for _, site := range app.declares("Microsoft.Web/sites") {
		id := field(site.body, "identity")
		if !regexp.MustCompile(`type:\s*'UserAssigned'`).MatchString(id) || !strings.Contains(id, "userAssignedIdentities") {
			add("%s: function app %s must run as the user-assigned identity only (identity: { type: 'UserAssigned', userAssignedIdentities: ... })", appPath, site.symbol)
		}
		if m := regexp.MustCompile(`keyVaultReferenceIdentity:\s*(\S+)`).FindStringSubmatch(site.body); m == nil || strings.HasPrefix(m[1], "'") {
			add("%s: function app %s must resolve Key Vault references with the user-assigned identity (keyVaultReferenceIdentity: <its resource id>)", appPath, site.symbol)
		}
		if auth := field(site.body, "authentication"); !regexp.MustCompile(`type:\s*'UserAssignedIdentity'`).MatchString(auth) || !strings.Contains(auth, "userAssignedIdentityResourceId:") {
			add("%s: function app %s must read its deployment container as the user-assigned identity (authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: ... })", appPath, site.symbol)
		}
	}

	// Settings that name the identity.
	settings := appSettingValues(main)
	named := identity
	if named == "" {
		named = "<identity>"
	}
	clientID := regexp.MustCompile(`^` + regexp.QuoteMeta(identity) + `\.(?:outputs|properties)\.clientId$`)
	if v, ok := settings["AZURE_CLIENT_ID"]; !ok || identity != "" && !clientID.MatchString(v) {
		add("%s: AZURE_CLIENT_ID must be the identity's client id (%s.outputs.clientId), or the app's SDK clients find no managed identity", c.MainBicep, named)
	}
	for _, conn := range connections {
		if !hasPrefixKey(settings, conn+"__") {
			continue // a connection string, or not set at all (the settings check says so)
		}
		if v := settings[conn+"__credential"]; v != "'managedidentity'" {
			add("%s: %s__credential must be 'managedidentity' for the identity-based connection %s", c.MainBicep, conn, conn)
		}
		if v, ok := settings[conn+"__clientId"]; !ok || identity != "" && !clientID.MatchString(v) {
			add("%s: %s__clientId must be the identity's client id (%s.outputs.clientId)", c.MainBicep, conn, named)
		}
	}
}

// checkRoles finds appRoles among the roles module's assignments: a
// roleAssignments resource scoped to an existing resource of the role's
// type that names the role through `var roles = { key: 'id' }`.
func (c InfraCheck) checkRoles(roles bicepModule, read func(string) string, add func(string, ...any)) {
	path := filepath.Join(filepath.Dir(c.MainBicep), roles.path)
	text := read(path)
	ids := map[string]string{} // var roles key → role definition id
	for _, line := range strings.Split(block(text, "var roles = {"), "\n") {
		if m := settingLine.FindStringSubmatch(line); m != nil {
			ids[m[1]] = strings.Trim(m[2], "'")
		}
	}
	types := map[string]string{} // existing resource symbol → type
	for _, m := range existingDecl.FindAllStringSubmatch(text, -1) {
		types[m[1]] = m[2]
	}
	var granted []string // scope type + " " + role id
	for _, a := range roles.declares("Microsoft.Authorization/roleAssignments") {
		s := scopeRef.FindStringSubmatch(a.body)
		if s == nil {
			continue
		}
		for _, r := range roleRef.FindAllStringSubmatch(a.body, -1) {
			granted = append(granted, strings.ToLower(types[s[1]]+" "+ids[r[1]]))
		}
	}
	for _, r := range appRoles {
		if !slices.Contains(granted, strings.ToLower(r.scope+" "+r.id)) {
			add("%s: the function app's identity lacks %s (%s) on its %s: %s need it", path, r.name, r.id, r.scope, r.why)
		}
	}
}

func hasPrefixKey(m map[string]string, prefix string) bool {
	for k := range m {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}
