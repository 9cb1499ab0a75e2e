package deploy

import (
	"regexp"
	"slices"
	"strings"

	"github.com/eventmkt/backend/tools/devhost"
)

// checkFrontDoor holds the edge to what the issue asks and to what the
// devhost does (tools/devhost/web.go): a Front Door Standard profile;
// a cached /* route to the static website and an uncached, HTTPS-only
// /api/* route to the function app; the page rewrites and the security
// headers (CSP included) equal to devhost's; a WAF policy in Prevention
// mode, linked to the endpoint, rate-limiting POSTs to …/participate;
// and PUBLIC_WEB_URL defaulting to the Front Door endpoint.
func (c InfraCheck) checkFrontDoor(read func(string) string, add func(string, ...any)) {
	if c.FrontDoorBicep == "" {
		return
	}
	fd, api, main := read(c.FrontDoorBicep), read(c.FrontDoorAPIBicep), read(c.MainBicep)
	res := append(bicepResources(fd), bicepResources(api)...)

	// The profile.
	profiles := resourcesOfType(res, "Microsoft.Cdn/profiles", false)
	if len(profiles) != 1 {
		add("%s: want one Microsoft.Cdn/profiles resource, found %d", c.FrontDoorBicep, len(profiles))
	}
	// Its tier differs by environment (network.go checks each one's); the
	// WAF policy must be of the same tier, or Front Door refuses to link it.
	profileSku := "<none>"
	for _, p := range profiles {
		if m := skuExpr.FindStringSubmatch(p.body); m != nil {
			profileSku = m[1]
		}
	}

	// The routes: /* cached to the web origins, /api/* uncached, HTTPS only.
	var web, apiRoute *bicepResource
	for _, r := range resourcesOfType(res, "Microsoft.Cdn/profiles/afdEndpoints/routes", false) {
		patterns := stringsIn(field(r.body, "patternsToMatch"))
		switch {
		case slices.Equal(patterns, []string{"/*"}):
			web = &r
		case slices.Equal(patterns, []string{"/api/*"}):
			apiRoute = &r
		}
	}
	if web == nil {
		add("%s: no Front Door route with patternsToMatch ['/*'] (the web app)", c.FrontDoorBicep)
	} else {
		if !strings.Contains(web.body, "cacheConfiguration:") || !strings.Contains(web.body, "isCompressionEnabled: true") {
			add("%s: route %s (/*) must cache and compress (cacheConfiguration with isCompressionEnabled: true)", c.FrontDoorBicep, web.symbol)
		}
		if !regexp.MustCompile(`ruleSets:\s*\[`).MatchString(web.body) {
			add("%s: route %s (/*) has no rule set (rewrites and security headers)", c.FrontDoorBicep, web.symbol)
		}
	}
	if apiRoute == nil {
		add("%s: no Front Door route with patternsToMatch ['/api/*'] (the function app)", c.FrontDoorAPIBicep)
	} else {
		if strings.Contains(apiRoute.body, "cacheConfiguration") {
			add("%s: route %s (/api/*) must not cache: remove its cacheConfiguration", c.FrontDoorAPIBicep, apiRoute.symbol)
		}
		if p := stringsIn(field(apiRoute.body, "supportedProtocols")); !slices.Equal(p, []string{"Https"}) {
			add("%s: route %s (/api/*) must be HTTPS only, has supportedProtocols %v", c.FrontDoorAPIBicep, apiRoute.symbol, p)
		}
	}

	// The page rewrites: devhost's, in order, as UrlPath RegEx -> UrlRewrite.
	var rewrites [][3]string
	for _, m := range rewriteEntry.FindAllStringSubmatch(bicepBlock(fd, "var rewrites = ["), -1) {
		rewrites = append(rewrites, [3]string{m[1], unquoteBicep(m[2]), unquoteBicep(m[3])})
	}
	want := devhost.WebRewrites()
	for i, rw := range want {
		if i >= len(rewrites) {
			add("%s: var rewrites lacks %s -> /%s (shared/devhost.WebRewrites)", c.FrontDoorBicep, rw.Pattern, rw.File)
			continue
		}
		if rewrites[i][1] != rw.Pattern || rewrites[i][2] != "/"+rw.File {
			add("%s: rewrite %d (%s) is %s -> %s; the devhost has %s -> /%s (shared/devhost.WebRewrites)",
				c.FrontDoorBicep, i+1, rewrites[i][0], rewrites[i][1], rewrites[i][2], rw.Pattern, rw.File)
		}
	}
	if len(rewrites) > len(want) {
		add("%s: var rewrites has %d entries, the devhost %d (shared/devhost.WebRewrites)", c.FrontDoorBicep, len(rewrites), len(want))
	}
	rules := resourcesOfType(res, "Microsoft.Cdn/profiles/ruleSets/rules", false)
	if !slices.ContainsFunc(rules, func(r bicepResource) bool {
		return strings.Contains(r.body, "in rewrites:") && strings.Contains(r.body, "'UrlRewrite'") &&
			strings.Contains(r.body, "'UrlPath'") && strings.Contains(r.body, "operator: 'RegEx'") &&
			strings.Contains(r.body, "rw.pattern") && strings.Contains(r.body, "rw.destination")
	}) {
		add("%s: no rule loops over var rewrites with a UrlPath RegEx condition and a UrlRewrite action", c.FrontDoorBicep)
	}

	// The site root: a 302 to the console, as the devhost answers.
	if !slices.ContainsFunc(rules, func(r bicepResource) bool { return redirectsRoot(r.body, devhost.RootRedirect) }) {
		add("%s: no rule redirects the site root (a UrlPath RegEx matching the empty path) with a 302 UrlRedirect (redirectType 'Found') to customPath '%s', keeping the query (shared/devhost.RootRedirect)",
			c.FrontDoorBicep, devhost.RootRedirect)
	}

	// The security headers, CSP first: devhost's, with the poster origin.
	const origin = "${imageOrigin}"
	csp := ""
	if m := regexp.MustCompile(`(?m)^var csp = '((?:[^'\\\n]|\\.)*)'`).FindStringSubmatch(fd); m != nil {
		csp = unquoteBicep(m[1])
	}
	if wantCSP := devhost.ContentSecurityPolicy(origin); csp != wantCSP {
		add("%s: var csp (Content-Security-Policy) is %q; the devhost sends %q (shared/devhost.ContentSecurityPolicy)", c.FrontDoorBicep, csp, wantCSP)
	}
	var headers [][2]string
	for _, m := range headerEntry.FindAllStringSubmatch(bicepBlock(fd, "var securityHeaders = ["), -1) {
		v := m[2]
		if v == "csp" {
			v = csp
		} else {
			v = unquoteBicep(strings.Trim(v, "'"))
		}
		headers = append(headers, [2]string{m[1], v})
	}
	if wantHeaders := devhost.SecurityHeaders(origin); !slices.Equal(headers, wantHeaders) {
		add("%s: var securityHeaders is %q; the devhost sends %q (shared/devhost.SecurityHeaders)", c.FrontDoorBicep, headers, wantHeaders)
	}
	if !slices.ContainsFunc(rules, func(r bicepResource) bool {
		return strings.Contains(r.body, "in securityHeaders:") && strings.Contains(r.body, "'ModifyResponseHeader'")
	}) {
		add("%s: no rule sets var securityHeaders with ModifyResponseHeader actions", c.FrontDoorBicep)
	}

	// The WAF: the profile's tier, Prevention, a rate limit on POST …/participate, linked.
	wafs := resourcesOfType(res, "Microsoft.Network/FrontDoorWebApplicationFirewallPolicies", false)
	if len(wafs) != 1 {
		add("%s: want one FrontDoorWebApplicationFirewallPolicies resource, found %d", c.FrontDoorBicep, len(wafs))
	}
	for _, w := range wafs {
		if m := skuExpr.FindStringSubmatch(w.body); m == nil || m[1] != profileSku {
			add("%s: WAF policy %s is not of the profile's tier (sku: { name: %s })", c.FrontDoorBicep, w.symbol, profileSku)
		}
		if !strings.Contains(w.body, "mode: 'Prevention'") {
			add("%s: WAF policy %s is not in Prevention mode", c.FrontDoorBicep, w.symbol)
		}
		limited := false
		for _, rule := range objectsIn(field(w.body, "rules")) {
			if strings.Contains(rule, "ruleType: 'RateLimitRule'") && strings.Contains(rule, "action: 'Block'") &&
				regexp.MustCompile(`matchVariable: 'RequestMethod'[^}]*matchValue: \['POST'\]`).MatchString(rule) &&
				regexp.MustCompile(`matchVariable: 'RequestUri', operator: 'Contains'[^}]*matchValue: \['/participate'\]`).MatchString(rule) &&
				regexp.MustCompile(`rateLimitDurationInMinutes: \d`).MatchString(rule) && strings.Contains(rule, "rateLimitThreshold:") {
				limited = true
			}
		}
		if !limited {
			add("%s: WAF policy %s has no RateLimitRule blocking POST with RequestUri containing '/participate'", c.FrontDoorBicep, w.symbol)
		}
		linked := false
		for _, sp := range resourcesOfType(res, "Microsoft.Cdn/profiles/securityPolicies", false) {
			if strings.Contains(sp.body, "type: 'WebApplicationFirewall'") && strings.Contains(sp.body, "wafPolicy: { id: "+w.symbol+".id }") {
				linked = true
			}
		}
		if !linked {
			add("%s: no securityPolicies resource links WAF policy %s to the endpoint", c.FrontDoorBicep, w.symbol)
		}
	}

	// The address customers get.
	if line := regexp.MustCompile(`(?m)^\s*PUBLIC_WEB_URL:.*$`).FindString(main); !strings.Contains(line, "frontDoor.outputs.endpointHostName") {
		add("%s: PUBLIC_WEB_URL must default to https://<Front Door endpoint host> (frontDoor.outputs.endpointHostName), is %q", c.MainBicep, strings.TrimSpace(line))
	}
}

// redirectsRoot reports whether a rule's body is the root redirect: a
// UrlPath RegEx condition whose every pattern matches the root (the empty
// path, as Front Door sees it) and no page path, and a UrlRedirect action,
// 302, to path `to`, without a custom query string (so the query is kept).
// skuExpr takes the expression of a `sku: { name: … }`.
var skuExpr = regexp.MustCompile(`sku:\s*\{\s*name:\s*([^}\s]+)\s*\}`)

func redirectsRoot(body, to string) bool {
	if !strings.Contains(body, "name: 'UrlRedirect'") || !strings.Contains(body, "redirectType: 'Found'") ||
		!strings.Contains(body, "customPath: '"+to+"'") || strings.Contains(body, "customQueryString") ||
		!strings.Contains(body, "name: 'UrlPath'") || !strings.Contains(body, "operator: 'RegEx'") ||
		strings.Contains(body, "negateCondition: true") {
		return false
	}
	patterns := stringsIn(field(body, "matchValues"))
	if len(patterns) == 0 {
		return false
	}
	for _, p := range patterns {
		re, err := regexp.Compile(p)
		if err != nil || !re.MatchString("") {
			return false
		}
		for _, page := range []string{"app", "app/", "e/x", "index.html", "assets/a.js"} {
			if re.MatchString(page) {
				return false
			}
		}
	}
	return true
}

var (
	bicepResourceDecl = regexp.MustCompile(`(?m)^(?:@\w+\([^)]*\)\s*\n)*resource\s+(\w+)\s+'([^'@]+)@[^']+'\s*=\s*(existing\s*=\s*)?`)
	rewriteEntry      = regexp.MustCompile(`\{\s*name:\s*'(\w+)',\s*pattern:\s*'((?:[^'\\]|\\.)*)',\s*destination:\s*'((?:[^'\\]|\\.)*)'\s*\}`)
	headerEntry       = regexp.MustCompile(`\{\s*name:\s*'([A-Za-z-]+)',\s*value:\s*('(?:[^'\\]|\\.)*'|\w+)\s*\}`)
)

type bicepResource struct {
	symbol, typ, body string
	existing          bool
}

// bicepResources lists a file's resource declarations with their bodies.
func bicepResources(text string) []bicepResource {
	var out []bicepResource
	for _, m := range bicepResourceDecl.FindAllStringSubmatchIndex(text, -1) {
		open := m[1]
		for open < len(text) && text[open] != '{' && text[open] != '[' {
			open++
		}
		out = append(out, bicepResource{symbol: text[m[2]:m[3]], typ: text[m[4]:m[5]], existing: m[6] >= 0, body: bicepSpan(text, open)})
	}
	return out
}

func resourcesOfType(res []bicepResource, typ string, existing bool) []bicepResource {
	var out []bicepResource
	for _, r := range res {
		if strings.EqualFold(r.typ, typ) && r.existing == existing {
			out = append(out, r)
		}
	}
	return out
}

// bicepBlock is the bracketed text that follows opener ("" if none).
func bicepBlock(text, opener string) string {
	i := strings.Index(text, opener)
	if i < 0 {
		return ""
	}
	return bicepSpan(text, i+len(opener)-1)
}

// field is the bracketed value of the first `name: [` or `name: {`.
func field(body, name string) string {
	m := regexp.MustCompile(`\b` + name + `:\s*[\[{]`).FindStringIndex(body)
	if m == nil {
		return ""
	}
	return bicepSpan(body, m[1]-1)
}

// stringsIn lists the quoted strings of a bracketed value.
func stringsIn(s string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`'((?:[^'\\]|\\.)*)'`).FindAllStringSubmatch(s, -1) {
		out = append(out, unquoteBicep(m[1]))
	}
	return out
}

// objectsIn lists the top-level { ... } objects of an array.
func objectsIn(array string) []string {
	var out []string
	for i := 1; i < len(array); i++ {
		if array[i] == '{' {
			obj := bicepSpan(array, i)
			out = append(out, obj)
			i += len(obj) - 1
		}
	}
	return out
}

// bicepSpan returns text[open:] up to the bracket closing text[open],
// skipping comments and strings, single-line and multi-line (three quotes).
func bicepSpan(text string, open int) string {
	if open < 0 || open >= len(text) {
		return ""
	}
	depth := 0
	for i := open; i < len(text); i++ {
		switch {
		case strings.HasPrefix(text[i:], "'''"):
			end := strings.Index(text[i+3:], "'''")
			if end < 0 {
				return ""
			}
			i += end + 5
		case text[i] == '\'':
			for i++; i < len(text) && text[i] != '\''; i++ {
				if text[i] == '\\' {
					i++
				}
			}
		case strings.HasPrefix(text[i:], "//"):
			for i < len(text) && text[i] != '\n' {
				i++
			}
		case text[i] == '{' || text[i] == '[' || text[i] == '(':
			depth++
		case text[i] == '}' || text[i] == ']' || text[i] == ')':
			depth--
			if depth == 0 {
				return text[open : i+1]
			}
		}
	}
	return ""
}

// unquoteBicep undoes a single-quoted Bicep string's escapes.
func unquoteBicep(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			default: // \' \\ \$
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
