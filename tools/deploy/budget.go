package deploy

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// The connection budget (docs/deploy.md, "Connection budget"): on Azure the
// function app scales out and the Postgres server does not, so the templates
// must make the worst case fit by construction.
//
//   - maximumInstanceCount applies per scaling group: every HTTP function
//     together is one group, each Service Bus-triggered function is its own,
//     and each timer runs on one instance. Client connections at full
//     scale-out are (1 + queue functions) × maximumInstanceCount ×
//     POSTGRES_MAX_CONNS + timers × POSTGRES_MAX_CONNS.
//   - General Purpose and Memory Optimized: the app goes through the built-in
//     PgBouncer (transaction mode), so that sum must fit
//     pgbouncer.max_client_conn, and PgBouncer's server connections
//     (default_pool_size) plus the direct ones must fit max_connections.
//   - Burstable has no PgBouncer: the sum itself must fit max_connections.
//
// max_connections is Azure's default per SKU; Azure keeps 15 of them for
// itself, and directHeadroom more are left for the direct URL (migrations,
// an operator's psql).

// azureMaxConnections are Flexible Server's default max_connections per SKU
// (learn.microsoft.com, "Limits in Azure Database for PostgreSQL flexible
// server").
var azureMaxConnections = map[string]int{
	"Standard_B1ms": 50, "Standard_B2s": 429, "Standard_B2ms": 859, "Standard_B4ms": 1718, "Standard_B8ms": 3437,
	"Standard_D2s_v3": 859, "Standard_D2ds_v4": 859, "Standard_D2ds_v5": 859, "Standard_D4ds_v5": 1718, "Standard_D8ds_v5": 3437,
	"Standard_E2ds_v5": 1718, "Standard_E4ds_v5": 3437,
}

const (
	azureReservedConnections = 15
	directHeadroom           = 10
)

var (
	paramValue     = regexp.MustCompile(`^param\s+(\w+)\s*=\s*(.+?)\s*$`)
	paramDefault   = regexp.MustCompile(`(?m)^param\s+(\w+)\s+\w+\s*=\s*(.+?)\s*$`)
	bicepSetting   = regexp.MustCompile(`\{\s*name:\s*'(pgbouncer\.[a-z_]+)',\s*value:\s*'([^']*)'\s*\}`)
	postgresURLRef = regexp.MustCompile(`'postgres-url':\s*'[^\n]*:\$\{postgres\.outputs\.appPort\}/`)
	directURLRef   = regexp.MustCompile(`'postgres-direct-url':\s*'[^\n]*:\$\{postgres\.outputs\.directPort\}/`)
)

// checkConnectionBudget adds an error for every parameter file whose worst
// case does not fit, and for a PgBouncer or app setting that would break
// transaction pooling.
func (c InfraCheck) checkConnectionBudget(read func(string) string, add func(string, ...any), queueFunctions, timerFunctions int) {
	if c.PostgresBicep == "" {
		return
	}
	main, pg := read(c.MainBicep), read(c.PostgresBicep)
	settings := map[string]string{}
	for _, m := range bicepSetting.FindAllStringSubmatch(pg, -1) {
		settings[m[1]] = m[2]
	}
	for name, want := range map[string]string{"pgbouncer.enabled": "true", "pgbouncer.pool_mode": "transaction"} {
		if settings[name] != want {
			add("%s: PgBouncer setting %s is %q, want %q", c.PostgresBicep, name, settings[name], want)
		}
	}
	app := block(main, "var appSettings = {")
	mode := ""
	if m := regexp.MustCompile(`(?m)^\s*POSTGRES_EXEC_MODE:\s*'([^']*)'`).FindStringSubmatch(app); m != nil {
		mode = m[1]
	}
	if mode == "" || mode == "cache_statement" && settings["pgbouncer.max_prepared_statements"] == "0" {
		add("%s: POSTGRES_EXEC_MODE %q does not work through PgBouncer with max_prepared_statements %q (use cache_describe)", c.MainBicep, mode, settings["pgbouncer.max_prepared_statements"])
	}
	if !postgresURLRef.MatchString(main) {
		add("%s: the postgres-url secret must use postgres.outputs.appPort (PgBouncer's 6432 where there is one)", c.MainBicep)
	}
	if !directURLRef.MatchString(main) || !strings.Contains(app, "secrets/postgres-direct-url") {
		add("%s: POSTGRES_DIRECT_URL must be the postgres-direct-url secret on postgres.outputs.directPort", c.MainBicep)
	}

	defaults := map[string]string{}
	for _, m := range paramDefault.FindAllStringSubmatch(main, -1) {
		defaults[m[1]] = m[2]
	}
	for _, pf := range c.ParamFiles {
		values := map[string]string{}
		for k, v := range defaults {
			values[k] = v
		}
		for _, line := range strings.Split(read(pf), "\n") {
			if m := paramValue.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
				values[m[1]] = m[2]
			}
		}
		num := func(name string) int {
			n, err := strconv.Atoi(values[name])
			if err != nil {
				add("%s: %s is %q, not a number the budget check can read", pf, name, values[name])
			}
			return n
		}
		sku, tier := strings.Trim(values["postgresSku"], "'"), strings.Trim(values["postgresTier"], "'")
		instances, pool := num("maximumInstanceCount"), num("postgresMaxConns")
		clients := (1+queueFunctions)*instances*pool + timerFunctions*pool
		maxConns, ok := azureMaxConnections[sku]
		if !ok {
			add("%s: postgresSku %s has no known max_connections (add it to tools/deploy azureMaxConnections)", pf, sku)
			continue
		}
		usable := maxConns - azureReservedConnections - directHeadroom
		what := fmt.Sprintf("(1 HTTP group + %d queue functions) × %d instances × %d + %d timers × %d = %d client connections", queueFunctions, instances, pool, timerFunctions, pool, clients)
		if tier == "Burstable" {
			if clients > usable {
				add("%s: connection budget: %s, directly on %s (no PgBouncer on Burstable), above its %d usable of max_connections %d", pf, what, sku, usable, maxConns)
			}
			continue
		}
		if mc := num("postgresPgBouncerMaxClientConn"); clients > mc {
			add("%s: connection budget: %s, above PgBouncer's max_client_conn %d", pf, what, mc)
		}
		if ps := num("postgresPgBouncerPoolSize"); ps > usable {
			add("%s: connection budget: PgBouncer's pool of %d server connections is above %s's %d usable of max_connections %d", pf, ps, sku, usable, maxConns)
		}
	}
}
