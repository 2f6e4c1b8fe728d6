#!/usr/bin/env bash
# Installs the external tools the integration test rig needs (Debian/Ubuntu).
# Idempotent and fast when everything is present: only calls apt when a tool is missing.
set -euo pipefail

need=()
command -v docker-registry >/dev/null 2>&1 || need+=(docker-registry)
command -v skopeo >/dev/null 2>&1 || need+=(skopeo)
command -v htpasswd >/dev/null 2>&1 || need+=(apache2-utils)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
# xz and gzip make the compressed `docker save` archives of the docker-archive tests.
command -v xz >/dev/null 2>&1 || need+=(xz-utils)
# PostgreSQL server for the store tests (the rig starts its own throwaway cluster).
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need+=(postgresql-15)
# Debian's Chromium for the dashboard's browser tests (test/rig/browser.ts drives it with playwright-core,
# a devDependency; no browser download).
[[ -x /usr/bin/chromium ]] || need+=(chromium)
# PyNaCl (libsodium) on Debian's python3: an independent implementation of cosign's encrypted key files
# (scrypt + NaCl secretbox) for the signing tests (test/rig/cosign-key-oracle.ts).
/usr/bin/python3 -c 'import nacl.secret' >/dev/null 2>&1 || need+=(python3-nacl)

if ((${#need[@]} > 0)); then
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); fi
  echo "install-test-deps: installing ${need[*]}" >&2
  "${sudo[@]}" apt-get update
  # Always ask for the full set: cheap when present, and keeps versions consistent.
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y docker-registry skopeo apache2-utils openssl xz-utils postgresql-15 chromium python3-nacl
  # The Debian package enables and starts a system registry on :5000 (all interfaces) on
  # systemd/sysvinit hosts. The rig never uses it (own instances on free loopback ports); stop
  # it so it does not sit there unauthenticated. Ignore failures: containers have no init.
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet docker-registry 2>/dev/null; then
    "${sudo[@]}" systemctl disable --now docker-registry || true
  elif [[ -x /etc/init.d/docker-registry ]]; then
    "${sudo[@]}" /etc/init.d/docker-registry stop >/dev/null 2>&1 || true
  fi
fi

[[ -x /usr/bin/chromium ]] || { echo "install-test-deps: /usr/bin/chromium still missing" >&2; exit 1; }
/usr/bin/python3 -c 'import nacl.secret' >/dev/null 2>&1 || { echo "install-test-deps: python3-nacl still missing" >&2; exit 1; }
for tool in docker-registry skopeo htpasswd openssl xz; do
  command -v "$tool" >/dev/null 2>&1 || { echo "install-test-deps: $tool still missing" >&2; exit 1; }
done
