/**
 * The in-toto statement inside a DSSE envelope (in-toto attestation framework, spec v1 "Statement"):
 * `_type`, `subject: [{ name?, digest: { <alg>: <hex> } }]`, `predicateType`, `predicate`. cosign v3
 * signs an image by signing such a statement whose subject is the image digest and whose predicate type
 * is COSIGN_SIGN_PREDICATE_TYPE (cosign specs/BUNDLE_SPEC.md); `cosign attest` signs the same shape with
 * the attestation's predicate type.
 *
 * Parsing is strict where the gate depends on it (types of `_type`, `subject`, `predicateType`) and
 * lenient elsewhere (unknown fields are ignored, as in-toto asks of consumers). The payload is only
 * trusted after its envelope's signature has been verified.
 */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
/** A DSSE envelope as a layer of cosign's classic `.att` tag (cosign specs/ATTESTATION_SPEC.md). */
export const DSSE_ENVELOPE_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';
/** v1 and v0.1 statement types: cosign v2's attestations still write v0.1. */
export const IN_TOTO_STATEMENT_TYPES: ReadonlySet<string> = new Set([
  'https://in-toto.io/Statement/v1',
  'https://in-toto.io/Statement/v0.1',
]);
/** What `cosign sign` (v3, bundle format) puts as the predicate type of an image signature. */
export const COSIGN_SIGN_PREDICATE_TYPE = 'https://sigstore.dev/cosign/sign/v1';

export interface InTotoSubject {
  readonly name: string | undefined;
  readonly digest: Readonly<Record<string, string>>;
}

export interface InTotoStatement {
  readonly type: string;
  readonly subjects: readonly InTotoSubject[];
  readonly predicateType: string;
  readonly predicate: unknown;
}

export type StatementParse =
  | { readonly ok: true; readonly statement: InTotoStatement }
  | { readonly ok: false; readonly reason: string };

export function parseInTotoStatement(payload: Uint8Array): StatementParse {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    return { ok: false, reason: 'the DSSE payload is not JSON' };
  }
  if (!isObject(json)) return { ok: false, reason: 'the in-toto statement is not a JSON object' };
  const { _type: type, subject, predicateType } = json;
  if (typeof type !== 'string' || !IN_TOTO_STATEMENT_TYPES.has(type)) {
    return { ok: false, reason: `unknown in-toto statement type ${JSON.stringify(type)}` };
  }
  if (typeof predicateType !== 'string' || predicateType === '') {
    return { ok: false, reason: 'the in-toto statement has no predicateType' };
  }
  if (!Array.isArray(subject) || subject.length === 0) {
    return { ok: false, reason: 'the in-toto statement has no subject' };
  }
  const subjects: InTotoSubject[] = [];
  for (const s of subject) {
    if (!isObject(s) || !isObject(s.digest)) {
      return { ok: false, reason: 'an in-toto subject has no digest object' };
    }
    const digest: Record<string, string> = {};
    for (const [alg, hex] of Object.entries(s.digest)) {
      if (typeof hex !== 'string')
        return { ok: false, reason: `in-toto subject digest ${alg} is not a string` };
      digest[alg] = hex;
    }
    subjects.push({ name: typeof s.name === 'string' ? s.name : undefined, digest });
  }
  return { ok: true, statement: { type, subjects, predicateType, predicate: json.predicate } };
}

/**
 * Whether one of the statement's subjects is `digest` (`sha256:<hex>`): the subject's digest map must
 * hold the same algorithm with the same hex (lower-case, as OCI digests are; in-toto's DigestSet
 * compares hex case-insensitively, so an upper-case subject is accepted too).
 */
export function statementNamesDigest(statement: InTotoStatement, digest: string): boolean {
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  return statement.subjects.some((s) => s.digest[algorithm]?.toLowerCase() === hex);
}

/** The digests a statement names, `alg:hex`, for messages. */
export function statementDigests(statement: InTotoStatement): string[] {
  return statement.subjects.flatMap((s) => Object.entries(s.digest).map(([alg, hex]) => `${alg}:${hex}`));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
