import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { bundleFromJSON } from '@sigstore/bundle';
import { toSignedEntity, Verifier } from '@sigstore/verify';
import { publicKeyHint, signStatementBundle } from './sign-dsse-bundle.ts';

test('a statement signed with a local key is a v0.3 DSSE bundle that @sigstore/verify accepts with the public key', async () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [],
    predicateType: 'x',
    predicate: {},
  };
  const json = await signStatementBundle(statement, privateKey);
  assert.equal(json.mediaType, 'application/vnd.dev.sigstore.bundle.v0.3+json');
  assert.deepEqual(json.verificationMaterial.tlogEntries ?? [], []);
  assert.equal(json.verificationMaterial.publicKey?.hint, publicKeyHint(pem));
  const bundle = bundleFromJSON(json);
  const hint = publicKeyHint(pem);
  const verifier = new Verifier(
    {
      certificateAuthorities: [],
      ctlogs: [],
      tlogs: [],
      timestampAuthorities: [],
      publicKey: (h) => {
        assert.equal(h, hint);
        return { publicKey: publicKey, validFor: () => true };
      },
    },
    { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 },
  );
  verifier.verify(toSignedEntity(bundle));
  assert.deepEqual(JSON.parse(Buffer.from(json.dsseEnvelope!.payload, 'base64').toString()), statement);

  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
  const wrong = new Verifier(
    {
      certificateAuthorities: [],
      ctlogs: [],
      tlogs: [],
      timestampAuthorities: [],
      publicKey: () => ({ publicKey: other, validFor: () => true }),
    },
    { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 },
  );
  assert.throws(() => wrong.verify(toSignedEntity(bundle)));
});
