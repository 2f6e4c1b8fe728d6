#!/usr/bin/env bash
# `npm run demo`: installs the registry server if missing, builds ferry, runs the demo promotion.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh
node scripts/build.mjs
node scripts/demo.ts
