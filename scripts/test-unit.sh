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
declare -a shard1=() shard2=()
load1=0
load2=0
for file in src/**/*.test.ts web/src/**/*.test.ts; do
  weight=$(($(wc -c <"$file") / 250))
  if grep -qE 'pgliteTestBackend|PgliteDatabase|PgliteThread' "$file"; then
    suite=${file%.pglite.test.ts}.suite.ts
    weight=$((200 + 70 * $(cat "$file" $([[ -f $suite ]] && echo "$suite") | grep -cE '^\s*test\(')))
  fi
  echo "$weight $file"
done | sort -rn >"${TMPDIR:-/tmp}/ferry-unit-files.$$"
while read -r weight file; do
  if ((load1 <= load2)); then
    shard1+=("$file")
    load1=$((load1 + weight))
  else
    shard2+=("$file")
    load2=$((load2 + weight))
  fi
done <"${TMPDIR:-/tmp}/ferry-unit-files.$$"
rm -f "${TMPDIR:-/tmp}/ferry-unit-files.$$"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
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
exit "$status"
