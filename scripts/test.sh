#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what the tests need, then lint, type check, build,
# unit and integration tests. Runs under npm, so `node` is the pinned Node 24 from node_modules/.bin.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh
echo "== lint"; npx --no-install biome check .
echo "== typecheck"; npx --no-install tsc -p . && npx --no-install tsc -p web
echo "== build"; node scripts/build.mjs
echo "== tests"
# Unit tests beside the code (scripts/test-unit.sh), then integration tests against real registries in test/.
# Both run whatever the other's result, so one test command reports every failure.
status=0
bash scripts/test-unit.sh --test-timeout=600000 || status=1
node --test --test-concurrency=2 --test-timeout=600000 "test/**/*.test.ts" || status=1
exit "$status"
