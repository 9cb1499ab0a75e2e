// Command handler is the whole event-marketing backend as one Azure Functions
// custom handler, plus the tools that run beside it (tools/: the local host,
// the channel simulator, the bench, packaging, proof verification, the
// analytics rebuild). This file holds only the subcommand table, the serve
// loop and migrate; app.New wires the app for serve, the tests and the bench
// alike.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
	_ "time/tzdata" // event time zones must resolve on any host image

	"github.com/jackc/pgx/v5"

	"github.com/eventmkt/backend/app"
	"github.com/eventmkt/backend/handlers"
	"github.com/eventmkt/backend/shared/config"
	"github.com/eventmkt/backend/shared/logging"
	"github.com/eventmkt/backend/shared/postgres"
	"github.com/eventmkt/backend/tools/bench"
	"github.com/eventmkt/backend/tools/channelsim"
	"github.com/eventmkt/backend/tools/deploy"
	"github.com/eventmkt/backend/tools/devhost"
	"github.com/eventmkt/backend/tools/rebuild"
	"github.com/eventmkt/backend/tools/verifydraw"
)

// command is one subcommand: its usage line and what runs it. Every tool
// lives in its own package under tools/ with the same Run signature.
type command struct {
	name, usage string
	run         func(ctx context.Context, args []string, stdout io.Writer) error
}

// commands is the subcommand table; "" (no argument) is how the Functions
// host starts us.
func commands() []command {
	return []command{
		{"serve", "serve [-local]   serve the functions on 127.0.0.1:$FUNCTIONS_CUSTOMHANDLER_PORT (the default; -local reads settings missing from the environment from local.settings.json(.example))", serve},
		{"migrate", "migrate   apply pending schema migrations to POSTGRES_URL, creating the database if missing", migrate},
		{"devhost", "devhost   run the app locally the way Azure Functions does (HTTP on :7071, timers, queues), with the web app (dist/web) on the same origin", devhost.Run},
		{"package", "package   -exe PATH -out dist/app.zip: zip host.json, the linux handler and functions/* for a zip deploy", withName("package", deploy.Run)},
		{"stage", "stage     -exe PATH -dir dist/stage: the same layout as a folder, for func start or the devhost", withName("stage", deploy.Run)},
		{"verify-draw", "verify-draw FILE|URL   recompute a draw proof bundle and print OK or the first mismatch", verifydraw.Run},
		{"bench", "bench [SUITE...]   run the performance suites (login plan posters jobs submit draw instances distribution analytics lighthouse webverify pgcost) and print the table", bench.Run},
		{"analytics-rebuild", "analytics-rebuild -event ID   recompute an event's stats from the raw analytics log", rebuild.Run},
		{"channel-sim", "channel-sim [-addr 127.0.0.1:7072] [-latency-min D] [-latency-max D] [-fail P]\n            play the six channels' remote APIs locally (make run starts it)", channelsim.Run},
	}
}

// withName gives a tool that serves several commands the one it runs as.
func withName(name string, run func(context.Context, []string, io.Writer) error) func(context.Context, []string, io.Writer) error {
	return func(ctx context.Context, args []string, stdout io.Writer) error {
		return run(ctx, append([]string{name}, args...), stdout)
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, "usage: handler [command]\n\ncommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %s\n", c.usage)
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "handler:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return serve(ctx, nil, stdout)
	}
	switch args[0] {
	case "help", "-h", "--help":
		usage(stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout)
		}
	}
	usage(stderr)
	return fmt.Errorf("unknown command %q", args[0])
}

// serve runs the custom handler. Nothing here waits for a dependency: the
// port is open within milliseconds and Health reports what is down.
func serve(ctx context.Context, args []string, stdout io.Writer) error {
	local := len(args) > 0 && args[0] == "-local"
	port, err := strconv.Atoi(os.Getenv("FUNCTIONS_CUSTOMHANDLER_PORT"))
	if err != nil || port <= 0 || port > 65535 {
		return errors.New("setting FUNCTIONS_CUSTOMHANDLER_PORT: missing or not a port (the Functions host sets it)")
	}
	lookup := config.Env()
	if local {
		if lookup, err = config.WithLocalSettings(config.LocalSettingsPath(".")); err != nil {
			return err
		}
	}
	cfg, err := config.Load(lookup)
	if err != nil {
		return err
	}
	log := logging.New(stdout, cfg.LogLevel)
	a, err := app.New(ctx, cfg, app.Options{Log: log})
	if err != nil {
		return err
	}
	defer a.Close()
	server := handlers.New(a)

	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{
		Handler:           server,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("handler listening", "addr", ln.Addr().String(), "functions", len(server.Functions()), "broker", cfg.QueueBroker)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 4*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

// migrate applies the migrations. Settings come from the environment, then
// local.settings.json (or its example) in the working directory. It connects
// to POSTGRES_DIRECT_URL (the server's own port: the migrator holds a session
// advisory lock, which PgBouncer in transaction mode cannot keep), falling
// back to POSTGRES_URL.
func migrate(ctx context.Context, _ []string, stdout io.Writer) error {
	lookup, err := config.WithLocalSettings(config.LocalSettingsPath("."))
	if err != nil {
		lookup = config.Env()
	}
	url, ok := lookup("POSTGRES_DIRECT_URL")
	if !ok || url == "" {
		url, ok = lookup("POSTGRES_URL")
	}
	if !ok || url == "" {
		return errors.New("setting POSTGRES_URL: missing")
	}
	log := logging.New(stdout, slog.LevelInfo)
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	if err := postgres.EnsureDatabase(ctx, url); err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return fmt.Errorf("migrate: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	applied, err := postgres.Migrate(ctx, conn, log)
	if err != nil {
		return err
	}
	log.Info("migrations up to date", "applied", len(applied))
	return nil
}
