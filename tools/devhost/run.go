package devhost

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/eventmkt/backend/infra"
	"github.com/eventmkt/backend/shared/config"
	"github.com/eventmkt/backend/shared/queue"
	"github.com/eventmkt/backend/shared/redis"
)

// Run is `handler devhost`: the local Functions host over the script root,
// starting this same binary as the custom handler. The handler's environment
// is local.settings.json's Values (the example's when there is none) with
// the process environment laid over them, as with Core Tools.
func Run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("devhost", flag.ContinueOnError)
	root := fs.String("root", ".", "script root: host.json and functions/")
	addr := fs.String("addr", "127.0.0.1:7071", "HTTP listen address")
	exe := fs.String("handler", "", "custom handler executable (default: this binary)")
	web := fs.String("web", "", "the built web app served beside the API (default: dist/web under -root; `make web` builds it)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stdout, &slog.HandlerOptions{Level: slog.LevelInfo}))
	values, err := config.ReadLocalSettings(config.LocalSettingsPath(*root))
	if err != nil {
		return err
	}
	env := make([]string, 0, len(values)+len(os.Environ()))
	for k, v := range values {
		env = append(env, k+"="+v)
	}
	env = append(env, os.Environ()...) // later entries win
	get := func(name string) string {
		if v, ok := os.LookupEnv(name); ok {
			return v
		}
		return values[name]
	}
	rdb, err := redis.Open(get("REDIS_URL"), get("REDIS_CLUSTER") == "true")
	if err != nil {
		return fmt.Errorf("devhost: setting REDIS_URL: %w", err)
	}
	defer rdb.Close()
	handlerExe := *exe
	if handlerExe == "" {
		if handlerExe, err = os.Executable(); err != nil {
			return err
		}
	}
	queues, err := queue.ParseTable(infra.QueuesJSON)
	if err != nil {
		return fmt.Errorf("devhost: %w", err)
	}
	for _, old := range []string{"DEVHOST_MAX_DELIVERY_COUNT", "DEVHOST_LOCK_DURATION_SECONDS"} {
		if get(old) != "" {
			log.Warn("devhost: setting "+old+" is ignored: every queue's delivery count, lock and TTL come from infra/queues.json, as in Azure", "setting", old)
		}
	}
	var functionKeys []string
	for _, k := range strings.Split(get("DEVHOST_FUNCTION_KEYS"), ",") {
		if k = strings.TrimSpace(k); k != "" {
			functionKeys = append(functionKeys, k)
		}
	}
	host, err := New(Options{
		Root:         *root,
		Handler:      handlerExe,
		Addr:         *addr,
		Env:          env,
		Redis:        rdb,
		QueuePrefix:  queue.LocalPrefix,
		Queues:       queues,
		FunctionKeys: functionKeys,
		MasterKey:    get("DEVHOST_MASTER_KEY"),
		Log:          log,
		WebDir:       *web,
		ImageOrigin:  ImageOrigin(get("IMAGE_BASE_URL"), get("STORAGE_CONNECTION_STRING"), get("STORAGE_ACCOUNT_NAME")),
	})
	if err != nil {
		return err
	}
	return host.Run(ctx)
}
