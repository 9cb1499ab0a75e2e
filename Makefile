# The two commands for a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
GO ?= go
DIST := dist
LINUX_HANDLER := $(DIST)/linux-amd64/handler
PORT ?= 7071
SIM_PORT ?= 7072
SIM_LOG ?= channel-sim.log

.PHONY: help build test run migrate services services-stop package stage bench lint deps clean

help:
	@echo "make run      services + migrations + the app on http://127.0.0.1:$(PORT)"
	@echo "make test     services + every test (real Postgres, Redis, Azurite)"
	@echo "make build | migrate | package | stage | bench | lint | services | services-stop | clean"

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

# The local Functions host (shared/funchost) on :7071 runs bin/handler as the
# custom handler, fires the timers and delivers the queues from Redis; the
# channel simulator on :7072 plays the six channels' remote APIs.
run: migrate
	@echo "devhost on http://127.0.0.1:$(PORT)/api/v1/health, channel simulator on 127.0.0.1:$(SIM_PORT) (Ctrl-C to stop)"
	@bin/handler channel-sim -addr 127.0.0.1:$(SIM_PORT) > $(SIM_LOG) 2>&1 & sim=$$!; \
	trap 'kill $$sim 2>/dev/null' EXIT INT TERM; \
	bin/handler devhost -addr 127.0.0.1:$(PORT)

test: deps services
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 20m ./...

package: deps
	GOOS=linux GOARCH=amd64 CGO_ENABLED=0 $(GO) build -trimpath -ldflags="-s -w" -o $(LINUX_HANDLER) .
	$(GO) run . package -exe $(LINUX_HANDLER) -out $(DIST)/app.zip

stage: deps
	GOOS=linux GOARCH=amd64 CGO_ENABLED=0 $(GO) build -trimpath -ldflags="-s -w" -o $(LINUX_HANDLER) .
	$(GO) run . stage -exe $(LINUX_HANDLER) -dir $(DIST)/stage

bench: build services
	bin/handler bench

lint: deps
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

clean:
	rm -rf bin $(DIST)
