import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { signStatementBundle } from '../../src/signature/sign-dsse-bundle.ts';
import { cosignSignStatement } from '../../src/signature/sigstore-fixture.testkit.ts';
import { opensslVerifies, oracleDecrypt, oracleKey } from '../rig/cosign-key-oracle.ts';
import { type BuiltImage, buildCosignSignature, buildImage, buildIndex, pushImage } from '../rig/fixtures.ts';
import { withRig } from '../rig/rig.ts';
import { getManifest, listTags, openSession } from '../rig/rig-client.ts';
import { pushBundleReferrer } from '../rig/sigstore-referrers.ts';
import { runSkopeo } from '../rig/skopeo.ts';
import { runFerry } from '../support/run-ferry.ts';

/*
 * `ferry copy/sync --sign-by-sigstore-private-key` and `--policy` sigstoreSigned, against independent
 * implementations. Debian's skopeo 1.9.3 can neither create nor verify sigstore signatures ("Debian-local
 * change: sigstore disabled"), and skopeo 1.9 has no generate-sigstore-key, so:
 * - the key file format is checked with PyNaCl/libsodium and openssl (test/rig/cosign-key-oracle.ts);
 * - the signature bytes with `openssl dgst -verify`;
 * - the `.sig` attachment with skopeo's own writer: skopeo copies ferry's signature to another
 *   repository (containers/image putSignaturesToSigstoreAttachments) and must write the very same
 *   manifest bytes ferry wrote;
 * - skopeo's policy evaluation still proves that it *found* the signature (it refuses with Debian's
 *   message instead of "no signature exists"); a skopeo built with sigstore must accept it. Where skopeo
 *   is asked to sign, the test accepts Debian's refusal or a signature ferry must then accept.
 */

const rig = await withRig({ after }, { anonymous: true });
const reg = rig.anonymous!;
const H = reg.host;
const dir = join(rig.dir, 'sign');
await mkdir(dir, { recursive: true });
const registriesD = join(dir, 'registries.d');
await mkdir(registriesD);
await writeFile(join(registriesD, 'rig.yaml'), `docker:\n  ${H}:\n    use-sigstore-attachments: true\n`);

const PASSPHRASE = 'correct horse battery staple';
const passFile = join(dir, 'pass');
await writeFile(passFile, `${PASSPHRASE}\nsecond line is ignored\n`, { mode: 0o600 });
// The signing key: openssl-generated, PyNaCl-encrypted. The stranger's key: made by ferry.
const key = await oracleKey(dir, 'signer', PASSPHRASE);
const strangerPrefix = join(dir, 'stranger');
{
  const made = await runFerry([
    'generate-sigstore-key',
    '--output-prefix',
    strangerPrefix,
    '--passphrase-file',
    passFile,
  ]);
  assert.equal(made.code, 0, made.stderr);
}

const DEBIAN_NO_SIGSTORE = 'Debian-local change: sigstore disabled';

let policies = 0;
async function keyPolicy(publicFile: string): Promise<string> {
  const file = join(dir, `policy-${++policies}.json`);
  await writeFile(file, JSON.stringify({ default: [{ type: 'sigstoreSigned', keyPath: publicFile }] }));
  return file;
}
const signerPolicy = await keyPolicy(key.publicFile);
const strangerPolicy = await keyPolicy(`${strangerPrefix}.pub`);

async function pushSource(repository: string, seed: string): Promise<BuiltImage> {
  const image = await buildImage({ layers: [3000], seed: `sign-${seed}`, format: 'oci' });
  await pushImage(reg, repository, 'v1', image);
  return image;
}

const sigTag = (digest: string) => `${digest.replace(':', '-')}.sig`;

async function getBlob(repository: string, digest: string): Promise<Buffer> {
  const session = openSession(reg);
  try {
    const res = await session.send('GET', `/v2/${repository}/blobs/${digest}`, { repo: repository });
    assert.equal(res.status, 200);
    return res.body;
  } finally {
    await session.close();
  }
}

interface SigLayer {
  readonly payload: Buffer;
  readonly signature: string;
  readonly json: { critical: { identity: Record<string, string>; image: Record<string, string> } };
}

/** The `.sig` manifest of `digest` in `repository` (undefined: none) and its layers' payloads. */
async function signatures(
  repository: string,
  digest: string,
): Promise<{ digest: string; layers: SigLayer[] } | undefined> {
  const found = await getManifest(reg, repository, sigTag(digest));
  if (found.status !== 200) return undefined;
  const manifest = JSON.parse(found.bytes.toString('utf8')) as {
    layers: { digest: string; annotations: Record<string, string> }[];
  };
  const layers: SigLayer[] = [];
  for (const layer of manifest.layers) {
    const payload = await getBlob(repository, layer.digest);
    layers.push({
      payload,
      signature: layer.annotations['dev.cosignproject.cosign/signature']!,
      json: JSON.parse(payload.toString('utf8')),
    });
  }
  return { digest: found.digest!, layers };
}

function signArgs(privateFile = key.privateFile, passphraseFile = passFile): string[] {
  return ['--sign-by-sigstore-private-key', privateFile, '--sign-passphrase-file', passphraseFile];
}

async function ferryCopy(
  policy: string | undefined,
  source: string,
  destination: string,
  extra: string[] = [],
) {
  return runFerry([
    'copy',
    ...(policy === undefined ? ['--insecure-policy'] : ['--policy', policy]),
    ...extra,
    '--src-tls-verify=false',
    '--dest-tls-verify=false',
    source,
    destination,
  ]);
}

async function skopeoCopy(
  policy: string | undefined,
  source: string,
  destination: string,
  extra: string[] = [],
) {
  return runSkopeo(
    [
      ...(policy === undefined ? ['--insecure-policy'] : []),
      'copy',
      ...extra,
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      source,
      destination,
    ],
    { registriesD, ...(policy === undefined ? {} : { policyFile: policy }) },
  );
}

describe('ferry copy --sign-by-sigstore-private-key', () => {
  test('generate-sigstore-key writes a key libsodium decrypts to the key of its .pub, and never overwrites', async () => {
    const read = await oracleDecrypt(dir, `${strangerPrefix}.private`, PASSPHRASE);
    assert.equal(read.pemType, 'ENCRYPTED COSIGN PRIVATE KEY');
    assert.equal(read.publicPem, await readFile(`${strangerPrefix}.pub`, 'utf8'));
    const again = await runFerry([
      'generate-sigstore-key',
      '--output-prefix',
      strangerPrefix,
      '--passphrase-file',
      passFile,
    ]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /Refusing to overwrite existing ".*stranger\.private"/);
  });

  test('signs with a libsodium-encrypted key: openssl verifies, skopeo rewrites the same .sig bytes, both policies find it', async () => {
    const image = await pushSource('src/app', 'app');
    const copied = await ferryCopy(
      undefined,
      `docker://${H}/src/app:v1`,
      `docker://${H}/signed/app:v1`,
      signArgs(),
    );
    assert.equal(copied.code, 0, copied.stderr);
    assert.match(
      copied.stdout,
      /Writing manifest to image destination\nSigning manifest using a sigstore signature\nStoring signatures\n/,
    );
    const sig = await signatures('signed/app', image.manifestDigest);
    assert.ok(sig, 'the destination has a .sig tag');
    assert.equal(sig.layers.length, 1);
    const [layer] = sig.layers as [SigLayer];
    assert.deepEqual(layer.json.critical.image, { 'docker-manifest-digest': image.manifestDigest });
    assert.deepEqual(layer.json.critical.identity, { 'docker-reference': `${H}/signed/app:v1` });
    assert.ok(await opensslVerifies(dir, key.publicFile, layer.payload, layer.signature));
    assert.equal(await opensslVerifies(dir, `${strangerPrefix}.pub`, layer.payload, layer.signature), false);

    // containers/image re-creates the attachment from the signature it read: same bytes, same digest.
    const sk = await skopeoCopy(undefined, `docker://${H}/signed/app:v1`, `docker://${H}/skopeo-copy/app:v1`);
    assert.equal(sk.code, 0, sk.stderr);
    assert.equal((await signatures('skopeo-copy/app', image.manifestDigest))?.digest, sig.digest);

    // ferry's policy accepts it with the key and refuses it with another key.
    const ok = await ferryCopy(signerPolicy, `docker://${H}/signed/app:v1`, `docker://${H}/verified/app:v1`);
    assert.equal(ok.code, 0, ok.stderr);
    const refused = await ferryCopy(
      strangerPolicy,
      `docker://${H}/signed/app:v1`,
      `docker://${H}/refused/app:v1`,
    );
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /Source image rejected: cryptographic signature verification failed/);
    assert.equal((await getManifest(reg, 'refused/app', 'v1')).status, 404);

    // skopeo finds the signature under both policies (Debian's build then stops; a full one decides).
    for (const [policy, accepts] of [
      [signerPolicy, true],
      [strangerPolicy, false],
    ] as const) {
      const r = await skopeoCopy(
        policy,
        `docker://${H}/signed/app:v1`,
        `docker://${H}/skopeo-policy/app:v${policies}`,
      );
      if (r.code === 0) assert.ok(accepts, 'skopeo accepted a signature by another key');
      else
        assert.ok(
          r.stderr.includes(DEBIAN_NO_SIGSTORE) ||
            (!accepts && r.stderr.includes('cryptographic signature verification failed')),
          r.stderr,
        );
    }
  });

  test('an index with --sign-identity: every image and the index are signed as that name; ferry --policy admits the index', async () => {
    const index = buildIndex(
      [
        await buildImage({
          layers: [700],
          seed: 'sign-amd',
          platform: { os: 'linux', architecture: 'amd64' },
        }),
        await buildImage({
          layers: [701],
          seed: 'sign-arm',
          platform: { os: 'linux', architecture: 'arm64' },
        }),
      ],
      { oci: true },
    );
    await pushImage(reg, 'src/multi', 'v1', index);
    const copied = await ferryCopy(undefined, `docker://${H}/src/multi:v1`, `docker://${H}/signed/multi:v1`, [
      ...signArgs(),
      '--sign-identity',
      `${H}/release/multi:1.0`,
    ]);
    assert.equal(copied.code, 0, copied.stderr);
    for (const digest of [...index.manifest.manifests.map((m) => m.digest), index.manifestDigest]) {
      const sig = await signatures('signed/multi', digest);
      assert.equal(sig?.layers.length, 1, digest);
      assert.deepEqual(sig.layers[0]!.json.critical.identity, {
        'docker-reference': `${H}/release/multi:1.0`,
      });
      assert.ok(await opensslVerifies(dir, key.publicFile, sig.layers[0]!.payload, sig.layers[0]!.signature));
    }
    // The default signedIdentity wants this very tag; the policy names the signed one instead.
    const refused = await ferryCopy(
      signerPolicy,
      `docker://${H}/signed/multi:v1`,
      `docker://${H}/verified/multi:v0`,
    );
    assert.equal(refused.code, 1);
    assert.ok(
      refused.stderr.includes(`Signature for identity ${H}/release/multi:1.0 is not accepted`),
      refused.stderr,
    );
    const exact = join(dir, 'policy-exact.json');
    const signedIdentity = { type: 'exactReference', dockerReference: `${H}/release/multi:1.0` };
    await writeFile(
      exact,
      JSON.stringify({ default: [{ type: 'sigstoreSigned', keyPath: key.publicFile, signedIdentity }] }),
    );
    const ok = await ferryCopy(exact, `docker://${H}/signed/multi:v1`, `docker://${H}/verified/multi:v1`);
    assert.equal(ok.code, 0, ok.stderr);
  });

  test('a .sig already there (cosign’s, copied with the image) is kept; signing again by the same key adds nothing', async () => {
    const image = await pushSource('src/cosigned', 'cosigned');
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const cosign = buildCosignSignature(image.manifestDigest, `${H}/src/cosigned`, (p) =>
      sign('sha256', p, { key: other.privateKey, dsaEncoding: 'der' }).toString('base64'),
    );
    await pushImage(reg, 'src/cosigned', sigTag(image.manifestDigest), cosign);
    for (let run = 0; run < 2; run++) {
      const r = await ferryCopy(
        undefined,
        `docker://${H}/src/cosigned:v1`,
        `docker://${H}/signed/cosigned:v1`,
        signArgs(),
      );
      assert.equal(r.code, 0, r.stderr);
    }
    const sig = await signatures('signed/cosigned', image.manifestDigest);
    assert.deepEqual(
      sig?.layers.map((l) => l.json.critical.identity['docker-reference']),
      [`${H}/src/cosigned`, `${H}/signed/cosigned:v1`],
    );
  });

  test('a wrong passphrase, a public key or no passphrase file: exit 2 naming the file, nothing written, no secret echoed', async () => {
    await pushSource('src/bad', 'bad');
    const wrong = join(dir, 'wrong-pass');
    await writeFile(wrong, 'hunter2\n');
    for (const [args, says] of [
      [
        signArgs(key.privateFile, wrong),
        `${key.privateFile}: cannot use the sigstore private key: decryption failed`,
      ],
      [
        signArgs(key.publicFile),
        `${key.publicFile}: cannot use the sigstore private key: unsupported pem type: PUBLIC KEY`,
      ],
      [['--sign-by-sigstore-private-key', key.privateFile], 'needs --sign-passphrase-file'],
      [
        signArgs(join(dir, 'missing.private')),
        'missing.private: cannot read private key: file does not exist',
      ],
    ] as const) {
      const r = await ferryCopy(undefined, `docker://${H}/src/bad:v1`, `docker://${H}/bad/app:v1`, [...args]);
      assert.equal(r.code, 2, r.stderr);
      assert.ok(r.stderr.includes(says), r.stderr);
      assert.doesNotMatch(r.stderr, /hunter2|correct horse/);
      assert.deepEqual(await listTags(reg, 'bad/app'), [], 'nothing is written');
    }
  });

  test('skopeo signing with the same key: ferry --policy accepts what it writes (Debian’s skopeo cannot sign)', async () => {
    const image = await pushSource('src/by-skopeo', 'by-skopeo');
    const r = await skopeoCopy(
      undefined,
      `docker://${H}/src/by-skopeo:v1`,
      `docker://${H}/skopeo-signed/app:v1`,
      signArgs(),
    );
    if (r.code !== 0) {
      assert.ok(r.stderr.includes(DEBIAN_NO_SIGSTORE), r.stderr);
      return;
    }
    assert.ok(await signatures('skopeo-signed/app', image.manifestDigest));
    const ok = await ferryCopy(
      signerPolicy,
      `docker://${H}/skopeo-signed/app:v1`,
      `docker://${H}/verified/by-skopeo:v1`,
    );
    assert.equal(ok.code, 0, ok.stderr);
  });
});

describe('ferry sync --sign-by-sigstore-private-key', () => {
  test('each synced tag is signed under its destination name; a second run adds nothing', async () => {
    const image = await pushSource('sync-src/app', 'sync');
    for (let run = 0; run < 2; run++) {
      const r = await runFerry([
        'sync',
        '--insecure-policy',
        ...signArgs(),
        ...['--src-tls-verify=false', '--dest-tls-verify=false', '--src', 'docker', '--dest', 'docker'],
        `${H}/sync-src/app`,
        `${H}/sync-dst`,
      ]);
      assert.equal(r.code, 0, r.stderr);
    }
    const sig = await signatures('sync-dst/app', image.manifestDigest);
    assert.deepEqual(
      sig?.layers.map((l) => l.json.critical.identity['docker-reference']),
      [`${H}/sync-dst/app:v1`],
    );
    assert.ok(await opensslVerifies(dir, key.publicFile, sig.layers[0]!.payload, sig.layers[0]!.signature));
  });
});

describe('--policy sigstoreSigned reads cosign v3 Sigstore bundles too', () => {
  test('a bundle signed with the key (@sigstore/sign) is accepted; with another key refused; skopeo 1.9 sees no signature', async () => {
    const signer = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const publicFile = join(dir, 'bundle-signer.pub');
    await writeFile(publicFile, signer.publicKey.export({ type: 'spki', format: 'pem' }));
    const bundlePolicy = await keyPolicy(publicFile);

    const image = await pushSource('src/bundled', 'bundled');
    const subject = {
      digest: image.manifestDigest,
      size: image.manifestBytes.byteLength,
      mediaType: image.mediaType,
    };
    await pushBundleReferrer(
      reg,
      'src/bundled',
      subject,
      await signStatementBundle(cosignSignStatement(image.manifestDigest), signer.privateKey),
    );
    const ok = await ferryCopy(
      bundlePolicy,
      `docker://${H}/src/bundled:v1`,
      `docker://${H}/bundle-ok/app:v1`,
    );
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal((await getManifest(reg, 'bundle-ok/app', 'v1')).digest, image.manifestDigest);

    const refused = await ferryCopy(
      signerPolicy,
      `docker://${H}/src/bundled:v1`,
      `docker://${H}/bundle-refused/app:v1`,
    );
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /Source image rejected: Sigstore bundle sha256:[0-9a-f]{64}: the bundle signature verifies with none of the configured public keys/,
    );
    assert.equal((await getManifest(reg, 'bundle-refused/app', 'v1')).status, 404);

    // containers/image 1.9 reads only `.sig` attachments: for skopeo the image is unsigned.
    const sk = await skopeoCopy(
      bundlePolicy,
      `docker://${H}/src/bundled:v1`,
      `docker://${H}/bundle-skopeo/app:v1`,
    );
    assert.equal(sk.code, 1);
    assert.ok(sk.stderr.includes('A signature was required, but no signature exists'), sk.stderr);
  });
});
