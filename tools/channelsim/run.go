package channelsim

import (
	"context"
	"flag"
	"io"
	"log/slog"

	"github.com/eventmkt/backend/shared/logging"
)

// Run is `handler channel-sim`: the simulator on -addr until ctx ends.
func Run(ctx context.Context, args []string, stdout io.Writer) error {
	def := DefaultOptions()
	fs := flag.NewFlagSet("channel-sim", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:7072", "address to listen on")
	fs.DurationVar(&def.LatencyMin, "latency-min", def.LatencyMin, "shortest answer time")
	fs.DurationVar(&def.LatencyMax, "latency-max", def.LatencyMax, "longest answer time")
	fs.Float64Var(&def.FailureRate, "fail", def.FailureRate, "probability of a transient 503 per call")
	if err := fs.Parse(args); err != nil {
		return err
	}
	return ListenAndServe(ctx, *addr, def, logging.New(stdout, slog.LevelInfo))
}
