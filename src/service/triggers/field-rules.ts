/**
 * What counts as a valid value for the fields a trigger accepts beyond the image parts. The image parts
 * themselves (repository path, tag, digest, registry host) are judged by src/reference's part validators
 * (`tagProblem`, `digestProblem`, …), the grammar the copy engine uses, so a trigger can never accept
 * something the copy would later refuse — and shell metacharacters, whitespace, control characters and
 * `..` are refused before any value reaches a log line or an argv.
 *
 * Each rule returns a reason (a phrase that follows "is invalid: ") or undefined when the value is fine.
 */
import { hasControlCharacter } from '../../reference/display-value.ts';
import { normalizeRegistryHost, tryParseReference } from '../../reference/index.ts';

/** Canonical form of a valid registry host: lower-cased, Docker Hub aliases mapped to `docker.io`. */
export function canonicalRegistryHost(value: string): string {
  return normalizeRegistryHost(value.toLowerCase());
}

/**
 * Registry, repository, tag and digest together, for the limits that only apply to the whole
 * reference: the 255-character name limit counts the registry, so this can only be checked once the
 * registry is known.
 */
export function referenceProblem(parts: {
  readonly registry: string;
  readonly repository: string;
  readonly tag?: string | undefined;
  readonly digest?: string | undefined;
}): string | undefined {
  const tag = parts.tag === undefined ? '' : `:${parts.tag}`;
  const digest = parts.digest === undefined ? '' : `@${parts.digest}`;
  const parsed = tryParseReference(`${parts.registry}/${parts.repository}${tag}${digest}`);
  return parsed.ok ? undefined : parsed.reason;
}

/**
 * Environment names as configured (`nonprod`, `prod`, `staging-eu`): a DNS label, so they work unchanged
 * as Kubernetes names, metric labels and URL path segments.
 */
const ENVIRONMENT_RE = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export function environmentProblem(value: string): string | undefined {
  if (ENVIRONMENT_RE.test(value)) return undefined;
  return 'must be 1-63 lowercase letters, digits or "-", starting and ending with a letter or digit';
}

/** A git object name: abbreviated (git's minimum is 4) up to a full SHA-256 id (64 hex digits). */
const GIT_COMMIT_RE = /^[0-9a-fA-F]{4,64}$/;

export function gitCommitProblem(value: string): string | undefined {
  return GIT_COMMIT_RE.test(value) ? undefined : 'must be a git commit id (4-64 hexadecimal digits)';
}

/** Label keys: short, and safe as a key in JSON, SQL and metrics (`ci.url`, `pipeline/name`). */
const LABEL_KEY_RE = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,62}$/;
export const MAX_LABELS = 32;
export const MAX_LABEL_VALUE_LENGTH = 512;

export function labelKeyProblem(key: string): string | undefined {
  if (LABEL_KEY_RE.test(key)) return undefined;
  return 'must be 1-63 characters of letters, digits, ".", "_", "/", "-", starting with a letter or digit';
}

export function labelValueProblem(value: string): string | undefined {
  if (value.length > MAX_LABEL_VALUE_LENGTH) return `is longer than ${MAX_LABEL_VALUE_LENGTH} characters`;
  if (hasControlCharacter(value)) return 'contains a control character';
  return undefined;
}

/**
 * Delivery / event ids: stored durably for de-duplication and logged, so they are kept to visible ASCII
 * (Standard Webhooks `msg_…`, distribution UUIDs and Harbor-derived ids all fit).
 */
const DELIVERY_ID_RE = /^[\x21-\x7e]{1,256}$/;

export function deliveryIdProblem(value: string): string | undefined {
  return DELIVERY_ID_RE.test(value) ? undefined : 'must be 1-256 visible ASCII characters';
}

/** Names of registry users that trigger pushes (`admin`, `robot$ci`): shown in the audit log. */
export function actorProblem(value: string): string | undefined {
  if (value === '' || value.length > 256) return 'must be 1-256 characters';
  if (hasControlCharacter(value)) return 'contains a control character';
  return undefined;
}
