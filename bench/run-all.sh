#!/usr/bin/env bash
# Runs every OpenFramer benchmark in turn (about 6 minutes), then repeats their goal lines.
# Missed goals do not fail the script (these are measurements); it exits non-zero only when a
# benchmark could not run at all. Usage: bash bench/run-all.sh   (or: npm run bench)
set -uo pipefail
cd "$(dirname "$0")/.."

log="$(mktemp -t openframer-bench-XXXXXX.log)"
trap 'rm -f "$log"' EXIT
status=0
for name in upload get-load specs runs statistical; do
  echo
  echo "### npx tsx bench/${name}.ts"
  npx --no-install tsx "bench/${name}.ts" 2>&1 | grep -v '^npm warn' | tee -a "$log"
  rc=${PIPESTATUS[0]}
  if [ "$rc" -ne 0 ]; then
    echo "bench/${name}.ts failed with exit code ${rc}"
    status=1
  fi
done

echo
echo "### goals"
grep -E '^goal ' "$log" || echo "(no goal lines: see the errors above)"
exit "$status"
