#!/usr/bin/env bash
# `npm run demo [-- --once]`: the README's demo promotion (scripts/demo.ts). Installs what the demo
# needs when missing (the registry server, htpasswd, openssl: not the test suite's skopeo/PostgreSQL),
# builds ferry if the bundle is missing or older than the sources, then runs the demo on the pinned
# Node.js runtime (also when called as `bash scripts/demo.sh`, outside npm).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v docker-registry >/dev/null 2>&1 || need+=(docker-registry)
command -v htpasswd >/dev/null 2>&1 || need+=(apache2-utils)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
if ((${#need[@]} > 0)); then
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); fi
  echo "demo: installing ${need[*]}" >&2
  "${sudo[@]}" apt-get update
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y "${need[@]}"
  # Debian starts a system registry on :5000 (all interfaces); the demo runs its own on loopback.
  # Same as scripts/install-test-deps.sh; failures ignored (containers have no init).
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet docker-registry 2>/dev/null; then
    "${sudo[@]}" systemctl disable --now docker-registry || true
  elif [[ -x /etc/init.d/docker-registry ]]; then
    "${sudo[@]}" /etc/init.d/docker-registry stop >/dev/null 2>&1 || true
  fi
fi

node=node_modules/.bin/node
if [[ ! -x $node ]]; then
  echo "demo: the pinned Node.js runtime is missing; run 'npm ci' first" >&2
  exit 2
fi
# Rebuilding replaces dist/ under any running bin/ferry (tests run beside this), so only when stale.
if [[ ! -f dist/ferry.mjs ]] || [[ -n $(find src package.json -newer dist/ferry.mjs -print -quit) ]]; then
  "$node" scripts/build.mjs
fi
# exec: signals (Ctrl-C, a test's SIGTERM) reach the demo itself, which stops everything it started.
exec "$node" scripts/demo.ts "$@"
