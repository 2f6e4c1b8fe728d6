/**
 * Parser for docker-style image references (`[registry/]path[:tag][@digest]`), normalised the way
 * skopeo does it (containers/image docker/reference `ParseNormalizedNamed`, a fork of
 * github.com/distribution/reference normalize.go):
 *
 * - the first `/`-separated component is a registry only if it contains `.` or `:` or is `localhost`;
 *   otherwise the whole name is a Docker Hub path. (distribution/reference additionally treats an
 *   uppercase first component as a registry — `Foo/bar` — skopeo's fork does not, and neither do we:
 *   `Foo/bar` is rejected as not lowercase.)
 * - `docker.io`, `index.docker.io` and (ferry addition) `registry-1.docker.io` all become `docker.io`;
 *   single-component Hub names get `library/`.
 * - the 255-character limit applies to the full normalised name, as in containers/image.
 *
 * Deviations, all stricter: only sha256/sha512 digests are accepted; a port must be 1–65535; anything
 * resembling `user:password@` is refused with a pointed message. Unlike skopeo's docker transport (which
 * refuses `name:tag@digest`), a reference may carry both tag and digest; the digest wins for pulls.
 *
 * Every rejection has a reason naming the offending part. Shell metacharacters, whitespace, control
 * characters and non-ASCII are all outside the grammar and are refused before anything else looks at
 * the string, so a parsed reference is always safe to log and to pass as a single argv element.
 */
import { BadReferenceError } from '../errors/kinds.ts';
import { digestProblem } from './check-digest.ts';
import { domainProblem } from './check-registry-host.ts';
import { pathGrammarProblem } from './check-repository-path.ts';
import { tagProblem } from './check-tag.ts';
import { codePointName, displayValue, findUserinfoPassword } from './display-value.ts';
import { IDENTIFIER_RE, NAME_TOTAL_LENGTH_MAX } from './grammar.ts';
import type { ImageReference } from './image-reference.ts';
import { DOCKER_HUB_REGISTRY, isDockerHubHost, OFFICIAL_REPO_PREFIX } from './registry-host.ts';

/** Tag implied when a reference names neither tag nor digest (normalize.go `defaultTag`). */
export const DEFAULT_TAG = 'latest';

/**
 * Upper bound on the input before any parsing: a maximal valid reference is well under 600 characters
 * (255 name + 128 tag + 135 digest), so anything far beyond that is garbage and not worth scanning.
 */
const INPUT_MAX_LENGTH = 1024;

/** Characters that can appear anywhere in a valid reference (`+` only so digests get a precise reason). */
const REFERENCE_CHAR_RE = /^[A-Za-z0-9._\-:/@[\]+]$/;

const URL_SCHEME_RE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;

export type ParseReferenceResult =
  | { readonly ok: true; readonly ref: ImageReference }
  | { readonly ok: false; readonly reason: string };

/** Parses and normalises `input`; throws BadReferenceError with a precise reason on any violation. */
export function parseReference(input: string): ImageReference {
  const result = tryParseReference(input);
  if (!result.ok) throw new BadReferenceError(displayValue(input), result.reason);
  return result.ref;
}

/** Same as parseReference but returns the reason instead of throwing (for validation without control flow by exception). */
export function tryParseReference(input: string): ParseReferenceResult {
  const reason = precheck(input);
  if (reason !== undefined) return fail(reason);

  const at = input.indexOf('@');
  if (at !== input.lastIndexOf('@')) return fail('contains more than one "@"');
  const nameAndTag = at === -1 ? input : input.slice(0, at);
  const digestPart = at === -1 ? undefined : input.slice(at + 1);

  if (nameAndTag.startsWith('[') && !nameAndTag.includes('/')) {
    return fail('an IPv6 registry address must be followed by "/" and a repository path');
  }

  // The tag separator is the last ":" after the last "/": earlier colons belong to host:port.
  const lastColon = nameAndTag.lastIndexOf(':');
  const hasTag = lastColon > nameAndTag.lastIndexOf('/');
  const name = hasTag ? nameAndTag.slice(0, lastColon) : nameAndTag;
  const tag = hasTag ? nameAndTag.slice(lastColon + 1) : undefined;

  const named = parseName(name);
  if (typeof named === 'string') return fail(named);

  if (tag !== undefined) {
    const tagReason = checkTag(tag);
    if (tagReason !== undefined) return fail(tagReason);
  }
  if (digestPart !== undefined) {
    const digestReason = checkDigest(digestPart);
    if (digestReason !== undefined) return fail(digestReason);
  }

  const ref: ImageReference = {
    registry: named.registry,
    repository: named.repository,
    ...(tag === undefined ? {} : { tag }),
    ...(digestPart === undefined ? {} : { digest: digestPart }),
  };
  return { ok: true, ref: Object.freeze(ref) };
}

/** `ref` with tag `latest` when it has neither tag nor digest (normalize.go `TagNameOnly`); otherwise `ref`. */
export function withDefaultTag(ref: ImageReference): ImageReference {
  if (ref.tag !== undefined || ref.digest !== undefined) return ref;
  return Object.freeze({ ...ref, tag: DEFAULT_TAG });
}

function fail(reason: string): ParseReferenceResult {
  return { ok: false, reason };
}

/** Whole-string checks that give better reasons than the per-part grammar would. */
function precheck(input: string): string | undefined {
  if (input === '') return 'reference is empty';
  if (input.length > INPUT_MAX_LENGTH) return `reference is longer than ${INPUT_MAX_LENGTH} characters`;
  if (findUserinfoPassword(input) !== undefined) {
    return 'looks like it contains credentials ("user:password@"); credentials do not belong in an image reference — use an auth file or a credentials option';
  }
  const scheme = URL_SCHEME_RE.exec(input);
  if (scheme !== null) {
    return `must not start with a URL scheme ("${scheme[1]}://"); write registry/repository[:tag]`;
  }
  for (const char of input) {
    if (REFERENCE_CHAR_RE.test(char)) continue;
    if (char === ' ' || char === '\t') return 'contains whitespace';
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x20 || code === 0x7f) return `contains a control character (${codePointName(char)})`;
    if (code > 0x7f) return `contains a non-ASCII character (${codePointName(char)})`;
    return `contains the character "${char}", which is not allowed in an image reference`;
  }
  if (IDENTIFIER_RE.test(input)) {
    return 'a 64-character hexadecimal string is an image ID, not a repository name';
  }
  return undefined;
}

/** Splits and validates `[registry/]path`; returns the normalised parts or a reason. */
function parseName(name: string): { registry: string; repository: string } | string {
  if (name === '') return 'repository name is empty';

  // containers/image splitDockerDomain: only `.`, `:` or exactly `localhost` make the first component a
  // registry; `foo/bar` is Docker Hub's foo/bar, `localhost/foo` is a local registry.
  const slash = name.indexOf('/');
  const first = slash === -1 ? name : name.slice(0, slash);
  const firstIsDomain = slash !== -1 && (first.includes('.') || first.includes(':') || first === 'localhost');

  let registry: string;
  let path: string;
  if (firstIsDomain) {
    const domainReason = domainProblem(first);
    if (domainReason !== undefined) return domainReason;
    registry = isDockerHubHost(first) ? DOCKER_HUB_REGISTRY : first;
    path = name.slice(slash + 1);
  } else {
    registry = DOCKER_HUB_REGISTRY;
    path = name;
  }

  const pathReason = pathGrammarProblem(path);
  if (pathReason !== undefined) return pathReason;

  if (registry === DOCKER_HUB_REGISTRY && !path.includes('/')) path = OFFICIAL_REPO_PREFIX + path;

  const fullLength = registry.length + 1 + path.length;
  if (fullLength > NAME_TOTAL_LENGTH_MAX) {
    return `name longer than ${NAME_TOTAL_LENGTH_MAX} characters (${fullLength}, counting the registry)`;
  }
  return { registry, repository: path };
}

/** A tag after ":", with the reason naming it (the whole string's characters are already checked). */
function checkTag(tag: string): string | undefined {
  if (tag === '') return 'tag is empty (nothing after ":")';
  const reason = tagProblem(tag);
  if (reason === undefined) return undefined;
  const shown = tag.length > 40 ? `${tag.slice(0, 40)}…` : tag;
  return `tag "${shown}" is invalid: ${reason}`;
}

/** A digest after "@", with the reason naming it. */
function checkDigest(digest: string): string | undefined {
  if (digest === '') return 'digest is empty (nothing after "@")';
  const reason = digestProblem(digest);
  return reason === undefined ? undefined : `digest "${digest}" is invalid: ${reason}`;
}
