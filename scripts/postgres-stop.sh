#!/usr/bin/env bash
# Stops the test PostgreSQL of scripts/postgres-start.sh (its data stays; `--purge` removes it).
set -euo pipefail
DIR="${FLEX_PG_DIR:-/tmp/flex-orchestrator-pg}"
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -n "$BIN" ] && [ -f "$DIR/data/PG_VERSION" ]; then
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  else
    "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  echo "postgres-stop: stopped"
fi
if [ "${1:-}" = "--purge" ]; then
  rm -rf "$DIR"
  echo "postgres-stop: removed $DIR"
fi
