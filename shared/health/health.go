// Package health probes the app's dependencies for the Health function, so
// an operator (and Azure's health check) can see which one is down.
package health

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Probe checks one dependency; nil means it answered.
type Probe struct {
	Name  string
	Check func(ctx context.Context) error
}

// Result is one probe's outcome. The error stays in the logs: the health
// endpoint is anonymous and must not leak internals.
type Result struct {
	Status    string `json:"status"` // ok or down
	LatencyMs int64  `json:"latencyMs"`
}

// Report is the whole picture.
type Report struct {
	Status string            `json:"status"` // ok when every probe is ok
	Checks map[string]Result `json:"checks"`
}

// OK reports whether every dependency answered.
func (r Report) OK() bool { return r.Status == "ok" }

// Checker runs the probes concurrently, each within a timeout, so one hung
// dependency cannot make the health check itself hang.
type Checker struct {
	probes  []Probe
	timeout time.Duration
	log     *slog.Logger
}

// NewChecker returns a checker over the given probes.
func NewChecker(log *slog.Logger, timeout time.Duration, probes ...Probe) *Checker {
	return &Checker{probes: probes, timeout: timeout, log: log}
}

// Run probes every dependency and reports.
func (c *Checker) Run(ctx context.Context) Report {
	report := Report{Status: "ok", Checks: make(map[string]Result, len(c.probes))}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, p := range c.probes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pctx, cancel := context.WithTimeout(ctx, c.timeout)
			defer cancel()
			start := time.Now()
			err := p.Check(pctx)
			res := Result{Status: "ok", LatencyMs: time.Since(start).Milliseconds()}
			if err != nil {
				res.Status = "down"
				c.log.WarnContext(ctx, "health: dependency down", "dependency", p.Name, "error", err)
			}
			mu.Lock()
			defer mu.Unlock()
			report.Checks[p.Name] = res
			if err != nil {
				report.Status = "down"
			}
		}()
	}
	wg.Wait()
	return report
}
