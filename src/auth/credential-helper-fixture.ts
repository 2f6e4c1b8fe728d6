/**
 * Test support (not a test file): installs a fake `docker-credential-<name>` shell script into a
 * temporary directory and returns an env whose PATH finds it. The script uses only dash builtins, so
 * PATH need not contain anything else. Behaviour is keyed by the server URL it reads on stdin; every
 * URL asked for is appended to $HELPER_LOG.
 */
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const FAKE_HELPER_SCRIPT = `#!/bin/sh
[ "$1" = get ] || { echo "unexpected arguments: $*" >&2; exit 9; }
IFS= read -r url
[ -n "$HELPER_LOG" ] && printf '%s\\n' "$url" >> "$HELPER_LOG"
case "$url" in
  quay.io) printf '{"ServerURL":"quay.io","Username":"quser","Secret":"q-SECRET"}\\n' ;;
  https://index.docker.io/v1/) printf '{"ServerURL":"%s","Username":"<token>","Secret":"hub-REFRESH"}\\n' "$url" ;;
  registry.example:5000) printf '{"ServerURL":"%s","Username":"port-user","Secret":"port-SECRET"}\\n' "$url" ;;
  empty.example) printf '{"ServerURL":"empty.example","Username":"","Secret":""}' ;;
  broken.example) printf 'not json, includes BROKEN-SECRET' ;;
  fail.example) echo "exit status 2: gpg: decryption failed: No secret key"; exit 1 ;;
  leak.example) echo '{"ServerURL":"leak.example","Secret":"LEAK-SECRET"}'; exit 1 ;;
  slow.example) while :; do :; done ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`;

/** Writes `docker-credential-<name>` into `dir`; returns an env with PATH=`dir` and HELPER_LOG set. */
export async function installFakeHelper(
  dir: string,
  name = 'test',
  script = FAKE_HELPER_SCRIPT,
): Promise<Record<string, string>> {
  const program = join(dir, `docker-credential-${name}`);
  await writeFile(program, script);
  await chmod(program, 0o755);
  return { PATH: dir, HELPER_LOG: join(dir, 'helper.log') };
}
