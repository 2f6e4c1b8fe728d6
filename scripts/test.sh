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
# Unit tests beside the code, integration tests against real registries in test/.
node --test --test-concurrency=2 --test-timeout=600000 "src/**/*.test.ts" "web/src/**/*.test.ts" "test/**/*.test.ts"
