package queue

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Settings are one queue's Service Bus properties as infra/queues.json
// declares them. The Bicep creates the queues from that file and the local
// host applies the same values, so a setting cannot differ between the two.
type Settings struct {
	Name string
	// MaxDeliveryCount: deliveries before the message is dead-lettered.
	MaxDeliveryCount int
	// LockDuration: how long a delivery may run before the lock expires and
	// the message is delivered again.
	LockDuration time.Duration
	// TTL (defaultMessageTimeToLive): a message not completed by
	// EnqueuedAt+TTL expires.
	TTL time.Duration
	// DeadLetterOnExpiry (deadLetteringOnMessageExpiration): an expired
	// message goes to the dead-letter queue instead of being dropped.
	DeadLetterOnExpiry bool
	// DuplicateWindow (duplicateDetectionHistoryTimeWindow): a message id
	// seen within it is accepted and dropped.
	DuplicateWindow time.Duration
}

// Table is the queue table by queue name.
type Table map[string]Settings

// Names lists the table's queues in no particular order.
func (t Table) Names() []string {
	out := make([]string, 0, len(t))
	for n := range t {
		out = append(out, n)
	}
	return out
}

// Service Bus limits the table must stay within, so a value that passes here
// does not fail the deployment.
const (
	maxLockDuration = 5 * time.Minute
	minLockDuration = 5 * time.Second
	minDupWindow    = 20 * time.Second
	maxDupWindow    = 7 * 24 * time.Hour
)

// ParseTable reads infra/queues.json and rejects a table Service Bus would
// refuse: a missing or repeated name, a delivery count below 1, a lock outside
// 5 s..5 min, a TTL that is not positive, a duplicate window outside
// 20 s..7 days, or a duration that is not ISO 8601.
func ParseTable(data []byte) (Table, error) {
	var doc struct {
		Queues []struct {
			Name                                string `json:"name"`
			LockDuration                        string `json:"lockDuration"`
			MaxDeliveryCount                    int    `json:"maxDeliveryCount"`
			DefaultMessageTimeToLive            string `json:"defaultMessageTimeToLive"`
			DeadLetteringOnMessageExpiration    bool   `json:"deadLetteringOnMessageExpiration"`
			DuplicateDetectionHistoryTimeWindow string `json:"duplicateDetectionHistoryTimeWindow"`
		} `json:"queues"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("queue table: %w", err)
	}
	if len(doc.Queues) == 0 {
		return nil, errors.New("queue table: no queues")
	}
	t := Table{}
	var errs []error
	for i, q := range doc.Queues {
		bad := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("queue table: queue %d (%q): %s", i, q.Name, fmt.Sprintf(format, args...)))
		}
		if q.Name == "" {
			bad("no name")
			continue
		}
		if _, dup := t[q.Name]; dup {
			bad("listed twice")
			continue
		}
		s := Settings{Name: q.Name, MaxDeliveryCount: q.MaxDeliveryCount, DeadLetterOnExpiry: q.DeadLetteringOnMessageExpiration}
		if s.MaxDeliveryCount < 1 {
			bad("maxDeliveryCount %d, want at least 1", q.MaxDeliveryCount)
		}
		var err error
		if s.LockDuration, err = ParseISODuration(q.LockDuration); err != nil {
			bad("lockDuration: %v", err)
		} else if s.LockDuration < minLockDuration || s.LockDuration > maxLockDuration {
			bad("lockDuration %s is outside Service Bus's 5 s..5 min", q.LockDuration)
		}
		if s.TTL, err = ParseISODuration(q.DefaultMessageTimeToLive); err != nil {
			bad("defaultMessageTimeToLive: %v", err)
		} else if s.TTL <= 0 {
			bad("defaultMessageTimeToLive must be positive")
		}
		if s.DuplicateWindow, err = ParseISODuration(q.DuplicateDetectionHistoryTimeWindow); err != nil {
			bad("duplicateDetectionHistoryTimeWindow: %v", err)
		} else if s.DuplicateWindow < minDupWindow || s.DuplicateWindow > maxDupWindow {
			bad("duplicateDetectionHistoryTimeWindow %s is outside Service Bus's 20 s..7 days", q.DuplicateDetectionHistoryTimeWindow)
		}
		t[q.Name] = s
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return t, nil
}

// isoDuration is the ISO 8601 duration subset Service Bus and Bicep write:
// days, then a time part of hours, minutes and (fractional) seconds.
var isoDuration = regexp.MustCompile(`^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$`)

// ParseISODuration reads durations like PT30S, PT5M, P7D, P1DT12H.
// Years, months and weeks are refused: their length is not fixed.
func ParseISODuration(s string) (time.Duration, error) {
	m := isoDuration.FindStringSubmatch(s)
	if m == nil || s == "P" || s[len(s)-1] == 'T' {
		return 0, fmt.Errorf("%q is not an ISO 8601 duration like PT1M or P7D", s)
	}
	var d time.Duration
	for i, unit := range []time.Duration{24 * time.Hour, time.Hour, time.Minute} {
		if m[i+1] != "" {
			n, err := strconv.ParseInt(m[i+1], 10, 64)
			if err != nil {
				return 0, fmt.Errorf("%q: %w", s, err)
			}
			d += time.Duration(n) * unit
		}
	}
	if m[4] != "" {
		f, err := strconv.ParseFloat(m[4], 64)
		if err != nil {
			return 0, fmt.Errorf("%q: %w", s, err)
		}
		d += time.Duration(f * float64(time.Second))
	}
	return d, nil
}
