// Package bench measures the performance targets of the issues against the
// local services, each figure beside a baseline measured in the same run, so
// the ratio means something on whatever machine runs it. `make bench` prints
// the table; no unit test is timed.
package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"slices"
	"text/tabwriter"
)

// Row is one measured figure.
type Row struct {
	Suite    string
	Figure   string
	Value    string
	Baseline string
	Ratio    string
	Target   string
}

// Suite measures one area and returns its rows.
type Suite struct {
	Name string
	Run  func(ctx context.Context, env *Env) ([]Row, error)
}

// suites lists every measured area; issues with performance targets add theirs.
func suites() []Suite {
	return []Suite{
		{Name: "login", Run: loginSuite},
		{Name: "plan", Run: planSuite},
		{Name: "posters", Run: renderSuite},
		{Name: "jobs", Run: jobSuite},
		{Name: "submit", Run: submitSuite},
		{Name: "draw", Run: drawSuite},
		{Name: "instances", Run: instancesSuite}, // issue 18: 300 pools through PgBouncer (instances.go)
		{Name: "distribution", Run: distributionSuite},
		{Name: "analytics", Run: analyticsSuite},
		{Name: "lighthouse", Run: lighthouseSuite},
		{Name: "webverify", Run: webVerifySuite},
		{Name: "pgcost", Run: pgcostSuite}, // issue 18: Postgres work per entry, burst (pgcost.go)
	}
}

// Run runs the named suites (all when none) against a scratch database and
// prints one table.
func Run(ctx context.Context, only []string, w io.Writer) error {
	env, err := newEnv(ctx)
	if err != nil {
		return err
	}
	if path := os.Getenv("BENCH_CPUPROFILE"); path != "" { // where the time goes, for tuning
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	defer env.Close(context.WithoutCancel(ctx))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "suite\tfigure\tvalue\tbaseline\tratio\ttarget")
	for _, s := range suites() {
		if len(only) > 0 && !slices.Contains(only, s.Name) {
			continue
		}
		rows, err := s.Run(ctx, env)
		if err != nil {
			return fmt.Errorf("bench %s: %w", s.Name, err)
		}
		for _, r := range rows {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Suite, r.Figure, r.Value, r.Baseline, r.Ratio, r.Target)
		}
	}
	return tw.Flush()
}
