#!/usr/bin/env bash
# The unit run (npm run test:unit; scripts/test.sh runs it too): the tests beside the code, pure code and
# the embedded database. Arguments go to `node --test` (e.g. --test-name-pattern=…).
#
# Two processes, each running half the files in one process (--test-isolation=none): a process per
# file spent most of the run starting Node, stripping types and importing the same modules (zod
# schemas, fastify, PGlite) again for each of ~180 files — about 0.6 CPU seconds a file, more than the
# tests themselves. Two, because the machine this must run on has two cores. Within a process files
# share globals and run one after another, and file-level before/after hooks run at the start and end
# of the whole run: hooks that must run near their tests belong inside the describe.
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
pids=()
for shard in 1 2; do
  node --test --test-isolation=none --test-shard="$shard/2" "$@" "src/**/*.test.ts" "web/src/**/*.test.ts" \
    >"$out/$shard" 2>&1 &
  pids+=($!)
done
status=0
for shard in 1 2; do
  wait "${pids[$((shard - 1))]}" || status=1
  echo "== unit tests, shard $shard/2"
  cat "$out/$shard"
done
exit "$status"
