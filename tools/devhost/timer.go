package devhost

import (
	"context"
	"time"
)

// pastDueAfter is how late a tick may fire, for reasons other than a run
// in progress, and still count as on time.
const pastDueAfter = time.Second

// runTimer fires fn on its schedule, in UTC, one run at a time. Ticks missed
// while a run overran collapse into one immediate run with IsPastDue, as on
// Azure; then the schedule resumes. ScheduleStatus is null on the first run
// (no monitor record yet), then says the previous and the current occurrence.
func (h *Host) runTimer(ctx context.Context, fn *Function) {
	var status *timerStatus
	if fn.RunOnStartup {
		h.fireTimer(ctx, fn, nil, false)
	}
	next := fn.Schedule.Next(time.Now().UTC())
	var lastEnd time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Until(next)):
		}
		// Past due: the tick came while the previous run still ran, or late.
		pastDue := lastEnd.After(next) || time.Since(next) > pastDueAfter
		h.fireTimer(ctx, fn, status, pastDue)
		now := time.Now().UTC()
		lastEnd = now
		status = &timerStatus{Last: next, LastUpdated: now}
		next = fn.Schedule.Next(next)
		for n := fn.Schedule.Next(next); !n.After(now); n = fn.Schedule.Next(n) {
			next = n // only the latest missed occurrence runs
		}
		status.Next = next
	}
}

// fireTimer invokes the timer function; runs of one function never overlap
// (an admin run waits for a scheduled one and vice versa).
func (h *Host) fireTimer(ctx context.Context, fn *Function, status *timerStatus, pastDue bool) {
	lock := h.timerLocks[fn.Name]
	lock.Lock()
	defer lock.Unlock()
	if _, err := h.invoke(ctx, fn, timerInvocation(fn, status, pastDue, time.Now())); err != nil && ctx.Err() == nil {
		h.log.Warn("devhost: timer invocation failed; it waits for its next tick", "function", fn.Name, "error", err)
	}
}
