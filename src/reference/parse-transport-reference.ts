/**
 * Transport-qualified references in skopeo's command-line syntax (containers/image
 * transports/alltransports `ParseImageName`: the transport name is everything before the first ":").
 *
 * - `docker://REF` — as in containers/image docker_transport.go the `//` is mandatory; the reference is
 *   normalised and, unless told otherwise, gets the `latest` tag when it has neither tag nor digest
 *   (`reference.TagNameOnly`). skopeo additionally refuses `name:tag@digest`; ferry accepts it and the
 *   digest wins (see ImageReference).
 * - `oci:PATH[:NAME]` and `oci-archive:PATH[:NAME]` — split at the *first* ":" after the transport, like
 *   containers/image oci/internal `splitPathAndImageNonWindows` (`strings.Cut(reference, ":")`). So the
 *   path can never contain ":" (skopeo's ValidateOCIPath refuses that too) and everything after the first
 *   ":" is the image name, which may itself contain ":" (`oci:/tmp/l:app:v1` → path `/tmp/l`, name
 *   `app:v1`). The name is checked against the OCI `org.opencontainers.image.ref.name` grammar as skopeo
 *   does. skopeo's `oci:PATH:@N` source-index form is not supported. Windows drive-letter paths are not
 *   handled (ferry targets Linux).
 * - `dir:PATH` — containers/image directory transport: the whole rest is the path (it may contain ":").
 * - `docker-archive:PATH[:REF|:@N]` — containers/image docker/archive `ParseReference`: split at the
 *   first ":"; REF is a docker reference, normalised, given `latest` when untagged and refused with a
 *   digest; `@N` (N ≥ 0) selects the N-th manifest.json entry of a source archive.
 */
import { BadReferenceError } from '../errors/kinds.ts';
import { displayValue, hasControlCharacter } from './display-value.ts';
import { OCI_REF_NAME_RE } from './grammar.ts';
import type { TransportReference } from './image-reference.ts';
import { tryParseReference, withDefaultTag } from './parse-reference.ts';
import { UNSUPPORTED_TRANSPORT_REASONS } from './unsupported-transport-reasons.ts';

/** Transports ferry implements, as they must be written on the command line. */
export const SUPPORTED_TRANSPORTS: readonly string[] = Object.freeze([
  'docker://',
  'oci:',
  'oci-archive:',
  'dir:',
  'docker-archive:',
]);

/** Other skopeo transports: recognised so the error can say "not supported" rather than "unknown". */
const UNSUPPORTED_SKOPEO_TRANSPORTS: ReadonlySet<string> = new Set([
  'containers-storage',
  'docker-daemon',
  'ostree',
  'sif',
  'tarball',
]);

export interface ParseTransportReferenceOptions {
  /** Give `docker://` references without tag or digest the `latest` tag, as skopeo does. Default true. */
  readonly defaultTag?: boolean | undefined;
}

export function parseTransportReference(
  input: string,
  options: ParseTransportReferenceOptions = {},
): TransportReference {
  const colon = input.indexOf(':');
  const transport = colon === -1 ? undefined : input.slice(0, colon);
  const rest = colon === -1 ? '' : input.slice(colon + 1);

  switch (transport) {
    case 'docker':
      return parseDocker(input, rest, options.defaultTag ?? true);
    case 'oci':
    case 'oci-archive':
      return parseOci(input, transport, rest);
    case 'dir':
      return parseDir(input, rest);
    case 'docker-archive':
      return parseDockerArchive(input, rest);
    default:
      break;
  }

  if (transport !== undefined && UNSUPPORTED_SKOPEO_TRANSPORTS.has(transport)) {
    throw new BadReferenceError(
      displayValue(input),
      `transport "${transport}:" is not supported by ferry${UNSUPPORTED_TRANSPORT_REASONS[transport] ? `: ${UNSUPPORTED_TRANSPORT_REASONS[transport]}` : ''} (supported: ${SUPPORTED_TRANSPORTS.join(', ')})`,
    );
  }
  // `ubuntu:22.04` or `quay.io:443/x` also contain ":", so check for a bare reference before calling the
  // prefix an unknown transport. skopeo requires the transport; say so and show the fix.
  if (tryParseReference(input).ok) {
    throw new BadReferenceError(
      displayValue(input),
      `missing transport; did you mean "docker://${displayValue(input)}"?`,
    );
  }
  if (transport === undefined || transport === '' || !/^[a-z][a-z0-9-]*$/.test(transport)) {
    throw new BadReferenceError(
      displayValue(input),
      `expected TRANSPORT:REFERENCE (supported transports: ${SUPPORTED_TRANSPORTS.join(', ')})`,
    );
  }
  throw new BadReferenceError(
    displayValue(input),
    `unknown transport "${transport}:" (supported: ${SUPPORTED_TRANSPORTS.join(', ')})`,
  );
}

function parseDocker(input: string, rest: string, defaultTag: boolean): TransportReference {
  if (!rest.startsWith('//')) {
    throw new BadReferenceError(
      displayValue(input),
      'the docker transport is written "docker://" (missing "//")',
    );
  }
  const result = tryParseReference(rest.slice(2));
  // Report against the whole argument: that is what the user typed.
  if (!result.ok) throw new BadReferenceError(displayValue(input), result.reason);
  const ref = defaultTag ? withDefaultTag(result.ref) : result.ref;
  return Object.freeze({ transport: 'docker', ref });
}

function parseOci(input: string, transport: 'oci' | 'oci-archive', rest: string): TransportReference {
  const colon = rest.indexOf(':');
  const path = colon === -1 ? rest : rest.slice(0, colon);
  const name = colon === -1 ? '' : rest.slice(colon + 1);
  if (path === '') throw new BadReferenceError(displayValue(input), `${transport}: path is empty`);
  if (hasControlCharacter(path)) {
    throw new BadReferenceError(displayValue(input), `${transport}: path contains a control character`);
  }
  if (name.startsWith('@')) {
    throw new BadReferenceError(
      displayValue(input),
      `${transport}: source index "${name}" is not supported; name the image instead`,
    );
  }
  if (name !== '' && !OCI_REF_NAME_RE.test(name)) {
    throw new BadReferenceError(
      displayValue(input),
      `${transport}: image name "${name}" is invalid (letters, digits and "-._:@+" separators, "/"-separated components; the path itself cannot contain ":")`,
    );
  }
  return Object.freeze({ transport, path, ...(name === '' ? {} : { refName: name }) });
}

function parseDir(input: string, rest: string): TransportReference {
  if (rest === '') throw new BadReferenceError(displayValue(input), 'dir: path is empty');
  if (hasControlCharacter(rest)) {
    throw new BadReferenceError(displayValue(input), 'dir: path contains a control character');
  }
  return Object.freeze({ transport: 'dir', path: rest });
}

function parseDockerArchive(input: string, rest: string): TransportReference {
  const colon = rest.indexOf(':');
  const path = colon === -1 ? rest : rest.slice(0, colon);
  const spec = colon === -1 ? undefined : rest.slice(colon + 1);
  const bad = (reason: string) => new BadReferenceError(displayValue(input), `docker-archive: ${reason}`);
  if (path === '') throw bad('path is empty');
  if (hasControlCharacter(path)) throw bad('path contains a control character');
  if (spec === undefined || spec === '') return Object.freeze({ transport: 'docker-archive', path });
  if (spec.startsWith('@')) {
    const digits = spec.slice(1);
    if (!/^\d+$/.test(digits) || !Number.isSafeInteger(Number(digits))) {
      throw bad(`invalid source index "${spec}" (expected @N with N a non-negative integer)`);
    }
    return Object.freeze({ transport: 'docker-archive', path, index: Number(digits) });
  }
  const result = tryParseReference(spec);
  if (!result.ok) throw bad(`invalid reference "${spec}": ${result.reason}`);
  if (result.ref.digest !== undefined) throw bad(`digest references are not supported ("${spec}")`);
  return Object.freeze({ transport: 'docker-archive', path, ref: withDefaultTag(result.ref) });
}
