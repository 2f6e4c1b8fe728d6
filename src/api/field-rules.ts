/**
 * What counts as a valid value for each field a trigger accepts. Every image-related value is checked
 * by the reference parser itself (src/reference), so a trigger can never accept something the copy
 * engine would later refuse — and shell metacharacters, whitespace, control characters and `..` are
 * refused by that grammar before any value reaches a log line or an argv.
 *
 * Each rule returns a reason (a phrase that follows "is invalid: ") or undefined when the value is fine.
 */
import { hasControlCharacter } from '../reference/display-value.ts';
import { NAME_TOTAL_LENGTH_MAX } from '../reference/grammar.ts';
import { normalizeRegistryHost, tryParseReference } from '../reference/index.ts';

/**
 * Registry put in front of a bare repository so the parser reads it as a path. `.invalid` is reserved
 * (RFC 2606 §2), so it can never be confused with a registry anyone uses.
 */
const PLACEHOLDER_REGISTRY = 'example.invalid';
const PLACEHOLDER_REPOSITORY = 'x';

/** `team-a/app`: a repository path without registry, tag or digest. */
export function repositoryProblem(value: string): string | undefined {
  if (value.includes('@') || value.includes(':')) {
    return 'must be a repository path only, without registry port, tag or digest (e.g. "team-a/app")';
  }
  // The name-length limit counts the registry, which is not known here (referenceProblem checks it once
  // it is); so the grammar is checked one component at a time, where a placeholder registry cannot push
  // a valid path over the limit.
  if (value.length > NAME_TOTAL_LENGTH_MAX) return `longer than ${NAME_TOTAL_LENGTH_MAX} characters`;
  for (const component of value.split('/')) {
    if (component === '') return 'empty path component (leading, trailing or doubled "/")';
    const parsed = tryParseReference(`${PLACEHOLDER_REGISTRY}/${component}`);
    if (!parsed.ok) return parsed.reason;
    if (parsed.ref.repository !== component) return 'must be a repository path (e.g. "team-a/app")';
  }
  return undefined;
}

/** A tag (`[\w][\w.-]{0,127}`), as the reference grammar defines it. */
export function tagProblem(value: string): string | undefined {
  // Without this, "a/b" or "a@…" would be read by the parser as part of the name or a digest and the
  // reason would talk about path components.
  const separator = /[/:@]/.exec(value);
  if (separator !== null) {
    return `contains "${separator[0]}" (allowed: letters, digits, "_", ".", "-")`;
  }
  const parsed = tryParseReference(`${PLACEHOLDER_REGISTRY}/${PLACEHOLDER_REPOSITORY}:${value}`);
  if (!parsed.ok) return parsed.reason;
  if (parsed.ref.tag !== value) return 'is not a valid tag';
  return undefined;
}

/** `sha256:<64 hex>` or `sha512:<128 hex>`. */
export function digestProblem(value: string): string | undefined {
  if (value.includes('@') || value.includes('/')) return 'must look like "sha256:<64 lowercase hex digits>"';
  const parsed = tryParseReference(`${PLACEHOLDER_REGISTRY}/${PLACEHOLDER_REPOSITORY}@${value}`);
  if (!parsed.ok) return parsed.reason;
  if (parsed.ref.digest !== value) return 'is not a valid digest';
  return undefined;
}

/**
 * `host[:port]` of a registry. A bare single-label name (`registry`) is refused: the reference grammar
 * would read `registry/team/app` as a Docker Hub path, so such a host can never appear in a reference.
 */
export function registryHostProblem(value: string): string | undefined {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value)) return 'must be host[:port], without a URL scheme';
  if (value.includes('/')) return 'must be host[:port], without a path';
  if (value.includes('@')) return 'must be host[:port], without credentials';
  const parsed = tryParseReference(`${value}/${PLACEHOLDER_REPOSITORY}`);
  if (!parsed.ok) return parsed.reason;
  if (parsed.ref.registry !== normalizeRegistryHost(value)) {
    return 'is not a registry host (it needs a "." or a ":port", or must be "localhost")';
  }
  return undefined;
}

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
