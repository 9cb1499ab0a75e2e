// Package rebuild is `handler analytics-rebuild`: it recomputes one event's
// stats from the raw analytics log, for an operator repairing figures by
// hand. It builds the app with app.New, so it reads the same settings and
// keys as the served app.
package rebuild

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/app"
	"github.com/eventmkt/backend/shared/config"
	"github.com/eventmkt/backend/shared/logging"
)

// Run rebuilds the stats of the event named by -event. Settings come from
// the environment, then local.settings.json (or its example) in the working
// directory.
func Run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("analytics-rebuild", flag.ContinueOnError)
	id := fs.String("event", "", "the event id")
	if err := fs.Parse(args); err != nil {
		return err
	}
	eventID, err := uuid.Parse(*id)
	if err != nil {
		return fmt.Errorf("analytics-rebuild: -event must be an event id: %w", err)
	}
	lookup, err := config.WithLocalSettings(config.LocalSettingsPath("."))
	if err != nil {
		lookup = config.Env()
	}
	cfg, err := config.Load(lookup)
	if err != nil {
		return err
	}
	a, err := app.New(ctx, cfg, app.Options{Log: logging.New(stdout, cfg.LogLevel)})
	if err != nil {
		return err
	}
	defer a.Close()
	n, err := a.Analytics.Rebuild(ctx, eventID)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "rebuilt the stats of %s from %d raw rows\n", eventID, n)
	return nil
}
