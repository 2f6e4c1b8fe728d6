/**
 * policy.json → Policy, as strictly as containers/image v5.23 signature/policy_config.go: unknown and
 * duplicate keys are errors (a typo in a security policy must not be silently ignored), every
 * requirement list is non-empty, requirement and identity types are checked field by field, and
 * transport scopes are validated the way each transport's ValidatePolicyConfigurationScope does.
 *
 * Unlike containers/image, an error names where in the document it is (`transports.docker["reg/x"][0]`)
 * and, for an invalid scope, why (containers/image only says `Unknown key`).
 */
import { posix } from 'node:path';
import { tryParseReference } from '../reference/parse-reference.ts';
import { type JsonPath, parseStrictJson } from '../signature/strict-json.ts';
import { PolicyConfigError } from './policy-errors.ts';
import type { IdentityMatch, Policy, PolicyRequirement } from './policy-types.ts';

type Problem = (path: JsonPath, reason: string) => never;

export function parsePolicy(text: string, file: string): Policy {
  const fail: Problem = (path, reason) => {
    throw PolicyConfigError.invalid(file, path, reason);
  };
  const parsed = parseStrictJson(text);
  if (!parsed.ok) return fail(parsed.path, parsed.reason);
  const top = object(parsed.value, [], fail);
  allowKeys(top, ['default', 'transports'], [], fail);
  if (!Object.hasOwn(top, 'default')) fail([], 'Default policy is missing ("default" is required)');
  const defaults = requirements(top.default, ['default'], fail);
  const transports = new Map<string, Map<string, readonly PolicyRequirement[]>>();
  if (Object.hasOwn(top, 'transports')) {
    for (const [transport, scopesValue] of Object.entries(object(top.transports, ['transports'], fail))) {
      const path = ['transports', transport];
      const scopes = new Map<string, readonly PolicyRequirement[]>();
      for (const [scope, value] of Object.entries(object(scopesValue, path, fail))) {
        if (scope !== '') {
          const invalid = scopeProblem(transport, scope);
          if (invalid !== undefined) fail([...path, scope], `invalid scope: ${invalid}`);
        }
        scopes.set(scope, requirements(value, [...path, scope], fail));
      }
      transports.set(transport, scopes);
    }
  }
  return { default: defaults, transports };
}

/**
 * Why `scope` cannot be a key of `transports[transport]`, or undefined. Transports ferry does not know
 * get no check, as in containers/image for transports it has not registered.
 */
function scopeProblem(transport: string, scope: string): string | undefined {
  switch (transport) {
    case 'docker':
      // docker_transport.go: any string; the most specific of repo:tag, repo, its namespaces, host wins.
      return undefined;
    case 'docker-daemon':
      return /^(sha256:[a-f0-9]{64}|sha384:[a-f0-9]{96}|sha512:[a-f0-9]{128})$/.test(scope)
        ? `docker-daemon: can not use algo:digest value ${scope} as a namespace`
        : undefined;
    case 'dir':
    case 'oci':
    case 'oci-archive': {
      if (!scope.startsWith('/')) return `${scope} must be an absolute path`;
      if (scope === '/') return 'use the generic default scope "" instead of "/"';
      const cleaned = cleanPath(scope);
      return cleaned === scope ? undefined : `${scope} is not in canonical form, perhaps try ${cleaned}`;
    }
    case 'docker-archive':
      return 'docker-archive: does not support any scopes except the default "" one';
    default:
      return undefined;
  }
}

/** Go's filepath.Clean for absolute paths: no `.`, `..`, doubled or trailing slashes. */
export function cleanPath(path: string): string {
  const normalised = posix.normalize(path);
  return normalised.length > 1 && normalised.endsWith('/') ? normalised.slice(0, -1) : normalised;
}

function requirements(value: unknown, path: JsonPath, fail: Problem): readonly PolicyRequirement[] {
  if (!Array.isArray(value)) return fail(path, 'expected a list of requirements');
  if (value.length === 0) return fail(path, 'List of verification policy requirements must not be empty');
  return value.map((entry, i) => requirement(entry, [...path, i], fail));
}

function requirement(value: unknown, path: JsonPath, fail: Problem): PolicyRequirement {
  const o = object(value, path, fail);
  const type = o.type;
  if (typeof type !== 'string') return fail([...path, 'type'], 'a requirement needs a string "type"');
  switch (type) {
    case 'insecureAcceptAnything':
    case 'reject':
      allowKeys(o, ['type'], path, fail);
      return { type };
    case 'sigstoreSigned':
      return sigstoreSigned(o, path, fail);
    case 'signedBy': {
      allowKeys(o, ['type', 'keyType', 'keyPath', 'keyPaths', 'keyData', 'signedIdentity'], path, fail);
      const keyType = o.keyType;
      if (
        typeof keyType !== 'string' ||
        !['GPGKeys', 'signedByGPGKeys', 'X509Certificates', 'signedByX509CAs'].includes(keyType)
      ) {
        return fail([...path, 'keyType'], `invalid keyType ${JSON.stringify(keyType ?? '')}`);
      }
      const sources = ['keyPath', 'keyPaths', 'keyData'].filter((k) => Object.hasOwn(o, k));
      if (sources.length !== 1) {
        return fail(path, 'exactly one of keyPath, keyPaths and keyData must be specified');
      }
      if (Object.hasOwn(o, 'signedIdentity')) identity(o.signedIdentity, [...path, 'signedIdentity'], fail);
      return { type, keyType };
    }
    case 'signedBaseLayer':
      allowKeys(o, ['type', 'baseLayerIdentity'], path, fail);
      if (!Object.hasOwn(o, 'baseLayerIdentity')) return fail(path, 'Key "baseLayerIdentity" missing');
      identity(o.baseLayerIdentity, [...path, 'baseLayerIdentity'], fail);
      return { type };
    default:
      return fail([...path, 'type'], `Unknown policy requirement type ${JSON.stringify(type)}`);
  }
}

function sigstoreSigned(o: Record<string, unknown>, path: JsonPath, fail: Problem): PolicyRequirement {
  for (const key of Object.keys(o)) {
    if (['fulcio', 'rekorPublicKeyPath', 'rekorPublicKeyData'].includes(key)) {
      // Added to containers/image after v5.23 (skopeo 1.9 refuses them too).
      fail(
        [...path, key],
        `Unknown key "${key}": Fulcio/Rekor verification is not supported; use keyPath or keyData`,
      );
    }
  }
  allowKeys(o, ['type', 'keyPath', 'keyData', 'signedIdentity'], path, fail);
  const hasPath = Object.hasOwn(o, 'keyPath');
  const hasData = Object.hasOwn(o, 'keyData');
  if (hasPath && hasData) return fail(path, 'keyPath and keyData cannot be used simultaneously');
  if (!hasPath && !hasData) return fail(path, 'At least one of keyPath and keyData must be specified');
  const signedIdentity: IdentityMatch = Object.hasOwn(o, 'signedIdentity')
    ? identity(o.signedIdentity, [...path, 'signedIdentity'], fail)
    : { type: 'matchRepoDigestOrExact' };
  if (hasPath) {
    if (typeof o.keyPath !== 'string' || o.keyPath === '') {
      return fail([...path, 'keyPath'], 'keyPath must be a non-empty string');
    }
    return { type: 'sigstoreSigned', keyPath: o.keyPath, signedIdentity };
  }
  // Go decodes a JSON string into []byte as standard, padded base64.
  if (
    typeof o.keyData !== 'string' ||
    o.keyData.length % 4 !== 0 ||
    !/^[A-Za-z0-9+/]*={0,2}$/.test(o.keyData)
  ) {
    return fail([...path, 'keyData'], 'keyData must be a base64 string (of the PEM public key)');
  }
  return { type: 'sigstoreSigned', keyData: Buffer.from(o.keyData, 'base64'), signedIdentity };
}

function identity(value: unknown, path: JsonPath, fail: Problem): IdentityMatch {
  const o = object(value, path, fail);
  const type = o.type;
  switch (type) {
    case 'matchExact':
    case 'matchRepoDigestOrExact':
    case 'matchRepository':
      allowKeys(o, ['type'], path, fail);
      return { type };
    case 'exactReference': {
      requireKeys(o, ['type', 'dockerReference'], path, fail);
      const ref = dockerReference(o.dockerReference, [...path, 'dockerReference'], fail);
      if (ref.tag === undefined && ref.digest === undefined) {
        fail(
          [...path, 'dockerReference'],
          `dockerReference ${o.dockerReference} contains neither a tag nor digest`,
        );
      }
      return { type, dockerReference: o.dockerReference as string };
    }
    case 'exactRepository':
      requireKeys(o, ['type', 'dockerRepository'], path, fail);
      dockerReference(o.dockerRepository, [...path, 'dockerRepository'], fail);
      return { type, dockerRepository: o.dockerRepository as string };
    case 'remapIdentity': {
      requireKeys(o, ['type', 'prefix', 'signedPrefix'], path, fail);
      for (const key of ['prefix', 'signedPrefix'] as const) {
        const v = o[key];
        if (typeof v !== 'string' || !isValidRemapPrefix(v)) {
          fail(
            [...path, key],
            `prefix ${JSON.stringify(v)} is not valid (a host[:port] or host[:port]/path)`,
          );
        }
      }
      return { type, prefix: o.prefix as string, signedPrefix: o.signedPrefix as string };
    }
    default:
      return fail([...path, 'type'], `Unknown policy reference match type ${JSON.stringify(type ?? '')}`);
  }
}

function dockerReference(value: unknown, path: JsonPath, fail: Problem) {
  if (typeof value !== 'string') return fail(path, 'expected a string');
  const parsed = tryParseReference(value);
  if (!parsed.ok) return fail(path, `Invalid format of ${value}: ${parsed.reason}`);
  return parsed.ref;
}

// containers/image docker/reference v5.23: DomainRegexp (no IPv6 there) and NameRegexp.
const DOMAIN =
  '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?';
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*';
const DOMAIN_RE = new RegExp(`^${DOMAIN}$`);
const DOMAIN_PREFIX_RE = new RegExp(`^${DOMAIN}/`);
const NAME_RE = new RegExp(`^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);

/** policy_config.go validateIdentityRemappingPrefix: a host[:port], or a name that starts with one. */
function isValidRemapPrefix(s: string): boolean {
  return DOMAIN_RE.test(s) || (NAME_RE.test(s) && DOMAIN_PREFIX_RE.test(s));
}

function object(value: unknown, path: JsonPath, fail: Problem): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(path, 'expected a JSON object');
  }
  return value as Record<string, unknown>;
}

function allowKeys(
  o: Record<string, unknown>,
  allowed: readonly string[],
  path: JsonPath,
  fail: Problem,
): void {
  for (const key of Object.keys(o)) if (!allowed.includes(key)) fail([...path, key], `Unknown key "${key}"`);
}

/** Exactly these keys (containers/image ParanoidUnmarshalJSONObjectExactFields). */
function requireKeys(
  o: Record<string, unknown>,
  keys: readonly string[],
  path: JsonPath,
  fail: Problem,
): void {
  allowKeys(o, keys, path, fail);
  for (const key of keys) if (!Object.hasOwn(o, key)) fail(path, `Key "${key}" missing in a JSON object`);
}
