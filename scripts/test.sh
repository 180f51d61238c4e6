#!/usr/bin/env bash
# The whole check: lint, type-check, every test (API suite on SQLite and on PostgreSQL).
# Ends with one line "N passed, N failed": lint and type-check count as one check each.
set -uo pipefail
cd "$(dirname "$0")/.."

failed_checks=0
passed_checks=0
check() {
  local label=$1; shift
  echo "== $label"
  if "$@"; then passed_checks=$((passed_checks + 1)); else echo "!! $label failed"; failed_checks=$((failed_checks + 1)); fi
}

check "lint (biome)" npx --no-install biome check .
check "type-check (tsc)" npx --no-install tsc -p tsconfig.json
check "type-check of the web UI (tsc)" npx --no-install tsc -p packages/web
check "SDK types match the OpenAPI document" npm run --silent check:sdk-types

echo "== tests (vitest)"
if url=$(bash scripts/ensure-postgres.sh); then
  export OPENFRAMER_TEST_POSTGRES_URL="$url"
  echo "PostgreSQL for tests: $url"
else
  echo "!! PostgreSQL could not be found or started: the api-postgres tests will fail"
fi
if url=$(bash scripts/ensure-redis.sh); then
  export OPENFRAMER_TEST_REDIS_URL="$url"
  echo "Redis for tests: $url"
else
  echo "!! Redis could not be found or started: the BullMQ tests will fail"
fi
results=$(mktemp)
npx --no-install vitest run --reporter=default --reporter=json --outputFile="$results"
vitest_status=$?

read -r passed failed < <(node -e '
  const fs = require("node:fs");
  let r = {};
  try { r = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); } catch {}
  // A file that failed without a failed test (it did not load, a hook threw) counts once; a failed
  // test is not counted again for its file and describe blocks, as numFailedTestSuites would.
  const files = r.testResults ?? [];
  const brokenFiles = files.filter(
    (f) => f.status === "failed" && !(f.assertionResults ?? []).some((a) => a.status === "failed"),
  ).length;
  const failed = (r.numFailedTests ?? 0) + brokenFiles + (r.numTotalTests === undefined ? 1 : 0);
  console.log(`${r.numPassedTests ?? 0} ${failed}`);
' "$results")
rm -f "$results"
if [ "$vitest_status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi

total_passed=$((passed + passed_checks))
total_failed=$((failed + failed_checks))
echo "${total_passed} passed, ${total_failed} failed"
[ "$total_failed" -eq 0 ]
