/**
 * A content digest on its own (`sha256:<64 hex>`): the `digest` grammar of distribution/reference, with
 * the encoded part checked the way go-digest's Validate() does (lowercase hex of the algorithm's size).
 * Only sha256 and sha512 are accepted; anything else could not be verified by ferry.
 */
import { DIGEST_ALGORITHM_RE, DIGEST_ENCODINGS } from './grammar.ts';
import { characterProblem } from './part-characters.ts';

const DIGEST_CHAR_RE = /^[A-Za-z0-9:+._-]$/;

/** Why `digest` is not a supported digest (a phrase that reads after `"…" is invalid: `), or undefined. */
export function digestProblem(digest: string): string | undefined {
  if (digest === '') return 'is empty';
  const bad = characterProblem(digest, DIGEST_CHAR_RE, 'e.g. "sha256:<64 lowercase hex digits>"');
  if (bad !== undefined) return bad;
  const colon = digest.indexOf(':');
  if (colon === -1) return 'expected "algorithm:hex", e.g. "sha256:…"';
  const algorithm = digest.slice(0, colon);
  const encoded = digest.slice(colon + 1);
  if (!DIGEST_ALGORITHM_RE.test(algorithm)) return `algorithm "${algorithm}" is invalid`;
  const encoding = DIGEST_ENCODINGS[algorithm];
  if (encoding === undefined) {
    return `algorithm "${algorithm}" is not supported (supported: ${Object.keys(DIGEST_ENCODINGS).join(', ')})`;
  }
  if (encoded.length !== encoding.hexLength || !/^[a-f0-9]*$/.test(encoded)) {
    return `${algorithm} digest must be ${encoding.hexLength} lowercase hex characters (got ${describeEncoded(encoded)})`;
  }
  return undefined;
}

function describeEncoded(encoded: string): string {
  if (/[A-F]/.test(encoded) && /^[a-fA-F0-9]*$/.test(encoded)) return 'uppercase hex';
  if (!/^[a-f0-9]*$/.test(encoded)) return 'non-hex characters';
  return `${encoded.length}`;
}
