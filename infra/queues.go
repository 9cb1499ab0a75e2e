// Package infra carries the one deployment table Go code needs at run time:
// queues.json, the queues and their settings. It lives beside the Bicep that
// loads the same file (loadJsonContent in bicep/modules/servicebus.bicep) and
// is embedded so the handler binary finds it wherever it is packaged.
// shared/queue parses and validates it (queue.ParseTable).
package infra

import _ "embed"

// QueuesJSON is infra/queues.json as built into the binary.
//
//go:embed queues.json
var QueuesJSON []byte
