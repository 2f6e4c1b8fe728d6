import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { type BuiltImage, buildCosignSignature, buildImage, buildIndex, pushImage } from '../rig/fixtures.ts';
import { withRig } from '../rig/rig.ts';
import { getManifest, listTags, openSession, pushBlob, putManifest } from '../rig/rig-client.ts';
import { runCommand } from '../rig/run-command.ts';
import { runSkopeo } from '../rig/skopeo.ts';
import { runFerry } from '../support/run-ferry.ts';

/*
 * `ferry copy` / `ferry sync` under a containers policy.json, with skopeo 1.9.3 as the oracle: the same
 * policy file and the same source image go to both, and both must accept or refuse, for the same
 * reason, writing nothing when they refuse.
 *
 * One limit of the oracle: Debian's skopeo 1.9.3 is built without sigstore verification ("Debian-local
 * change: sigstore disabled"): it refuses every image that *has* a sigstore signature. Where a signature
 * exists, skopeo still proves that it found the same signature ferry found (it refuses with that
 * message instead of "no signature exists"), and openssl, an independent implementation, checks the
 * signature bytes themselves (`openssl dgst -sha256 -verify`). A skopeo built with sigstore must accept
 * what ferry accepts; the test allows exactly those two answers.
 */

const rig = await withRig({ after }, { anonymous: true });
const reg = rig.anonymous!;
const H = reg.host;
const dir = join(rig.dir, 'policy');
await mkdir(dir, { recursive: true });

// skopeo reads sigstore attachments only where registries.d enables them.
const registriesD = join(dir, 'registries.d');
await mkdir(registriesD);
await writeFile(join(registriesD, 'rig.yaml'), `docker:\n  ${H}:\n    use-sigstore-attachments: true\n`);

const signer = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const keyFile = join(dir, 'cosign.pub');
await writeFile(keyFile, signer.publicKey.export({ type: 'spki', format: 'pem' }));

let policies = 0;
async function policyFile(policy: unknown): Promise<string> {
  const file = join(dir, `policy-${++policies}.json`);
  await writeFile(file, typeof policy === 'string' ? policy : JSON.stringify(policy));
  return file;
}

const signWith =
  (key = signer.privateKey) =>
  (payload: Buffer) =>
    sign('sha256', payload, { key, dsaEncoding: 'der' }).toString('base64');

/** Pushes `sha256-<digest>.sig` signing `signedDigest` (default: the image itself) for `reference`. */
async function pushSignature(
  repository: string,
  digest: string,
  options: { key?: typeof signer.privateKey; signedDigest?: string; reference?: string } = {},
): Promise<BuiltImage> {
  const sig = buildCosignSignature(
    options.signedDigest ?? digest,
    options.reference ?? `${H}/${repository}:v1`,
    signWith(options.key),
  );
  await pushImage(reg, repository, `${digest.replace(':', '-')}.sig`, sig);
  return sig;
}

async function pushSource(repository: string, seed: string, tag = 'v1'): Promise<BuiltImage> {
  const image = await buildImage({ layers: [4000], seed: `policy-${seed}`, format: 'oci' });
  await pushImage(reg, repository, tag, image);
  return image;
}

let copies = 0;
interface Outcome {
  readonly code: number;
  readonly stderr: string;
  /** What the destination tag holds afterwards (undefined: nothing was written). */
  readonly written: string | undefined;
}

async function destinationDigest(repository: string): Promise<string | undefined> {
  const found = await getManifest(reg, repository, 'v1');
  return found.status === 200 ? found.digest : undefined;
}

/** The same copy with skopeo and with ferry, each to a fresh destination repository. */
async function bothCopy(
  policy: string,
  source: string,
  extra: { skopeoGlobal?: string[]; skopeo?: string[]; ferry?: string[] } = {},
): Promise<{ skopeo: Outcome; ferry: Outcome }> {
  const n = ++copies;
  const sk = await runSkopeo(
    [
      ...(extra.skopeoGlobal ?? []),
      'copy',
      ...(extra.skopeo ?? []),
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      source,
      `docker://${H}/out-skopeo/c${n}:v1`,
    ],
    { policyFile: policy, registriesD },
  );
  const fe = await runFerry([
    'copy',
    '--policy',
    policy,
    ...(extra.ferry ?? []),
    '--src-tls-verify=false',
    '--dest-tls-verify=false',
    source,
    `docker://${H}/out-ferry/c${n}:v1`,
  ]);
  return {
    skopeo: { code: sk.code, stderr: sk.stderr, written: await destinationDigest(`out-skopeo/c${n}`) },
    ferry: { code: fe.code, stderr: fe.stderr, written: await destinationDigest(`out-ferry/c${n}`) },
  };
}

const DEBIAN_NO_SIGSTORE = 'Debian-local change: sigstore disabled';
const NO_STACK = /\n\s+at .+:\d+:\d+/;

function refusedAlike(r: { skopeo: Outcome; ferry: Outcome }, reason: string): void {
  assert.equal(r.skopeo.code, 1, r.skopeo.stderr);
  assert.equal(r.ferry.code, 1, r.ferry.stderr);
  // skopeo logs through logrus, which escapes the quotes inside msg="…".
  const skopeoSays = r.skopeo.stderr.replaceAll('\\"', '"');
  assert.ok(skopeoSays.includes(`Source image rejected: ${reason}`), r.skopeo.stderr);
  assert.ok(r.ferry.stderr.includes(`Source image rejected: ${reason}`), r.ferry.stderr);
  assert.match(r.ferry.stderr, /\[FERRY_E_POLICY_REJECTED\]/);
  assert.doesNotMatch(r.ferry.stderr, NO_STACK);
  assert.equal(r.skopeo.written, undefined);
  assert.equal(r.ferry.written, undefined, 'a refused image leaves nothing at the destination');
}

/** openssl's verdict on the signature layer of a pushed `.sig` image. */
async function opensslVerifies(sig: BuiltImage, publicKey = keyFile): Promise<boolean> {
  const layer = sig.layers[0]!;
  const payloadFile = join(dir, `payload-${copies}-${layer.digest.slice(7, 19)}`);
  const sigFile = `${payloadFile}.der`;
  await writeFile(payloadFile, layer.bytes!);
  const annotation = sig.manifest.layers[0]!.annotations!['dev.cosignproject.cosign/signature']!;
  await writeFile(sigFile, Buffer.from(annotation, 'base64'));
  const r = await runCommand('openssl', [
    'dgst',
    '-sha256',
    '-verify',
    publicKey,
    '-signature',
    sigFile,
    payloadFile,
  ]);
  return r.code === 0 && r.stdout.includes('Verified OK');
}

const signedPolicy = await policyFile({ default: [{ type: 'sigstoreSigned', keyPath: keyFile }] });

describe('containers policy.json on ferry copy, against skopeo', () => {
  test('insecureAcceptAnything: both copy, same digest', async () => {
    const image = await pushSource('p/accept', 'accept');
    const policy = await policyFile({ default: [{ type: 'insecureAcceptAnything' }] });
    const r = await bothCopy(policy, `docker://${H}/p/accept:v1`);
    assert.equal(r.skopeo.code, 0, r.skopeo.stderr);
    assert.equal(r.ferry.code, 0, r.ferry.stderr);
    assert.equal(r.skopeo.written, image.manifestDigest);
    assert.equal(r.ferry.written, image.manifestDigest);
  });

  test('reject by default: both refuse with "Running image … is rejected by policy."', async () => {
    await pushSource('p/reject', 'reject', 'latest');
    const policy = await policyFile({ default: [{ type: 'reject' }] });
    // The tag both add (`:latest`) is part of the name both quote.
    refusedAlike(
      await bothCopy(policy, `docker://${H}/p/reject`),
      `Running image docker://${H}/p/reject:latest is rejected by policy.`,
    );
  });

  test('--insecure-policy accepts what the policy would refuse', async () => {
    const image = await pushSource('p/insecure', 'insecure');
    const policy = await policyFile({ default: [{ type: 'reject' }] });
    const r = await bothCopy(policy, `docker://${H}/p/insecure:v1`, {
      skopeoGlobal: ['--insecure-policy'],
      ferry: ['--insecure-policy'],
    });
    assert.equal(r.skopeo.code, 0, r.skopeo.stderr);
    assert.equal(r.ferry.code, 0, r.ferry.stderr);
    assert.equal(r.ferry.written, image.manifestDigest);
  });

  test('scopes: the most specific docker scope applies (repository, namespace, host, tag)', async () => {
    await pushSource('team/open', 'scope-open');
    await pushSource('team/closed', 'scope-closed');
    await pushSource('other/app', 'scope-other');
    await pushSource('other/app', 'scope-other-pinned', 'pinned');
    const policy = await policyFile({
      default: [{ type: 'insecureAcceptAnything' }],
      transports: {
        docker: {
          [`${H}/team`]: [{ type: 'reject' }],
          [`${H}/team/open`]: [{ type: 'insecureAcceptAnything' }],
          [H]: [{ type: 'reject' }],
          [`${H}/other/app:pinned`]: [{ type: 'insecureAcceptAnything' }],
        },
      },
    });
    for (const [source, allowed] of [
      [`team/open:v1`, true],
      [`team/closed:v1`, false],
      [`other/app:v1`, false],
      [`other/app:pinned`, true],
    ] as const) {
      const r = await bothCopy(policy, `docker://${H}/${source}`);
      if (allowed) {
        assert.equal(r.skopeo.code, 0, `${source}: ${r.skopeo.stderr}`);
        assert.equal(r.ferry.code, 0, `${source}: ${r.ferry.stderr}`);
      } else {
        refusedAlike(r, `Running image docker://${H}/${source} is rejected by policy.`);
      }
    }
  });

  test('sigstoreSigned, no signature: both refuse with "A signature was required, but no signature exists"', async () => {
    await pushSource('s/unsigned', 'unsigned');
    refusedAlike(
      await bothCopy(signedPolicy, `docker://${H}/s/unsigned:v1`),
      'A signature was required, but no signature exists',
    );
  });

  test('sigstoreSigned, good signature: ferry copies; skopeo found the same signature; openssl verifies it', async () => {
    const image = await pushSource('s/good', 'good');
    const sig = await pushSignature('s/good', image.manifestDigest);
    assert.ok(await opensslVerifies(sig), 'openssl verifies the signature with the policy key');
    const r = await bothCopy(signedPolicy, `docker://${H}/s/good:v1`);
    assert.equal(r.ferry.code, 0, r.ferry.stderr);
    assert.equal(r.ferry.written, image.manifestDigest);
    if (r.skopeo.code !== 0) assert.ok(r.skopeo.stderr.includes(DEBIAN_NO_SIGSTORE), r.skopeo.stderr);
    else assert.equal(r.skopeo.written, image.manifestDigest);
  });

  test('sigstoreSigned, wrong key: ferry refuses (cryptographic failure), as openssl and skopeo do', async () => {
    const image = await pushSource('s/wrong-key', 'wrong-key');
    const sig = await pushSignature('s/wrong-key', image.manifestDigest, { key: stranger.privateKey });
    assert.equal(await opensslVerifies(sig), false, 'openssl refuses it with the policy key');
    const r = await bothCopy(signedPolicy, `docker://${H}/s/wrong-key:v1`);
    assert.equal(r.ferry.code, 1);
    assert.match(r.ferry.stderr, /Source image rejected: cryptographic signature verification failed/);
    assert.equal(r.ferry.written, undefined);
    assert.equal(r.skopeo.code, 1);
    assert.equal(r.skopeo.written, undefined);
  });

  test('sigstoreSigned, a valid signature of another digest: ferry refuses on the digest', async () => {
    const other = await pushSource('s/elsewhere', 'elsewhere');
    const image = await pushSource('s/replayed', 'replayed');
    const sig = await pushSignature('s/replayed', image.manifestDigest, {
      signedDigest: other.manifestDigest,
    });
    assert.ok(await opensslVerifies(sig), 'the signature itself is genuine');
    const r = await bothCopy(signedPolicy, `docker://${H}/s/replayed:v1`);
    assert.equal(r.ferry.code, 1);
    assert.ok(
      r.ferry.stderr.includes(
        `Source image rejected: Signature for digest ${other.manifestDigest} does not match`,
      ),
      r.ferry.stderr,
    );
    assert.equal(r.ferry.written, undefined);
    assert.equal(r.skopeo.code, 1);
    assert.equal(r.skopeo.written, undefined);
  });

  test('sigstoreSigned, signature for another repository: refused by the default identity, accepted by remapIdentity', async () => {
    const image = await pushSource('mirror/app', 'mirrored');
    await pushSignature('mirror/app', image.manifestDigest, { reference: `${H}/upstream/app:v1` });
    const r = await bothCopy(signedPolicy, `docker://${H}/mirror/app:v1`);
    assert.equal(r.ferry.code, 1);
    assert.ok(
      r.ferry.stderr.includes(`Signature for identity ${H}/upstream/app:v1 is not accepted`),
      r.ferry.stderr,
    );
    assert.equal(r.skopeo.code, 1);
    const remapped = await policyFile({
      default: [
        {
          type: 'sigstoreSigned',
          keyPath: keyFile,
          signedIdentity: { type: 'remapIdentity', prefix: `${H}/mirror`, signedPrefix: `${H}/upstream` },
        },
      ],
    });
    const ok = await bothCopy(remapped, `docker://${H}/mirror/app:v1`);
    assert.equal(ok.ferry.code, 0, ok.ferry.stderr);
    assert.equal(ok.ferry.written, image.manifestDigest);
  });

  test('a .sig tag holding only other attachments (an attestation): both count it and find no signature', async () => {
    const image = await pushSource('s/attested', 'attested');
    const fixture = buildCosignSignature(image.manifestDigest, `${H}/s/attested:v1`, signWith());
    const manifest = {
      ...fixture.manifest,
      layers: [{ ...fixture.manifest.layers[0]!, mediaType: 'application/vnd.dsse.envelope.v1+json' }],
    };
    for (const blob of fixture.blobs) await pushBlob(reg, 's/attested', blob);
    const session = openSession(reg);
    try {
      const tag = `${image.manifestDigest.replace(':', '-')}.sig`;
      await putManifest(
        session,
        's/attested',
        tag,
        manifest.mediaType,
        Buffer.from(JSON.stringify(manifest)),
      );
    } finally {
      await session.close();
    }
    refusedAlike(
      await bothCopy(signedPolicy, `docker://${H}/s/attested:v1`),
      'A signature was required, but no signature exists (0 non-sigstore signatures, 1 sigstore non-signature attachments)',
    );
  });

  test('a .sig tag that is not an OCI image manifest: both refuse, quoting its media type', async () => {
    const image = await pushSource('s/odd-sig', 'odd-sig');
    const tag = `${image.manifestDigest.replace(':', '-')}.sig`;
    await pushImage(
      reg,
      's/odd-sig',
      tag,
      await buildImage({ layers: [10], seed: 'policy-odd', format: 'docker' }),
    );
    refusedAlike(
      await bothCopy(signedPolicy, `docker://${H}/s/odd-sig:v1`),
      `unexpected MIME type for sigstore attachment manifest ${H}/s/odd-sig:${tag}: "application/vnd.docker.distribution.manifest.v2+json"`,
    );
  });

  test('a multi-arch image whose index alone is signed: the images are judged, both refuse', async () => {
    const index = buildIndex(
      [
        await buildImage({
          layers: [900],
          seed: 'policy-multi-amd',
          platform: { os: 'linux', architecture: 'amd64' },
        }),
        await buildImage({
          layers: [901],
          seed: 'policy-multi-arm',
          platform: { os: 'linux', architecture: 'arm64' },
        }),
      ],
      { oci: true },
    );
    await pushImage(reg, 's/multi', 'v1', index);
    await pushSignature('s/multi', index.manifestDigest);
    // ferry copies the whole index by default, skopeo with --all: each instance must be signed.
    refusedAlike(
      await bothCopy(signedPolicy, `docker://${H}/s/multi:v1`, { skopeo: ['--all'] }),
      'A signature was required, but no signature exists',
    );
    // One platform (skopeo's default, the machine's; ferry --override-arch): that instance is judged.
    refusedAlike(
      await bothCopy(signedPolicy, `docker://${H}/s/multi:v1`, {
        skopeo: ['--override-arch', 'arm64'],
        ferry: ['--override-arch', 'arm64'],
      }),
      'A signature was required, but no signature exists',
    );
  });

  test('signedBy (GPG) is refused with a clear message (exit 2); skopeo refuses too; nothing written', async () => {
    await pushSource('g/app', 'gpg');
    const policy = await policyFile({
      default: [{ type: 'signedBy', keyType: 'GPGKeys', keyPath: join(dir, 'k.gpg') }],
    });
    const r = await bothCopy(policy, `docker://${H}/g/app:v1`);
    assert.equal(r.skopeo.code, 1, r.skopeo.stderr);
    assert.equal(r.skopeo.written, undefined);
    assert.equal(r.ferry.code, 2);
    assert.ok(
      r.ferry.stderr.includes('GPG signatures (signedBy) are not supported by ferry; use sigstoreSigned'),
      r.ferry.stderr,
    );
    assert.match(r.ferry.stderr, /\[FERRY_E_POLICY_UNSUPPORTED\]/);
    assert.equal(r.ferry.written, undefined);
  });

  test('a malformed policy or an unknown requirement type: both refuse before copying, naming the file (ferry: exit 2)', async () => {
    await pushSource('m/app', 'malformed');
    for (const [content, skopeoSays, ferrySays] of [
      ['{"default": [{"type": "insecureAcceptAnything"}]', 'unexpected end of JSON input', /not valid JSON/],
      [
        { default: [{ type: 'acceptSigned' }] },
        'Unknown policy requirement type \\"acceptSigned\\"',
        /default\[0\]\.type: Unknown policy requirement type "acceptSigned"/,
      ],
      [
        { default: [{ type: 'reject' }], transport: {} },
        'Unknown key \\"transport\\"',
        /transport: Unknown key "transport"/,
      ],
    ] as const) {
      const policy = await policyFile(content);
      const r = await bothCopy(policy, `docker://${H}/m/app:v1`);
      assert.equal(r.skopeo.code, 1);
      assert.ok(r.skopeo.stderr.includes(`invalid policy in \\"${policy}\\"`), r.skopeo.stderr);
      assert.ok(r.skopeo.stderr.includes(skopeoSays), r.skopeo.stderr);
      assert.equal(r.ferry.code, 2, r.ferry.stderr);
      assert.ok(r.ferry.stderr.includes(`invalid policy in ${policy}: `), r.ferry.stderr);
      assert.match(r.ferry.stderr, ferrySays);
      assert.match(r.ferry.stderr, /\[FERRY_E_POLICY_CONFIG\]/);
      assert.equal(r.ferry.written, undefined);
    }
  });

  test('a policy file that does not exist stops both', async () => {
    const missing = join(dir, 'missing.json');
    const r = await bothCopy(missing, `docker://${H}/m/app:v1`);
    assert.equal(r.skopeo.code, 1);
    assert.match(r.skopeo.stderr, /no such file or directory/);
    assert.equal(r.ferry.code, 2);
    assert.ok(
      r.ferry.stderr.includes(`cannot read policy file ${missing}: file does not exist`),
      r.ferry.stderr,
    );
  });

  test('oci: layouts are scoped by their resolved path', async () => {
    const image = await pushSource('o/app', 'oci');
    const allowed = join(dir, 'layouts/allowed');
    const refused = join(dir, 'layouts/refused');
    await mkdir(join(dir, 'layouts'), { recursive: true });
    for (const layout of [allowed, refused]) {
      const r = await runSkopeo([
        'copy',
        '--src-tls-verify=false',
        `docker://${H}/o/app:v1`,
        `oci:${layout}:app`,
      ]);
      assert.equal(r.code, 0, r.stderr);
    }
    const policy = await policyFile({
      default: [{ type: 'reject' }],
      transports: { oci: { [allowed]: [{ type: 'insecureAcceptAnything' }] } },
    });
    const ok = await bothCopy(policy, `oci:${allowed}:app`);
    assert.equal(ok.skopeo.code, 0, ok.skopeo.stderr);
    assert.equal(ok.ferry.code, 0, ok.ferry.stderr);
    assert.equal(ok.ferry.written, image.manifestDigest);
    refusedAlike(
      await bothCopy(policy, `oci:${refused}:app`),
      `Running image oci:${refused}:app is rejected by policy.`,
    );
  });
});

describe('containers policy.json on ferry sync, against skopeo', () => {
  test('each image is judged: with --keep-going the allowed tag is copied and the refused one is not', async () => {
    await pushSource('sync/app', 'sync-good', 'good');
    await pushSource('sync/app', 'sync-bad', 'bad');
    const policy = await policyFile({
      default: [{ type: 'insecureAcceptAnything' }],
      transports: { docker: { [`${H}/sync/app:bad`]: [{ type: 'reject' }] } },
    });
    const sk = await runSkopeo(
      [
        'sync',
        '--keep-going',
        '--src-tls-verify=false',
        '--dest-tls-verify=false',
        '--src',
        'docker',
        '--dest',
        'docker',
        `${H}/sync/app`,
        `${H}/sync-skopeo`,
      ],
      { policyFile: policy, registriesD },
    );
    const fe = await runFerry([
      'sync',
      '--policy',
      policy,
      '--keep-going',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      '--src',
      'docker',
      '--dest',
      'docker',
      `${H}/sync/app`,
      `${H}/sync-ferry`,
    ]);
    assert.equal(sk.code, 1, sk.stderr);
    assert.equal(fe.code, 1, fe.stderr);
    assert.ok(
      sk.stderr.includes(`Running image docker://${H}/sync/app:bad is rejected by policy.`),
      sk.stderr,
    );
    assert.ok(
      fe.stderr.includes(`Running image docker://${H}/sync/app:bad is rejected by policy.`),
      fe.stderr,
    );
    assert.deepEqual((await listTags(reg, 'sync-skopeo/app')).sort(), ['good']);
    // Destination naming is not this test's subject (skopeo keeps the last path component, ferry the
    // whole path today): look under both.
    const ferryTags = [
      ...(await listTags(reg, 'sync-ferry/app')),
      ...(await listTags(reg, 'sync-ferry/sync/app')),
    ];
    assert.deepEqual(ferryTags, ['good']);
  });

  test('sigstoreSigned on sync: an unsigned image is refused by both', async () => {
    await pushSource('sync-signed/app', 'sync-unsigned');
    const sk = await runSkopeo(
      [
        'sync',
        '--src-tls-verify=false',
        '--dest-tls-verify=false',
        '--src',
        'docker',
        '--dest',
        'docker',
        `${H}/sync-signed/app`,
        `${H}/sync-signed-skopeo`,
      ],
      { policyFile: signedPolicy, registriesD },
    );
    const fe = await runFerry([
      'sync',
      '--policy',
      signedPolicy,
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      '--src',
      'docker',
      '--dest',
      'docker',
      `${H}/sync-signed/app`,
      `${H}/sync-signed-ferry`,
    ]);
    assert.equal(sk.code, 1, sk.stderr);
    assert.equal(fe.code, 1, fe.stderr);
    for (const out of [sk.stderr, fe.stderr]) {
      assert.ok(out.includes('A signature was required, but no signature exists'), out);
    }
    assert.deepEqual(await listTags(reg, 'sync-signed-skopeo/app'), []);
    assert.deepEqual(await listTags(reg, 'sync-signed-ferry/app'), []);
    assert.deepEqual(await listTags(reg, 'sync-signed-ferry/sync-signed/app'), []);
  });
});

describe('containers policy.json on ferry sync from a layout (ferry-only: skopeo 1.9 sync has no oci source)', () => {
  test('the layout is judged by its path scope, every image of it', async () => {
    await pushSource('layout-src/app', 'layout-a', 'a');
    await pushSource('layout-src/app', 'layout-b', 'b');
    const layout = join(dir, 'sync-layout');
    const made = await runFerry([
      'sync',
      '--insecure-policy',
      '--src-tls-verify=false',
      '--src',
      'docker',
      '--dest',
      'oci',
      `${H}/layout-src/app`,
      layout,
    ]);
    assert.equal(made.code, 0, made.stderr);
    const policy = await policyFile({
      default: [{ type: 'insecureAcceptAnything' }],
      transports: { oci: { [layout]: [{ type: 'reject' }] } },
    });
    const sync = (to: string, p: string) =>
      runFerry([
        'sync',
        '--policy',
        p,
        '--keep-going',
        '--dest-tls-verify=false',
        '--src',
        'oci',
        '--dest',
        'docker',
        layout,
        `${H}/${to}`,
      ]);
    const refused = await sync('from-layout-refused', policy);
    assert.equal(refused.code, 1, refused.stderr);
    for (const tag of ['a', 'b']) {
      assert.ok(
        refused.stderr.includes(`Running image oci:${layout}:layout-src/app:${tag} is rejected by policy.`),
        refused.stderr,
      );
    }
    assert.deepEqual(await listTags(reg, 'from-layout-refused/layout-src/app'), []);
    const open = await policyFile({ default: [{ type: 'insecureAcceptAnything' }] });
    const accepted = await sync('from-layout-open', open);
    assert.equal(accepted.code, 0, accepted.stderr);
    assert.deepEqual((await listTags(reg, 'from-layout-open/layout-src/app')).sort(), ['a', 'b']);
  });
});
