#!/usr/bin/env bash
# Makes sure Postgres, PgBouncer, Redis (a single node and a 3-master
# cluster) and Azurite answer on their local addresses.
# Services already running are used as they are; otherwise private instances
# are started from the installed binaries under .local/ (Debian packages are
# installed when a binary is missing). Safe to run again: it only starts what
# is down.
#
#   scripts/services.sh          ensure all of them
#   scripts/services.sh stop     stop the private instances this script started
#   scripts/services.sh redis-cluster  ensure only the 3-master Redis Cluster
#   scripts/services.sh browser  install Chromium and the Nanum fonts when missing (web tests)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
LOCAL="$ROOT/.local"
PG_PORT=${PG_PORT:-5432}
PGBOUNCER_PORT=${PGBOUNCER_PORT:-6432}
REDIS_PORT=${REDIS_PORT:-6379}
REDIS_CLUSTER_PORTS=${REDIS_CLUSTER_PORTS:-"7001 7002 7003"}
BLOB_PORT=10000 QUEUE_PORT=10001 TABLE_PORT=10002
mkdir -p "$LOCAL"

say() { printf '[services] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() { # port seconds name
  for _ in $(seq 1 $(($2 * 5))); do port_open "$1" && return 0; sleep 0.2; done
  die "$3 did not open port $1 within $2 s (see $LOCAL/*.log)"
}

apt_updated=""
apt_install() {
  [ "$(id -u)" = 0 ] || die "$* is missing and installing it needs root: apt-get install $*"
  if [ -z "$apt_updated" ]; then
    say "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || die "apt-get update failed"
    apt_updated=1
  fi
  say "installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2 || die "apt-get install $* failed"
}

pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && { echo "$d"; return; }; done
  command -v initdb >/dev/null && dirname "$(readlink -f "$(command -v initdb)")"
}

ensure_postgres() {
  if port_open "$PG_PORT"; then say "postgres: using the server on 127.0.0.1:$PG_PORT"; return; fi
  local bin; bin=$(pg_bin || true)
  if [ -z "$bin" ]; then
    # Stop the package from starting its own cluster; we start a private one.
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    apt_install postgresql
    rm -f /usr/sbin/policy-rc.d
    bin=$(pg_bin) || die "postgres binaries not found after install"
  fi
  local data="$LOCAL/pg/data" run=(env)
  if [ "$(id -u)" = 0 ]; then # postgres refuses to run as root
    id postgres >/dev/null 2>&1 || useradd --system --home "$LOCAL/pg" postgres
    run=(runuser -u postgres --)
  fi
  mkdir -p "$LOCAL/pg"
  [ "$(id -u)" = 0 ] && chown -R postgres "$LOCAL/pg"
  if [ ! -f "$data/PG_VERSION" ]; then
    say "postgres: initialising a private cluster in $data"
    "${run[@]}" "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$LOCAL/pg/initdb.log" 2>&1 \
      || die "initdb failed (see $LOCAL/pg/initdb.log)"
  fi
  say "postgres: starting a private server on 127.0.0.1:$PG_PORT"
  "${run[@]}" "$bin/pg_ctl" -D "$data" -l "$LOCAL/pg/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $LOCAL/pg -c fsync=off -c max_connections=300" start >/dev/null \
    || die "postgres did not start (see $LOCAL/pg/server.log)"
  wait_port "$PG_PORT" 30 postgres
}

# PgBouncer in transaction mode in front of the local Postgres, as the app
# reaches Azure's built-in PgBouncer on 6432 (docs/deploy.md, "Connection
# budget"): `make test` reruns the participation, draw and outbox tests
# through it (TEST_POSTGRES_URL_POOLED) and `make bench` measures 300 pools
# through it. Every database is served (the * entry), users are trusted (the
# local Postgres trusts them too). max_db_connections = 50 caps the server
# connections of each database, the cap the bench's "300 instances" row runs
# under; max_client_conn leaves room for its 600 client connections.
ensure_pgbouncer() {
  if port_open "$PGBOUNCER_PORT"; then say "pgbouncer: using the one on 127.0.0.1:$PGBOUNCER_PORT"; return; fi
  command -v pgbouncer >/dev/null || [ -x /usr/sbin/pgbouncer ] || {
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    apt_install pgbouncer
    rm -f /usr/sbin/policy-rc.d
  }
  local bin; bin=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
  local dir="$LOCAL/pgbouncer" run=(env)
  mkdir -p "$dir"
  cat >"$dir/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=$PG_PORT

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGBOUNCER_PORT
unix_socket_dir =
auth_type = trust
auth_file = $dir/userlist.txt
pool_mode = transaction
max_client_conn = 2000
default_pool_size = 50
max_db_connections = 50
server_idle_timeout = 30
server_lifetime = 600
ignore_startup_parameters = extra_float_digits
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
INI
  printf '"postgres" ""\n' >"$dir/userlist.txt"
  if [ "$(id -u)" = 0 ]; then # pgbouncer refuses to run as root
    id postgres >/dev/null 2>&1 || useradd --system --home "$LOCAL/pg" postgres
    chown -R postgres "$dir"
    run=(runuser -u postgres --)
  fi
  say "pgbouncer: starting on 127.0.0.1:$PGBOUNCER_PORT (transaction pooling to :$PG_PORT)"
  "${run[@]}" "$bin" -d "$dir/pgbouncer.ini" >"$dir/start.log" 2>&1 || die "pgbouncer did not start (see $dir/start.log, $dir/pgbouncer.log)"
  wait_port "$PGBOUNCER_PORT" 15 pgbouncer
}

ensure_redis() {
  if port_open "$REDIS_PORT"; then say "redis: using the server on 127.0.0.1:$REDIS_PORT"; return; fi
  command -v redis-server >/dev/null || apt_install redis-server
  say "redis: starting a private server on 127.0.0.1:$REDIS_PORT"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir "$LOCAL" --logfile "$LOCAL/redis.log" --pidfile "$LOCAL/redis.pid" >/dev/null \
    || die "redis-server did not start (see $LOCAL/redis.log)"
  wait_port "$REDIS_PORT" 15 redis
}

# A 3-master Redis Cluster on 127.0.0.1:7001-7003 (no replicas), the shape
# of Azure Managed Redis with the EnterpriseCluster policy and several
# shards: a multi-key command, transaction or script whose keys are in more
# than one hash slot fails with CROSSSLOT here as it would there. `make
# test` runs the Redis-using packages against it a second time
# (TEST_REDIS_CLUSTER). Each node keeps its cluster config (nodes.conf) under
# .local/redis-cluster/<port>, so a restart finds the cluster already
# created; it is created only when no node knows of a cluster yet.
ensure_redis_cluster() {
  command -v redis-server >/dev/null || apt_install redis-server
  local port dir started="" first="" addrs=()
  for port in $REDIS_CLUSTER_PORTS; do
    first=${first:-$port}
    addrs+=("127.0.0.1:$port")
    if port_open "$port"; then continue; fi
    dir="$LOCAL/redis-cluster/$port"
    mkdir -p "$dir"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
      --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 5000 \
      --dir "$dir" --logfile "$dir/redis.log" --pidfile "$dir/redis.pid" >/dev/null \
      || die "redis-server (cluster node $port) did not start (see $dir/redis.log)"
    started=1
  done
  for port in $REDIS_CLUSTER_PORTS; do wait_port "$port" 15 "redis cluster node"; done
  command -v redis-cli >/dev/null || apt_install redis-tools
  local known; known=$(redis-cli -p "$first" cluster info | sed -n 's/^cluster_known_nodes:\([0-9]*\).*/\1/p')
  if [ "${known:-1}" -lt "${#addrs[@]}" ]; then
    say "redis cluster: creating it on ${addrs[*]}"
    redis-cli --cluster create "${addrs[@]}" --cluster-replicas 0 --cluster-yes >"$LOCAL/redis-cluster/create.log" 2>&1 \
      || die "redis-cli --cluster create failed (see $LOCAL/redis-cluster/create.log)"
  fi
  for _ in $(seq 1 50); do
    redis-cli -p "$first" cluster info | grep -q '^cluster_state:ok' && break
    sleep 0.2
  done
  redis-cli -p "$first" cluster info | grep -q '^cluster_state:ok' || die "redis cluster on ${addrs[*]} is not ok (redis-cli -p $first cluster info)"
  if [ -n "$started" ]; then say "redis cluster: started on ${addrs[*]}"; else say "redis cluster: using the one on ${addrs[*]}"; fi
}

# The npm packages (Azurite; the Bicep grammar the infra test parses with)
# are installed whenever they are missing or older than package-lock.json,
# even when an emulator is already running.
ensure_node_modules() {
  command -v npm >/dev/null || apt_install nodejs npm
  if [ ! -x "$ROOT/node_modules/.bin/azurite" ] || [ ! -d "$ROOT/node_modules/tree-sitter-bicep" ] \
    || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
    say "npm ci (azurite, tree-sitter-bicep)"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error >&2) || die "npm ci failed: is the npm registry reachable?"
  fi
}

ensure_azurite() {
  if port_open "$BLOB_PORT" && port_open "$TABLE_PORT"; then say "azurite: using the emulator on 127.0.0.1:$BLOB_PORT/$TABLE_PORT"; return; fi
  say "azurite: starting on 127.0.0.1:$BLOB_PORT (blob) and :$TABLE_PORT (table)"
  # In memory: the emulator outlives this checkout (CI clones come and go),
  # so it must not depend on a folder that may be deleted under it.
  nohup "$ROOT/node_modules/.bin/azurite" --silent --skipApiVersionCheck --disableTelemetry \
    --inMemoryPersistence --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
    --blobPort "$BLOB_PORT" --queuePort "$QUEUE_PORT" --tablePort "$TABLE_PORT" \
    >"$LOCAL/azurite.log" 2>&1 &
  echo $! >"$LOCAL/azurite.pid"
  wait_port "$BLOB_PORT" 30 azurite
  wait_port "$TABLE_PORT" 30 azurite
}

# The browser tests (make web-test) drive Debian's Chromium; Korean text
# needs a font that has Hangul (Nanum), else screenshots show boxes. psql and
# redis-cli give the test setup its own database and Redis database.
ensure_browser() {
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -f /usr/share/fonts/truetype/nanum/NanumGothic.ttf ] || missing+=(fonts-nanum)
  command -v psql >/dev/null || missing+=(postgresql-client)
  command -v redis-cli >/dev/null || missing+=(redis-tools)
  if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi
  say "browser: $(/usr/bin/chromium --version 2>/dev/null || echo 'chromium (version unknown)')"
}

stop_private() {
  [ -f "$LOCAL/azurite.pid" ] && kill "$(cat "$LOCAL/azurite.pid")" 2>/dev/null && say "azurite stopped"
  [ -f "$LOCAL/redis.pid" ] && kill "$(cat "$LOCAL/redis.pid")" 2>/dev/null && say "redis stopped"
  local port
  for port in $REDIS_CLUSTER_PORTS; do
    [ -f "$LOCAL/redis-cluster/$port/redis.pid" ] && kill "$(cat "$LOCAL/redis-cluster/$port/redis.pid")" 2>/dev/null \
      && say "redis cluster node $port stopped"
    rm -f "$LOCAL/redis-cluster/$port/redis.pid"
  done
  [ -f "$LOCAL/pgbouncer/pgbouncer.pid" ] && kill "$(cat "$LOCAL/pgbouncer/pgbouncer.pid")" 2>/dev/null && say "pgbouncer stopped"
  if [ -f "$LOCAL/pg/data/postmaster.pid" ]; then
    local bin; bin=$(pg_bin)
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$bin/pg_ctl" -D "$LOCAL/pg/data" stop -m fast >/dev/null
    else "$bin/pg_ctl" -D "$LOCAL/pg/data" stop -m fast >/dev/null; fi
    say "postgres stopped"
  fi
  rm -f "$LOCAL/azurite.pid" "$LOCAL/redis.pid"
}

case "${1:-up}" in
  up) ensure_node_modules; ensure_postgres; ensure_pgbouncer; ensure_redis; ensure_redis_cluster; ensure_azurite ;;
  stop) stop_private ;;
  browser) ensure_browser ;;
  redis-cluster) ensure_redis_cluster ;;
  *) die "usage: $0 [up|stop|browser|redis-cluster]" ;;
esac
