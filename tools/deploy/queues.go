package deploy

import (
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/eventmkt/backend/shared/queue"
)

// tableSettings are the Service Bus queue properties infra/queues.json
// carries; the Bicep must pass each one through from the table, so the
// local host (which reads the same table) and Azure cannot disagree.
var tableSettings = []string{"lockDuration", "maxDeliveryCount", "defaultMessageTimeToLive", "deadLetteringOnMessageExpiration", "duplicateDetectionHistoryTimeWindow"}

var (
	loadJSON      = regexp.MustCompile(`(?m)^var\s+(\w+)\s*=\s*loadJsonContent\('([^']+)'\)\.queues\s*$`)
	queueResource = regexp.MustCompile(`resource\s+\w+\s+'Microsoft\.ServiceBus/namespaces/queues@[^']+'\s*=\s*\[`)
	forLoop       = regexp.MustCompile(`^\[\s*for\s+(\w+)\s+in\s+(\w+)\s*:`)
)

// checkQueues checks the queue table, that every queue a function triggers
// on is in it (and every queue in it has a function), and that the Service
// Bus Bicep builds its queues from it: one `var x = loadJsonContent('<the
// table>').queues`, one queue resource looping over x, each setting taken
// from the loop variable, and no queue name or per-queue value written out.
func (c InfraCheck) checkQueues(read func(string) string, add func(string, ...any), funcQueues map[string]string) {
	table, err := queue.ParseTable([]byte(read(c.QueueTable)))
	if err != nil {
		add("%s: %v", c.QueueTable, err)
	}
	if table != nil {
		for _, q := range sortedKeys(funcQueues) {
			if _, ok := table[q]; !ok {
				add("queue %q (functions/%s) is not in the queue table %s", q, funcQueues[q], c.QueueTable)
			}
		}
		names := table.Names()
		slices.Sort(names)
		for _, q := range names {
			if _, ok := funcQueues[q]; !ok {
				add("queue %q in %s has no function triggered by it: its messages would only expire", q, c.QueueTable)
			}
		}
	}

	bicep := read(c.QueuesBicep)
	loads := loadJSON.FindAllStringSubmatch(bicep, -1)
	if len(loads) != 1 {
		add("%s: want one `var queues = loadJsonContent('<path to %s>').queues`, found %d", c.QueuesBicep, c.QueueTable, len(loads))
		return
	}
	tableVar, path := loads[0][1], loads[0][2]
	if got := filepath.Clean(filepath.Join(filepath.Dir(c.QueuesBicep), path)); got != filepath.Clean(c.QueueTable) {
		add("%s: loadJsonContent('%s') loads %s, not the queue table %s", c.QueuesBicep, path, got, c.QueueTable)
	}
	for _, q := range table.Names() {
		if strings.Contains(bicep, "'"+q+"'") {
			add("%s names queue %q itself: queues come only from %s", c.QueuesBicep, q, c.QueueTable)
		}
	}
	locs := queueResource.FindAllStringIndex(bicep, -1)
	if len(locs) != 1 {
		add("%s: want one Microsoft.ServiceBus/namespaces/queues resource (a loop over the table), found %d", c.QueuesBicep, len(locs))
		return
	}
	res := block(bicep[locs[0][1]-1:], "[")
	loop := forLoop.FindStringSubmatch(res)
	if loop == nil || loop[2] != tableVar {
		add("%s: the queue resource must be `[for q in %s: {...}]` over the table", c.QueuesBicep, tableVar)
		return
	}
	item := loop[1]
	if !regexp.MustCompile(`\bname:\s*` + item + `\.name\b`).MatchString(res) {
		add("%s: the queue resource's name is not %s.name from %s", c.QueuesBicep, item, c.QueueTable)
	}
	for _, setting := range tableSettings {
		m := regexp.MustCompile(`\b` + setting + `:\s*([^\s/]+)`).FindStringSubmatch(res)
		switch {
		case m == nil:
			add("%s: the queue resource does not set %s (take it from %s)", c.QueuesBicep, setting, c.QueueTable)
		case m[1] != item+"."+setting:
			add("%s: %s is %s, not taken from the queue table (%s.%s, %s)", c.QueuesBicep, setting, m[1], item, setting, c.QueueTable)
		}
	}
}
