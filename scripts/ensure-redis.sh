#!/usr/bin/env bash
# Finds Redis on loopback for the tests, or starts one: the running server, then a private one (no
# persistence), installing Debian's redis-server first when it is missing.
# Prints the URL to use on stdout; progress goes to stderr.
set -euo pipefail

log() { echo "ensure-redis: $*" >&2; }
port=${OPENFRAMER_REDIS_PORT:-6379}
default_url="redis://127.0.0.1:$port"

# Answers PING? Uses redis-cli when present, else bash's /dev/tcp (works before anything is installed).
can_connect() {
  local url=$1
  if command -v redis-cli >/dev/null; then
    [ "$(redis-cli -u "$url" ping 2>/dev/null)" = "PONG" ]
  else
    local hostport=${url#*://}; hostport=${hostport##*@}; hostport=${hostport%%/*}
    local host=${hostport%%:*} p=${hostport##*:}
    [ "$host" = "$hostport" ] && p=6379
    { exec 3<>"/dev/tcp/$host/$p"; } 2>/dev/null || return 1
    printf 'PING\r\n' >&3
    local reply=''
    read -r -t 2 reply <&3 || true
    exec 3<&- 3>&-
    [ "${reply%$'\r'}" = "+PONG" ]
  fi
}

if [ -n "${OPENFRAMER_TEST_REDIS_URL:-}" ] && can_connect "$OPENFRAMER_TEST_REDIS_URL"; then
  echo "$OPENFRAMER_TEST_REDIS_URL"; exit 0
fi
if can_connect "$default_url"; then echo "$default_url"; exit 0; fi

if ! command -v redis-server >/dev/null; then
  log "installing Redis from Debian's packages"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null) >&2
fi

log "starting redis-server on 127.0.0.1:$port (no persistence)"
redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save '' --appendonly no \
  --logfile /tmp/openframer-test-redis.log >/dev/null
for _ in $(seq 1 40); do
  if can_connect "$default_url"; then echo "$default_url"; exit 0; fi
  sleep 0.25
done
log "Redis did not come up; see /tmp/openframer-test-redis.log"
exit 1
