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
shopt -s globstar nullglob
cd "$(dirname "$0")/.."

# Dealt out greedily by an estimate of their cost in centiseconds, so the two processes end together
# (--test-shard deals by position and gave one twice the other's work). Measured on 2 cores: a file
# without the embedded engine ~0.04 s per KB of test code; one with it ~2 s to start the engine, then
# ~0.7 s a test (its shared suite's tests included).
declare -a shard1=() shard2=() db1=() db2=()
load1=0
load2=0
for file in src/**/*.test.ts web/src/**/*.test.ts; do
  weight=$(($(wc -c <"$file") / 250))
  db=0
  if grep -qE 'pgliteTestBackend|PgliteDatabase|PgliteThread' "$file"; then
    db=1
    suite=${file%.pglite.test.ts}.suite.ts
    weight=$((200 + 70 * $(cat "$file" $([[ -f $suite ]] && echo "$suite") | grep -cE '^\s*test\(')))
  fi
  echo "$weight $db $file"
done | sort -rn >"${TMPDIR:-/tmp}/ferry-unit-files.$$"
while read -r weight db file; do
  if ((load1 <= load2)); then
    if ((db)); then db1+=("$file"); else shard1+=("$file"); fi
    load1=$((load1 + weight))
  else
    if ((db)); then db2+=("$file"); else shard2+=("$file"); fi
    load2=$((load2 + weight))
  fi
done <"${TMPDIR:-/tmp}/ferry-unit-files.$$"
rm -f "${TMPDIR:-/tmp}/ferry-unit-files.$$"

# Tests run in the order their files finish loading, which follows the order given (a file with
# top-level await comes later), so each process runs its files that need no database first, then those
# that do (their database opens belong in tests or describe-level hooks: a file-level before hook runs at
# the very start), while a third process builds the PGlite templates they copy
# (scripts/prepare-test-templates.ts): on a machine without the template cache that build (~12 CPU s)
# overlaps the first part instead of stalling both processes at their first database, each repeating
# the same initdb. With the cache warm the builder finds everything and exits. --liftoff-only: V8's
# optimising WebAssembly compiler spent more CPU on PGlite's ~9 MB module than the short-lived build
# runs it (measured, all four templates: 26 CPU s by default, 12 with Liftoff only).
shard1+=(${db1[@]+"${db1[@]}"})
shard2+=(${db2[@]+"${db2[@]}"})
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
node --liftoff-only scripts/prepare-test-templates.ts >"$out/templates" 2>&1 &
builder=$!
node --test --test-isolation=none "$@" "${shard1[@]}" >"$out/1" 2>&1 &
pids=($!)
node --test --test-isolation=none "$@" "${shard2[@]}" >"$out/2" 2>&1 &
pids+=($!)
status=0
for shard in 1 2; do
  wait "${pids[$((shard - 1))]}" || status=1
  echo "== unit tests, process $shard of 2"
  cat "$out/$shard"
done
if ! wait "$builder"; then
  # The tests build what they need themselves when this fails; its error still says why.
  echo "== PGlite template builder failed"
  cat "$out/templates"
  status=1
fi
exit "$status"
