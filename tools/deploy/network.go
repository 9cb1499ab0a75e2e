package deploy

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// The network checks (issue 21) evaluate the templates as Azure would for
// one parameter file: main.bicep with the file's values, each module with
// the parameters main passes it, each `if (...)` and `[for ...]` decided.
// What is known only at deployment (a module output, a resource id) stays
// a bicepUnknown that keeps its source text, which is enough to tell which
// module a private endpoint points at.

// dataService is a kind of resource that holds or carries the app's data
// and so must, in prod, answer on a private endpoint only.
type dataService struct {
	name   string   // in messages
	access []string // the property path of its public network access
	groups []string // the private endpoint sub-resources the app uses
}

var dataServices = map[string]dataService{
	"Microsoft.DBforPostgreSQL/flexibleServers": {"PostgreSQL", []string{"properties", "network", "publicNetworkAccess"}, []string{"postgresqlServer"}},
	"Microsoft.Cache/redisEnterprise":           {"Azure Managed Redis", []string{"properties", "publicNetworkAccess"}, []string{"redisEnterprise"}},
	"Microsoft.Cache/redis":                     {"Azure Cache for Redis", []string{"properties", "publicNetworkAccess"}, []string{"redisCache"}},
	"Microsoft.ServiceBus/namespaces":           {"Service Bus", []string{"properties", "publicNetworkAccess"}, []string{"namespace"}},
	// The Functions host uses blobs, queues and tables; so does the app.
	"Microsoft.Storage/storageAccounts": {"Storage", []string{"properties", "publicNetworkAccess"}, []string{"blob", "table", "queue"}},
	"Microsoft.KeyVault/vaults":         {"Key Vault", []string{"properties", "publicNetworkAccess"}, []string{"vault"}},
}

// privateDNSZones is the zone each sub-resource's name must resolve in
// (Azure public cloud).
var privateDNSZones = map[string]string{
	"postgresqlServer": "privatelink.postgres.database.azure.com",
	"redisEnterprise":  "privatelink.redis.azure.net",
	"redisCache":       "privatelink.redis.cache.windows.net",
	"namespace":        "privatelink.servicebus.windows.net",
	"blob":             "privatelink.blob.core.windows.net",
	"table":            "privatelink.table.core.windows.net",
	"queue":            "privatelink.queue.core.windows.net",
	"vault":            "privatelink.vaultcore.azure.net",
	"web":              "privatelink.web.core.windows.net",
}

// deployment is main.bicep evaluated for one parameter file.
type deployment struct {
	file    string // the parameter file, for messages
	modules []moduleInstance
}

// moduleInstance is one deployment of a module (one per loop item).
type moduleInstance struct {
	decl   bicepDecl
	path   string // relative to the repository root
	doc    *bicepDoc
	active any // true, false or bicepUnknown
	env    *bicepEnv
	params map[string]any
	main   *bicepEnv // main.bicep's scope with the loop variables
}

// resourceInstance is one deployment of a resource of a module.
type resourceInstance struct {
	mod    *moduleInstance
	decl   bicepDecl
	active any
	env    *bicepEnv
}

var outputRef = regexp.MustCompile(`^([A-Za-z_]\w*)\.outputs\.([A-Za-z_]\w*)$`)

// templates parses each .bicep file once per check, however many modules
// and parameter files use it.
type templates struct {
	read func(string) string
	docs map[string]*bicepDoc
}

func (t *templates) parse(rel string) (*bicepDoc, error) {
	if doc, ok := t.docs[rel]; ok {
		return doc, nil
	}
	doc, err := parseBicepDoc(t.read(rel))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rel, err)
	}
	t.docs[rel] = doc
	return doc, nil
}

func (c InfraCheck) evaluate(t *templates, paramFile string) (*deployment, error) {
	mainDoc, err := t.parse(c.MainBicep)
	if err != nil {
		return nil, err
	}
	values, err := parseBicepParamFile(t.read(paramFile))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", paramFile, err)
	}
	env := newBicepEnv(mainDoc, bicepParamValues(values))
	d := &deployment{file: paramFile}
	dir := path.Dir(c.MainBicep)
	for _, decl := range mainDoc.Modules {
		rel := path.Join(dir, decl.Type)
		doc, err := t.parse(rel)
		if err != nil {
			return nil, err
		}
		for _, scope := range loopScopes(env, decl) {
			m := moduleInstance{decl: decl, path: rel, doc: doc, active: condition(scope, decl), main: scope}
			if x, ok := bicepProp(decl.Body, "params"); ok {
				m.params, _ = scope.eval(x).(map[string]any)
			}
			for k, v := range m.params {
				if d.isReference(v) {
					m.params[k] = refPrefix + v.(bicepUnknown).Text
				}
			}
			m.env = newBicepEnv(doc, m.params)
			d.modules = append(d.modules, m)
		}
	}
	return d, nil
}

// loopScopes is one scope per item of a loop declaration, or env itself.
// A loop over something unknown yields one scope whose item is unknown.
func loopScopes(env *bicepEnv, decl bicepDecl) []*bicepEnv {
	if !decl.Loop {
		return []*bicepEnv{env}
	}
	items, ok := env.eval(decl.LoopOver).([]any)
	if !ok {
		items = []any{bicepUnknown{Text: bicepText(decl.LoopOver)}}
	}
	var out []*bicepEnv
	for i, item := range items {
		s := env.withVar(decl.LoopVar, item)
		if decl.LoopIndex != "" {
			s = s.withVar(decl.LoopIndex, int64(i))
		}
		out = append(out, s)
	}
	return out
}

func condition(env *bicepEnv, decl bicepDecl) any {
	if decl.Condition == nil {
		return true
	}
	return env.eval(decl.Condition)
}

// resources lists the (non-existing) resources of type typ of modules that
// may be deployed (a condition known only at deployment counts as true: a
// check must not skip a service it cannot rule out), each loop item apart.
func (d *deployment) resources(typ string) []resourceInstance {
	var out []resourceInstance
	for i := range d.modules {
		m := &d.modules[i]
		if m.active == false {
			continue
		}
		for _, decl := range m.doc.Resources {
			if decl.Existing || decl.Type != typ {
				continue
			}
			for _, scope := range loopScopes(m.env, decl) {
				out = append(out, resourceInstance{mod: m, decl: decl, active: condition(scope, decl), env: scope})
			}
		}
	}
	return out
}

func (r resourceInstance) prop(path ...string) any {
	x, ok := bicepProp(r.decl.Body, path...)
	if !ok {
		return nil
	}
	return r.env.eval(x)
}

func (r resourceInstance) where() string {
	return fmt.Sprintf("%s %s (%s, module %s)", dataServices[r.decl.Type].name, r.decl.Symbol, r.mod.path, r.mod.decl.Symbol)
}

// module finds the active instance of a main.bicep module symbol.
func (d *deployment) module(symbol string) *moduleInstance {
	for i := range d.modules {
		if d.modules[i].decl.Symbol == symbol && d.modules[i].active == true {
			return &d.modules[i]
		}
	}
	return nil
}

// resolve follows `m.outputs.x` to the module's output expression, once.
func (d *deployment) resolve(v any) any {
	u, ok := v.(bicepUnknown)
	if !ok {
		return v
	}
	m := outputRef.FindStringSubmatch(u.Text)
	if m == nil {
		return v
	}
	mod := d.module(m[1])
	if mod == nil {
		return v
	}
	out, ok := mod.doc.Outputs[m[2]]
	if !ok {
		return v
	}
	return mod.env.eval(out)
}

// refPrefix marks a module parameter bound to another module's resource id
// or Front Door id: unknown until deployment, but never empty, so the module
// can decide `empty(id) ? … : …` as Azure will.
const refPrefix = "ref:"

// isReference says whether v is a module output that is a deployed
// resource's id or a Front Door profile's id.
func (d *deployment) isReference(v any) bool {
	u, ok := v.(bicepUnknown)
	if !ok || !outputRef.MatchString(u.Text) {
		return false
	}
	r, ok := d.resolve(v).(bicepUnknown)
	return ok && (strings.HasSuffix(r.Text, ".id") || strings.HasSuffix(r.Text, ".properties.frontDoorId"))
}

// unknownText is the source text of a value known only at deployment.
func unknownText(v any) (string, bool) {
	switch v := v.(type) {
	case bicepUnknown:
		return v.Text, true
	case string:
		return strings.CutPrefix(v, refPrefix)
	}
	return "", false
}

// targetOf says which resource a value like `postgres.outputs.id` is the
// id of: the module symbol and the resource symbol inside it.
func (d *deployment) targetOf(v any) (module, resource string) {
	text, ok := unknownText(v)
	if !ok {
		return "", ""
	}
	m := outputRef.FindStringSubmatch(text)
	if m == nil {
		return "", ""
	}
	r, ok := d.resolve(bicepUnknown{Text: text}).(bicepUnknown)
	if !ok {
		return m[1], ""
	}
	sym, _, _ := strings.Cut(r.Text, ".")
	return m[1], sym
}

// privateEndpoint is an active private endpoint module instance.
type privateEndpoint struct {
	module, resource, group, zone string
	symbol                        string
}

func (d *deployment) privateEndpoints() []privateEndpoint {
	var out []privateEndpoint
	for i := range d.modules {
		m := &d.modules[i]
		if m.active != true || !slices.ContainsFunc(m.doc.Resources, func(r bicepDecl) bool { return r.Type == "Microsoft.Network/privateEndpoints" }) {
			continue
		}
		mod, res := d.targetOf(m.params["targetId"])
		group, _ := d.resolve(m.params["groupId"]).(string)
		zone, _ := d.resolve(m.params["dnsZoneName"]).(string)
		if !slices.ContainsFunc(m.doc.Resources, func(r bicepDecl) bool {
			return r.Type == "Microsoft.Network/privateEndpoints/privateDnsZoneGroups"
		}) {
			zone = "" // no record is written anywhere
		}
		out = append(out, privateEndpoint{module: mod, resource: res, group: group, zone: zone, symbol: m.decl.Symbol})
	}
	return out
}

// linkedZones are the private DNS zones created and linked to the virtual
// network in the same loop (modules/network.bicep).
func (d *deployment) linkedZones() map[string]bool {
	zones := map[string]bool{}
	for i := range d.modules {
		m := &d.modules[i]
		if m.active != true {
			continue
		}
		var created bicepExpr
		var linked string
		for _, r := range m.doc.Resources {
			switch {
			case r.Type == "Microsoft.Network/privateDnsZones" && r.Loop && r.Condition == nil:
				created = r.LoopOver
			case r.Type == "Microsoft.Network/privateDnsZones/virtualNetworkLinks" && r.Loop && r.Condition == nil:
				if x, ok := bicepProp(r.Body, "properties", "virtualNetwork", "id"); ok && bicepText(x) != "" {
					linked = bicepText(r.LoopOver)
				}
			}
		}
		if created == nil || bicepText(created) != linked {
			continue
		}
		list, _ := m.env.eval(created).([]any)
		for _, z := range list {
			if s, ok := z.(string); ok {
				zones[s] = true
			}
		}
	}
	return zones
}

// checkNetwork holds the network to issue 21: in the production parameter
// file every data service answers on private endpoints only (public network
// access disabled, an endpoint per sub-resource the app uses, its DNS zone
// linked to the network), the function app admits HTTP from Front Door
// alone and sends its traffic through the network, and Front Door reaches
// storage origins over Private Link; in every parameter file PostgreSQL is
// reached privately by the app and no firewall rule opens 0.0.0.0.
func (c InfraCheck) checkNetwork(read func(string) string, add func(string, ...any)) {
	if c.ProdParams == "" {
		return
	}
	t := &templates{read: read, docs: map[string]*bicepDoc{}}
	for _, pf := range c.ParamFiles {
		d, err := c.evaluate(t, pf)
		if err != nil {
			add("network check: %v", err)
			continue
		}
		prod := pf == c.ProdParams
		c.checkDataPlane(d, prod, add)
		c.checkFunctionApp(d, prod, add)
		if prod {
			c.checkEdge(d, add)
		}
	}
	files := append([]string{}, c.ParamFiles...)
	for rel := range t.docs {
		files = append(files, rel)
	}
	sort.Strings(files)
	checkNoOpenRule(read, files, add)
}

// checkDataPlane: prod, every data service private; every file, PostgreSQL
// behind a private endpoint (the app's addresses change, so no firewall rule
// could admit it but 0.0.0.0).
func (c InfraCheck) checkDataPlane(d *deployment, prod bool, add func(string, ...any)) {
	endpoints := d.privateEndpoints()
	zones := d.linkedZones()
	web := d.privateLinkAccounts()
	types := make([]string, 0, len(dataServices))
	for t := range dataServices {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, typ := range types {
		svc := dataServices[typ]
		if !prod && typ != "Microsoft.DBforPostgreSQL/flexibleServers" {
			continue
		}
		for _, r := range d.resources(typ) {
			if r.active == false {
				continue
			}
			groups := svc.groups
			if prod {
				access := r.prop(svc.access...)
				switch {
				case typ == "Microsoft.Storage/storageAccounts" && slices.Contains(web[r.mod.decl.Symbol], "web"):
					// The pages' account: Front Door comes in over Private Link,
					// the deployer by address; the internet is turned away.
					if a := r.prop("properties", "networkAcls", "defaultAction"); a != "Deny" {
						add("%s: %s serves Front Door's pages but its networkAcls.defaultAction is %s, want 'Deny' (Front Door reaches it over Private Link)", d.file, r.where(), show(a))
					}
					groups = nil
				case access != "Disabled":
					add("%s: %s has publicNetworkAccess %s, want 'Disabled'", d.file, r.where(), show(access))
				}
				if typ == "Microsoft.ServiceBus/namespaces" {
					if sku := r.prop("sku", "name"); sku != "Premium" {
						add("%s: %s is sku %s: private endpoints need 'Premium'", d.file, r.where(), show(sku))
					}
				}
				if typ == "Microsoft.DBforPostgreSQL/flexibleServers" {
					for _, rule := range d.resources("Microsoft.DBforPostgreSQL/flexibleServers/firewallRules") {
						if rule.mod == r.mod && rule.active != false {
							add("%s: firewall rule %s (%s) may exist with public access disabled: it must not (condition %s)", d.file, rule.decl.Symbol, rule.mod.path, show(rule.active))
						}
					}
				}
			}
			for _, g := range groups {
				i := slices.IndexFunc(endpoints, func(e privateEndpoint) bool {
					return e.module == r.mod.decl.Symbol && e.resource == r.decl.Symbol && e.group == g
				})
				if i < 0 {
					add("%s: %s has no private endpoint for sub-resource %q", d.file, r.where(), g)
					continue
				}
				e := endpoints[i]
				switch want := privateDNSZones[g]; {
				case e.zone != want:
					add("%s: private endpoint %s (%s %q) registers in DNS zone %q, want %q", d.file, e.symbol, r.decl.Symbol, g, e.zone, want)
				case !zones[want]:
					add("%s: DNS zone %s is not created and linked to the virtual network: %s's name would resolve to its public endpoint", d.file, want, r.where())
				}
			}
		}
	}
}

// privateLinkAccounts maps the main.bicep modules Front Door reaches over
// Private Link to the sub-resources it reaches (web: the static website).
func (d *deployment) privateLinkAccounts() map[string][]string {
	out := map[string][]string{}
	for _, o := range d.resources("Microsoft.Cdn/profiles/originGroups/origins") {
		link, _ := o.prop("properties", "sharedPrivateLinkResource").(map[string]any)
		pl, _ := link["privateLink"].(map[string]any)
		if mod, _ := d.targetOf(pl["id"]); mod != "" {
			group, _ := link["groupId"].(string)
			out[mod] = append(out[mod], group)
		}
	}
	return out
}

// checkFunctionApp: every file, the app's outbound traffic goes through the
// virtual network (else it cannot reach a private endpoint). prod, its
// inbound is Front Door only: default Deny, and every Allow is the
// AzureFrontDoor.Backend service tag carrying this profile's X-Azure-FDID.
func (c InfraCheck) checkFunctionApp(d *deployment, prod bool, add func(string, ...any)) {
	apps := d.resources("Microsoft.Web/sites")
	if len(apps) == 0 {
		add("%s: no function app (Microsoft.Web/sites) is deployed", d.file)
	}
	for _, app := range apps {
		where := fmt.Sprintf("function app %s (%s)", app.decl.Symbol, app.mod.path)
		if subnet := app.prop("properties", "virtualNetworkSubnetId"); subnet == nil || subnet == "" {
			add("%s: %s has no virtualNetworkSubnetId: without VNet integration it reaches no private endpoint", d.file, where)
		}
		if !prod {
			continue
		}
		if a := app.prop("properties", "siteConfig", "ipSecurityRestrictionsDefaultAction"); a != "Deny" {
			add("%s: %s admits any caller: ipSecurityRestrictionsDefaultAction is %s, want 'Deny' (Front Door only)", d.file, where, show(a))
		}
		rules, _ := app.prop("properties", "siteConfig", "ipSecurityRestrictions").([]any)
		allows := 0
		for _, x := range rules {
			rule, _ := x.(map[string]any)
			if rule["action"] != "Allow" {
				continue
			}
			allows++
			headers, _ := rule["headers"].(map[string]any)
			ids, _ := headers["x-azure-fdid"].([]any)
			switch {
			case rule["tag"] != "ServiceTag" || rule["ipAddress"] != "AzureFrontDoor.Backend":
				add("%s: %s: rule %v admits %v, not the AzureFrontDoor.Backend service tag", d.file, where, rule["name"], show(rule["ipAddress"]))
			case len(ids) != 1 || !d.isFrontDoorID(ids[0]):
				add("%s: %s: rule %v does not require X-Azure-FDID to be this profile's frontDoorId (headers %v): any Front Door could call the app", d.file, where, rule["name"], show(rule["headers"]))
			}
		}
		if allows == 0 {
			add("%s: %s has no rule admitting Front Door", d.file, where)
		}
	}
}

// isFrontDoorID says whether v is a Front Door profile's frontDoorId.
func (d *deployment) isFrontDoorID(v any) bool {
	mod, res := d.targetOf(v)
	m := d.module(mod)
	if m == nil {
		return false
	}
	text, _ := unknownText(v)
	u, ok := d.resolve(bicepUnknown{Text: text}).(bicepUnknown)
	if !ok || !strings.HasSuffix(u.Text, ".properties.frontDoorId") {
		return false
	}
	return slices.ContainsFunc(m.doc.Resources, func(r bicepDecl) bool { return r.Symbol == res && r.Type == "Microsoft.Cdn/profiles" })
}

// checkEdge (prod): Front Door Premium, and every storage origin over
// Private Link (the function app's origin is public, behind its access
// restriction).
func (c InfraCheck) checkEdge(d *deployment, add func(string, ...any)) {
	for _, p := range d.resources("Microsoft.Cdn/profiles") {
		if sku := p.prop("sku", "name"); sku != "Premium_AzureFrontDoor" {
			add("%s: Front Door profile %s is sku %s: Private Link origins need 'Premium_AzureFrontDoor'", d.file, p.decl.Symbol, show(sku))
		}
	}
	for _, o := range d.resources("Microsoft.Cdn/profiles/originGroups/origins") {
		if mod, _ := d.targetOf(o.prop("properties", "hostName")); d.isFunctionApp(mod) {
			continue
		}
		if link, ok := o.prop("properties", "sharedPrivateLinkResource").(map[string]any); !ok || link["privateLink"] == nil {
			add("%s: Front Door origin %s (%s) is reached over the internet: a storage origin needs sharedPrivateLinkResource in prod", d.file, o.decl.Symbol, o.mod.path)
		}
	}
}

func (d *deployment) isFunctionApp(module string) bool {
	m := d.module(module)
	return m != nil && slices.ContainsFunc(m.doc.Resources, func(r bicepDecl) bool { return r.Type == "Microsoft.Web/sites" && !r.Existing })
}

// openAddress matches a rule admitting every address (or every Azure one).
var openAddress = regexp.MustCompile(`'0\.0\.0\.0(/0)?'|'\*'`)

// checkNoOpenRule: no template or parameter file names 0.0.0.0 (Azure's
// "allow Azure services", every tenant's addresses) or 0.0.0.0/0.
func checkNoOpenRule(read func(string) string, files []string, add func(string, ...any)) {
	for _, f := range files {
		for i, line := range strings.Split(read(f), "\n") {
			code, _, _ := strings.Cut(line, "//")
			if openAddress.MatchString(code) && ipContext.MatchString(code) {
				add("%s:%d: %s opens the firewall to every address: name the deployer's address (deployerIpAddress) instead", f, i+1, strings.TrimSpace(code))
			}
		}
	}
}

// ipContext: the line sets an address (firewall rules, IP rules, a
// parameter holding one).
var ipContext = regexp.MustCompile(`(?i)(ip|address|value|range)\w*\s*[:=]`)

// show prints an evaluated value the way a template writes it.
func show(v any) string {
	switch v := v.(type) {
	case nil:
		return "unset"
	case string:
		return "'" + v + "'"
	case bicepUnknown:
		return "known only at deployment (" + v.Text + ")"
	default:
		return fmt.Sprint(v)
	}
}
