/** skopeo as oracle: it must read ferry's layouts (issue 4: `skopeo inspect oci:…`). */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { OciArchiveWriter } from '../../src/layout/oci-archive.ts';
import { OciLayoutDir } from '../../src/layout/oci-layout-dir.ts';
import { makeTestImage, writeTestImage } from '../../src/layout/test-image.ts';

const run = promisify(execFile);
const skopeo = await run('sh', ['-c', 'command -v skopeo']).then(
  (r) => r.stdout.trim(),
  () => undefined,
);
const skip = skopeo === undefined ? 'skopeo not installed' : false;
const base = await mkdtemp(join(tmpdir(), 'ferry-skopeo-'));
after(() => rm(base, { recursive: true, force: true }));

test('skopeo inspect --raw reads a ferry layout byte for byte', { skip }, async () => {
  const dir = join(base, 'layout');
  const layout = await OciLayoutDir.open(dir, { create: true });
  const image = makeTestImage();
  await writeTestImage(layout, image, 'app:v1');
  await writeTestImage(layout, makeTestImage(), 'other');
  const { stdout } = await run(skopeo!, ['inspect', '--raw', `oci:${dir}:app:v1`], { encoding: 'buffer' });
  assert.deepEqual(stdout, image.manifestBytes);
});

test('skopeo inspect --raw reads a ferry oci-archive', { skip }, async () => {
  const archive = join(base, 'bundle.tar');
  const writer = await OciArchiveWriter.create(archive, { tmpDir: base });
  const image = makeTestImage();
  await writeTestImage(writer.layout, image, 'app');
  await writer.commit();
  const { stdout } = await run(skopeo!, ['inspect', '--raw', `oci-archive:${archive}:app`], {
    encoding: 'buffer',
  });
  assert.deepEqual(stdout, image.manifestBytes);
});

test('ferry reads a layout written by skopeo copy', { skip }, async () => {
  const src = join(base, 'src');
  const srcLayout = await OciLayoutDir.open(src, { create: true });
  const image = makeTestImage();
  await writeTestImage(srcLayout, image, 'one');
  const dest = join(base, 'dest');
  await run(skopeo!, ['copy', '--quiet', '--preserve-digests', `oci:${src}:one`, `oci:${dest}:copied`]);
  const destLayout = await OciLayoutDir.open(dest);
  const desc = await destLayout.resolve('copied');
  assert.equal(desc.digest, image.manifest.digest);
  assert.equal((await destLayout.readManifest(desc.digest)).kind, 'image');
});
