/**
 * Trigger secrets are resolved at every request, not once at start: a Kubernetes Secret mounted as a
 * file is updated in place when rotated, and the server must accept the new value without a restart
 * (resolve-secret.ts). A failure here is the server's misconfiguration (a ConfigError, answered 500),
 * never the caller's fault.
 */
import type { ReadFile } from '../config/read-small-file.ts';
import { type Env, resolveSecret } from '../config/resolve-secret.ts';
import type { SecretRef } from '../config/schema.ts';

export interface SecretSource {
  readonly env: Env;
  readonly readFile?: ReadFile | undefined;
}

/** Current values of `refs`, in order; `key` names them in errors (`triggers.github.secrets`). */
export function resolveSecrets(
  refs: readonly SecretRef[],
  key: string,
  source: SecretSource,
): Promise<string[]> {
  return Promise.all(
    refs.map((ref, index) =>
      resolveSecret(ref, { env: source.env, readFile: source.readFile, key: `${key}[${index}]` }),
    ),
  );
}
