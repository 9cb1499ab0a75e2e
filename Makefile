# The two commands for a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
GO ?= go
DIST := dist
LINUX_HANDLER := $(DIST)/linux-amd64/handler
PORT ?= 7071
SIM_PORT ?= 7072
SIM_LOG ?= channel-sim.log

.PHONY: help build test web-test web run migrate services services-stop package stage bench lint deps clean

help:
	@echo "make run      services + migrations + the app on http://127.0.0.1:$(PORT)"
	@echo "make test     services + every test (real Postgres, Redis, Azurite; the web pages in Chromium)"
	@echo "make build | web | web-test | migrate | package | stage | bench | lint | services | services-stop | clean"

deps:
	$(GO) mod download

build: deps
	$(GO) build -o bin/handler .

services:
	@scripts/services.sh up

services-stop:
	@scripts/services.sh stop

migrate: build services
	bin/handler migrate

# The customer's pages (web/: Vite + TypeScript + Preact) built into
# dist/web: the devhost serves them on :7071, docs/deploy.md uploads them to
# the static website behind Front Door. npm ci runs only when web/'s
# package-lock.json is newer than its node_modules (as scripts/services.sh
# does for the root package); npm itself comes with `make services`.
web:
	@command -v npm >/dev/null || { echo "npm is missing: run make services (it installs Node and npm)" >&2; exit 1; }
	@if [ ! -f web/node_modules/.package-lock.json ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then \
		echo "cd web && npm ci"; cd web && npm ci --no-audit --no-fund --loglevel=error; fi
	cd web && npm run build

# The local Functions host (tools/devhost) on :7071 runs bin/handler as the
# custom handler, fires the timers and delivers the queues from Redis, and
# serves the web app (dist/web) on the same origin, as Front Door does on
# Azure; the channel simulator on :7072 plays the six channels' remote APIs
# and NHN Cloud's SMS and AlimTalk APIs (docs/messaging.md).
run: migrate web
	@echo "devhost on http://127.0.0.1:$(PORT) (pages /e/{eventId}, API /api/v1/health), channel simulator on 127.0.0.1:$(SIM_PORT) (Ctrl-C to stop)"
	@bin/handler channel-sim -addr 127.0.0.1:$(SIM_PORT) > $(SIM_LOG) 2>&1 & sim=$$!; \
	trap 'kill $$sim 2>/dev/null' EXIT INT TERM; \
	bin/handler devhost -addr 127.0.0.1:$(PORT)

# -trimpath keeps the build cache independent of where the repository is:
# a fresh clone elsewhere (CI's) reuses the compiled race builds instead of
# spending minutes recompiling every package and dependency.
TESTFLAGS := -trimpath

# The first go test runs everything under the race detector but
# tools/deploy, which has no concurrency to check and whose package test
# zips a 25 MB handler: 10 s plain, 70 s under -race. The second and
# third check what pooling and a cluster change, not data races, so they run
# without -race (the race build made make test 18 min on 2 cores).
# The second go test reruns what writes entries, draws and the outbox through
# the local PgBouncer in transaction mode (scripts/services.sh, :6432), as the
# app reaches Azure's built-in PgBouncer: session state that would not survive
# transaction pooling fails here (docs/deploy.md, "Connection budget").
POOLED_TESTS := ./shared/postgres/... ./shared/participation/... ./shared/queue/... ./handlers
POOLED_RUN := 'TransactionPooling|GroupCommit|Draw|Submit|Particip|Entr|Outbox|Winner|Notify'
# The proof crowd test checks a Redis lock, not pooling; it runs in the first pass.
POOLED_SKIP := 'DrawProofIsBuiltOnceUnderACrowd'
# The third reruns every package that uses Redis against the local 3-master
# Redis Cluster (scripts/services.sh, :7001-7003; testenv.Redis then returns a
# cluster client): a multi-key command, transaction or script whose keys span
# hash slots fails with CROSSSLOT there, as on Azure Managed Redis with more
# than one shard (README, "Redis").
REDIS_CLUSTER_ADDRS := 127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003
REDIS_TESTS := ./shared/redis/... ./shared/analytics/... ./shared/event/... ./tools/devhost/... ./shared/phoneverify/... \
	./shared/queue/... ./shared/participation/... ./shared/user/... ./shared/distribution/... ./shared/recommend/... ./handlers
test: deps services
	@$(GO) mod tidy -diff || { echo "go.mod/go.sum are not tidy: run go mod tidy" >&2; exit 1; }
	$(GO) vet ./...
	$(GO) test $(TESTFLAGS) -race -count=1 -timeout 20m $$($(GO) list ./... | grep -v /tools/deploy)
	$(GO) test $(TESTFLAGS) -count=1 -timeout 5m ./tools/deploy/...
	TEST_POSTGRES_URL_POOLED='postgres://postgres@127.0.0.1:6432/postgres?sslmode=disable' \
		$(GO) test $(TESTFLAGS) -count=1 -timeout 10m -run $(POOLED_RUN) -skip $(POOLED_SKIP) $(POOLED_TESTS)
	TEST_REDIS_CLUSTER='$(REDIS_CLUSTER_ADDRS)' \
		$(GO) test $(TESTFLAGS) -count=1 -timeout 15m -skip $(POOLED_SKIP) $(REDIS_TESTS)
	@$(MAKE) --no-print-directory web-test

# The web app's unit tests and size budgets, then the public pages in
# Debian's Chromium against the real stack (web/e2e starts its own devhost,
# database and Redis database). SCREENS=1 also rewrites docs/screens/*.png.
web-test: services build web
	@scripts/services.sh browser
	cd web && npm test && npm run budget && npx tsc -p e2e && npx playwright test

package: deps
	GOOS=linux GOARCH=amd64 CGO_ENABLED=0 $(GO) build -trimpath -ldflags="-s -w" -o $(LINUX_HANDLER) .
	$(GO) run . package -exe $(LINUX_HANDLER) -out $(DIST)/app.zip

stage: deps
	GOOS=linux GOARCH=amd64 CGO_ENABLED=0 $(GO) build -trimpath -ldflags="-s -w" -o $(LINUX_HANDLER) .
	$(GO) run . stage -exe $(LINUX_HANDLER) -dir $(DIST)/stage

bench: services build web
	@scripts/services.sh browser
	bin/handler bench

# go.mod must be tidy: a direct dependency marked indirect, or one left over,
# fails here (go mod tidy -diff prints what tidy would change).
lint: deps
	@$(GO) mod tidy -diff || { echo "go.mod/go.sum are not tidy: run go mod tidy" >&2; exit 1; }
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

clean:
	rm -rf bin $(DIST)
