#!/usr/bin/env bash
# Finds PostgreSQL on loopback for the tests, or starts one: the running service, then the machine's
# cluster, then a throwaway cluster (installing Debian's postgresql first when it is missing).
# Prints the URL to use on stdout; progress goes to stderr.
set -euo pipefail

log() { echo "ensure-postgres: $*" >&2; }
can_connect() { psql "$1" -Atqc 'select 1' >/dev/null 2>&1; }

if [ -n "${OPENFRAMER_TEST_POSTGRES_URL:-}" ] && can_connect "$OPENFRAMER_TEST_POSTGRES_URL"; then
  echo "$OPENFRAMER_TEST_POSTGRES_URL"; exit 0
fi

default_url="postgres://postgres@127.0.0.1:5432/postgres"
# OPENFRAMER_PG_THROWAWAY=1 skips the machine's server and always uses a private cluster.
if [ -z "${OPENFRAMER_PG_THROWAWAY:-}" ] && command -v psql >/dev/null && can_connect "$default_url"; then
  echo "$default_url"; exit 0
fi

if [ -z "${OPENFRAMER_PG_THROWAWAY:-}" ] && command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
  for version in $(ls /etc/postgresql); do
    log "starting the machine's PostgreSQL $version cluster"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 || true
  done
  for _ in $(seq 1 30); do
    if can_connect "$default_url"; then echo "$default_url"; exit 0; fi
    sleep 0.5
  done
fi

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bin" ]; then
  log "installing PostgreSQL from Debian's packages"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) >&2
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

# A throwaway cluster with trust auth on its own port; initdb refuses to run as root.
dir=${OPENFRAMER_PG_DIR:-/tmp/openframer-test-pg}
port=${OPENFRAMER_PG_PORT:-54329}
url="postgres://postgres@127.0.0.1:$port/postgres"
if can_connect "$url"; then echo "$url"; exit 0; fi
run_as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
if [ ! -f "$dir/PG_VERSION" ]; then
  log "creating a throwaway cluster in $dir"
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  run_as_postgres "$bin/initdb -D $dir -A trust -U postgres >/dev/null"
fi
log "starting the throwaway cluster on port $port"
run_as_postgres "$bin/pg_ctl -D $dir -o '-p $port -k /tmp -c listen_addresses=127.0.0.1' -l $dir/server.log -w start >/dev/null"
can_connect "$url" || { log "PostgreSQL did not come up; see $dir/server.log"; exit 1; }
echo "$url"
