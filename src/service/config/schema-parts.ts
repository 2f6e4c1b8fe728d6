/**
 * Pieces every section of ferry.yaml's schema uses: names, secret references, file paths, URLs.
 * File paths resolve against the directory of ferry.yaml while parsing, so the parsed config holds
 * absolute paths and nothing downstream depends on the process's working directory; that is the only
 * reason the schemas are built by functions taking these parts rather than declared as constants.
 */
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { checkRegistryHost } from './registry-hosts.ts';

/** Names of rules, tokens and notify targets: they end up in URLs, audit records and metric labels. */
export const NAME_RE = /^[a-z0-9][a-z0-9._-]{0,62}$/;
export const NAME_RULE =
  'lowercase letters, digits, ".", "_", "-", starting with a letter or digit, at most 63 characters';

/** POSIX-portable environment variable names. */
export const ENV_VAR_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface ConfigSchemaOptions {
  /** Directory relative file paths are resolved against (the directory of ferry.yaml). */
  readonly baseDir: string;
}

/** Why `value` does not set exactly one of `keys`, or undefined if it does; `what` names the choice. */
export function exactlyOne(
  value: Record<string, unknown>,
  keys: readonly string[],
  what: string,
): string | undefined {
  const given = keys.filter((key) => value[key] !== undefined);
  if (given.length === 1) return undefined;
  if (given.length === 0) return `${what} needs one of: ${keys.join(', ')}`;
  return `${what} takes exactly one of ${keys.join(', ')} (got ${given.join(' and ')})`;
}

export function httpUrl(what: string) {
  return z.string().check((ctx) => {
    const reason = checkHttpUrl(ctx.value);
    if (reason !== undefined)
      ctx.issues.push({ code: 'custom', message: `${what} ${reason}`, input: ctx.value });
  });
}

function checkHttpUrl(value: string): string | undefined {
  if (!URL.canParse(value)) return 'must be an absolute http(s) URL';
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http:// or https:// URL';
  // A URL with credentials would put a secret into a file meant to be readable (a ConfigMap).
  if (url.username !== '' || url.password !== '') {
    return 'must not contain credentials ("user:password@"); use a secret reference';
  }
  if (url.hash !== '') return 'must not contain a fragment ("#…")';
  return undefined;
}

/** Output shape of a secret reference (exactly one source). */
export type SecretRefShape =
  | { readonly file: string }
  | { readonly env: string }
  | { readonly value: string };

/** The shared schema pieces, with file paths resolving against `options.baseDir`. */
export function schemaParts(options: ConfigSchemaOptions) {
  const filePath = z
    .string()
    .min(1, 'file path is empty')
    .transform((path) => (isAbsolute(path) ? path : resolve(options.baseDir, path)));

  const name = z.string().regex(NAME_RE, `must be ${NAME_RULE}`);

  const registryHost = z.string().check((ctx) => {
    const reason = checkRegistryHost(ctx.value);
    if (reason !== undefined) ctx.issues.push({ code: 'custom', message: reason, input: ctx.value });
  });

  /**
   * Where a secret comes from — exactly one of:
   *   file:  path, read again at every use (Kubernetes Secret volumes and projected tokens rotate in place)
   *   env:   environment variable name (e.g. from a Secret via `envFrom`)
   *   value: the secret inline; only for local experiments (the loader warns), never in a shared file
   */
  const secretRef = z
    .strictObject({
      file: filePath.optional(),
      env: z
        .string()
        .regex(ENV_VAR_RE, 'must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*)')
        .optional(),
      value: z.string().min(1, 'inline secret is empty').optional(),
    })
    .check((ctx) => {
      const reason = exactlyOne(ctx.value, ['file', 'env', 'value'], 'a secret reference');
      if (reason !== undefined) ctx.issues.push({ code: 'custom', message: reason, input: undefined });
    })
    .transform((ref): SecretRefShape => {
      if (ref.file !== undefined) return { file: ref.file };
      if (ref.env !== undefined) return { env: ref.env };
      return { value: ref.value ?? '' };
    });

  return { filePath, name, registryHost, secretRef };
}

export type SchemaParts = ReturnType<typeof schemaParts>;
