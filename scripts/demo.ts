/**
 * The README's demo: two real registries on loopback ("nonprod": plain HTTP, anonymous; "prod": TLS
 * with a per-run CA and a password), a multi-arch image with a cosign-style signature pushed to
 * nonprod, then the real `bin/ferry copy` promotes it and `bin/ferry inspect` shows the result.
 * Everything is torn down at the end.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildCosignSignature, buildImage, buildIndex, pushImage } from '../test/rig/fixtures.ts';
import { startRig } from '../test/rig/rig.ts';
import { FERRY_BIN } from '../test/support/run-ferry.ts';

function ferry(args: string[]): Promise<number> {
  console.log(`\n$ ferry ${args.join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(FERRY_BIN, args, { stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

const rig = await startRig({ anonymous: true, basicTls: true });
let exitCode = 0;
try {
  const nonprod = rig.anonymous!;
  const prod = rig.basicTls!;
  console.log(`nonprod registry: ${nonprod.url} (anonymous, plain HTTP)`);
  console.log(
    `prod registry:    ${prod.url} (TLS with CA ${prod.certDir}, htpasswd user "${prod.username}")`,
  );

  const platforms = [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64', variant: 'v8' },
  ];
  const images = await Promise.all(
    platforms.map((platform, i) =>
      buildImage({ layers: [4 << 20, 1 << 20], seed: `demo-${i}`, platform, format: 'oci' }),
    ),
  );
  const index = buildIndex(images, { oci: true });
  const commit = 'a1b2c3d';
  await pushImage(nonprod, 'team-a/app', commit, index);
  const sig = buildCosignSignature(index.manifestDigest, `${nonprod.host}/team-a/app`);
  await pushImage(nonprod, 'team-a/app', sig.tag!, sig);
  console.log(`pushed team-a/app:${commit} (${index.manifestDigest}) and its signature to nonprod`);

  // Credentials go in an auth file, never on the command line.
  const authFile = join(rig.dir, 'prod-auth.json');
  const auth = Buffer.from(`${prod.username}:${prod.password}`).toString('base64');
  await writeFile(authFile, JSON.stringify({ auths: { [prod.host]: { auth } } }), { mode: 0o600 });

  const src = `docker://${nonprod.host}/team-a/app:${commit}`;
  const dst = `docker://${prod.host}/team-a/app:${commit}`;
  const common = ['--src-tls-verify=false', '--dest-cert-dir', prod.certDir!, '--dest-authfile', authFile];
  exitCode ||= await ferry(['copy', ...common, src, dst]);
  exitCode ||= await ferry(['copy', ...common, src, dst]); // again: a no-op, one HEAD
  exitCode ||= await ferry(['inspect', '--cert-dir', prod.certDir!, '--authfile', authFile, dst]);
  exitCode ||= await ferry([
    'list-tags',
    '--cert-dir',
    prod.certDir!,
    '--authfile',
    authFile,
    `docker://${prod.host}/team-a/app`,
  ]);
  console.log(
    exitCode === 0
      ? '\ndemo: promotion succeeded; the prod digest equals the nonprod digest.'
      : '\ndemo: FAILED',
  );
} finally {
  await rig.stop();
}
process.exit(exitCode);
