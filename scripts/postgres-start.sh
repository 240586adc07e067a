#!/usr/bin/env bash
# Starts a throw-away PostgreSQL for the integration tests (Debian's `postgresql` package, no Docker):
# its own cluster in a temp directory, listening on 127.0.0.1 only, on a fixed port, with the role
# and the databases the `postgres` Maven profile and the cluster test use. Idempotent: installs the
# package if missing (apt-get, needs root), initialises the cluster once, starts it if it is down,
# creates what is missing. `--fresh` drops and recreates the test databases (clean data).
#
#   scripts/postgres-start.sh [--fresh]      # then: mvn -B verify -Ppostgres
#   scripts/postgres-stop.sh
#
# Settings (environment): FLEX_PG_PORT (55432), FLEX_PG_DIR (/tmp/flex-orchestrator-pg),
# FLEX_PG_USER / FLEX_PG_PASSWORD (orchestrator / orchestrator),
# FLEX_PG_DATABASES ("flex_it flex_cluster": the suite's and the two-node cluster test's),
# FLEX_PG_DURABLE (false: fsync and synchronous commit off, fast for tests; true: PostgreSQL's
# durable defaults, for benchmarks that claim "stored before acknowledged"; takes effect at initdb,
# so use a new FLEX_PG_DIR).
set -euo pipefail

PORT="${FLEX_PG_PORT:-55432}"
DIR="${FLEX_PG_DIR:-/tmp/flex-orchestrator-pg}"
DB_USER="${FLEX_PG_USER:-orchestrator}"
DB_PASSWORD="${FLEX_PG_PASSWORD:-orchestrator}"
DATABASES="${FLEX_PG_DATABASES:-flex_it flex_cluster}"
DURABLE="${FLEX_PG_DURABLE:-false}"
FRESH=false
[ "${1:-}" = "--fresh" ] && FRESH=true

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

BIN=$(pg_bin || true)
if [ -z "$BIN" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "postgres-start: PostgreSQL is not installed; run as root or: apt-get install postgresql" >&2
    exit 1
  fi
  echo "postgres-start: installing postgresql (apt-get)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  BIN=$(pg_bin)
fi

# the server refuses to run as root: as root, run it as the package's `postgres` user
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
  as_owner() { runuser -u postgres -- "$@"; }
  OWNER=postgres
else
  as_owner() { "$@"; }
  OWNER=$(id -un)
fi

DATA="$DIR/data"
mkdir -p "$DIR"
cd / # the server's user may not read the caller's working directory
chown "$OWNER" "$DIR"
chmod 700 "$DIR"

if [ ! -f "$DATA/PG_VERSION" ]; then
  echo "postgres-start: initdb $DATA"
  as_owner "$BIN/initdb" -D "$DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >/dev/null 2>&1 \
    || as_owner "$BIN/initdb" -D "$DATA" -U postgres --auth-local=trust \
         --auth-host=scram-sha-256 --encoding=UTF8 --no-locale >/dev/null
  cat >>"$DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DIR'
max_connections = 300
shared_buffers = 128MB
CONF
  if [ "$DURABLE" != "true" ]; then
    printf 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n' >>"$DATA/postgresql.conf"
  fi
fi

if as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  echo "postgres-start: already running on 127.0.0.1:$PORT"
else
  as_owner "$BIN/pg_ctl" -D "$DATA" -l "$DIR/server.log" -w -t 60 start >/dev/null
  echo "postgres-start: started on 127.0.0.1:$PORT (log $DIR/server.log)"
fi

psql_admin() { as_owner "$BIN/psql" -h "$DIR" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA "$@"; }

if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'")" != "1" ]; then
  psql_admin -c "CREATE ROLE \"$DB_USER\" LOGIN PASSWORD '$DB_PASSWORD'"
fi
for db in $DATABASES; do
  if $FRESH; then
    psql_admin -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)"
  fi
  if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" != "1" ]; then
    psql_admin -c "CREATE DATABASE \"$db\" OWNER \"$DB_USER\""
    echo "postgres-start: database $db created"
  fi
done
echo "postgres-start: jdbc:postgresql://127.0.0.1:$PORT/{$(echo $DATABASES | tr ' ' ',')} user $DB_USER"
