import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { signaturePolicySchema } from './signature-policy-schema.ts';

const schema = signaturePolicySchema({
  filePath: z
    .string()
    .min(1)
    .transform((p) => (p.startsWith('/') ? p : `/etc/ferry/${p}`)),
});

function problems(input: unknown): string[] {
  const parsed = schema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

const GITHUB = 'https://token.actions.githubusercontent.com';

test('defaults: not required, the log required, only cosign sign/v1 counts as a signature', () => {
  assert.deepEqual(schema.parse(undefined), {
    required: false,
    publicKeyFiles: [],
    identities: [],
    tlog: true,
    predicateTypes: ['https://sigstore.dev/cosign/sign/v1'],
    attestations: [],
  });
});

test('a keyless policy with attestations parses, paths resolved', () => {
  const parsed = schema.parse({
    required: true,
    trustedRootFile: 'sigstore/trusted_root.json',
    identities: [
      { issuer: GITHUB, subjectRegExp: '^https://github\\.com/acme/.+$' },
      { issuer: GITHUB, subject: 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1' },
    ],
    predicateTypes: 'any',
    attestations: [{ predicateType: 'https://slsa.dev/provenance/v1' }],
  });
  assert.equal(parsed.trustedRootFile, '/etc/ferry/sigstore/trusted_root.json');
  assert.equal(parsed.predicateTypes, 'any');
  assert.equal(parsed.identities.length, 2);
});

test('a required signature needs a key or an identity, and the trusted root they depend on', () => {
  assert.deepEqual(problems({ required: true }), [
    'publicKeyFiles: a required signature needs at least one public key file or identity',
  ]);
  assert.deepEqual(problems({ required: true, publicKeyFiles: ['cosign.pub'] }), [
    'trustedRootFile: key-based signatures are checked against the transparency log: set trustedRootFile (Sigstore trusted_root.json) or tlog: false (as cosign --insecure-ignore-tlog)',
  ]);
  assert.deepEqual(problems({ required: true, publicKeyFiles: ['cosign.pub'], tlog: false }), []);
  assert.deepEqual(
    problems({ required: true, identities: [{ issuer: GITHUB, subject: 'x' }], tlog: false }),
    ['trustedRootFile: keyless identities need the Sigstore trusted root (trusted_root.json)'],
  );
  // Not required: nothing is checked (the loader warns that the keys are ignored).
  assert.deepEqual(problems({ publicKeyFiles: ['cosign.pub'] }), []);
});

test('identities: exactly one of subject and subjectRegExp, a valid expression, no unknown keys', () => {
  const at = (identity: unknown) => problems({ identities: [identity] });
  assert.deepEqual(at({ issuer: GITHUB }), [
    'identities.0: an identity takes exactly one of subject, subjectRegExp',
  ]);
  assert.deepEqual(at({ issuer: GITHUB, subject: 'a', subjectRegExp: 'b' }), [
    'identities.0: an identity takes exactly one of subject, subjectRegExp',
  ]);
  assert.match(
    at({ issuer: GITHUB, subjectRegExp: '^(unclosed' })[0]!,
    /identities\.0\.subjectRegExp: is not a valid regular expression/,
  );
  assert.match(at({ issuer: GITHUB, subject: 'a', sub: 'b' })[0]!, /identities\.0: Unrecognized key/);
  assert.match(problems({ predicateTypes: [] })[0]!, /predicateTypes: predicateTypes is empty/);
  assert.match(problems({ attestations: [{}] })[0]!, /attestations\.0\.predicateType/);
});
