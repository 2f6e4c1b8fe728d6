import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type SigstoreServices, startSigstoreServices } from './sigstore-fixture.testkit.ts';
import { parseTrustedRoot } from './sigstore-trust.ts';

let a: SigstoreServices;
let b: SigstoreServices;
before(async () => {
  [a, b] = await Promise.all([startSigstoreServices(), startSigstoreServices()]);
});
after(async () => {
  await a.close();
  await b.close();
});

test('a trusted_root.json is read; the JSON Lines of gh attestation trusted-root are merged', () => {
  const one = parseTrustedRoot(Buffer.from(JSON.stringify(a.trustedRoot, null, 2)));
  assert.ok(one.ok);
  assert.equal(one.material.tlogs.length, 1);
  assert.equal(one.material.certificateAuthorities.length, 1);
  const lines = `${JSON.stringify(a.trustedRoot)}\n${JSON.stringify(b.trustedRoot)}\n`;
  const two = parseTrustedRoot(Buffer.from(lines));
  assert.ok(two.ok);
  assert.equal(two.material.tlogs.length, 2);
  assert.equal(two.material.certificateAuthorities.length, 2);
  assert.equal(two.material.ctlogs.length, 2);
});

test('other files are refused with why', () => {
  const reason = (text: string) => {
    const parsed = parseTrustedRoot(Buffer.from(text));
    return parsed.ok ? 'accepted' : parsed.reason;
  };
  assert.equal(reason('-----BEGIN PUBLIC KEY-----'), 'not JSON');
  assert.equal(reason(''), 'empty');
  assert.equal(reason('[]'), 'not a JSON object');
  assert.match(reason('{"mediaType":"application/json"}'), /is not a Sigstore trusted root/);
  assert.match(
    reason('{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1"}'),
    /neither transparency logs nor certificate authorities/,
  );
});
