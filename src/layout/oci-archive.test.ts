import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { hasCode } from '../errors/ferry-error.ts';
import { LayoutErrorCode } from './layout-error.ts';
import { OciArchiveReader, OciArchiveWriter } from './oci-archive.ts';
import { encodeHeader } from './tar-header.ts';
import { extractTar } from './tar-reader.ts';
import { collect, makeTestImage, writeTestImage } from './test-image.ts';

const run = promisify(execFile);
const base = await mkdtemp(join(tmpdir(), 'ferry-archive-'));
after(() => rm(base, { recursive: true, force: true }));

test('archive round trip preserves blobs, manifests and names', async () => {
  const archive = join(base, 'bundle.tar');
  const a = makeTestImage();
  const b = makeTestImage();
  const writer = await OciArchiveWriter.create(archive, { tmpDir: base });
  await writeTestImage(writer.layout, a, 'team/a:1');
  await writeTestImage(writer.layout, b, 'team/b:2');
  await writer.commit();
  const reader = await OciArchiveReader.open(archive, { tmpDir: base });
  try {
    assert.deepEqual((await reader.layout.list()).sort(), ['team/a:1', 'team/b:2']);
    const desc = await reader.layout.resolve('team/b:2');
    assert.equal(desc.digest, b.manifest.digest);
    const parsed = await reader.layout.readManifest(desc.digest);
    assert.deepEqual(Buffer.from(parsed.bytes), b.manifestBytes);
    for (const blob of b.blobs)
      assert.deepEqual(await collect(reader.layout.readBlob(blob.desc.digest)), blob.bytes);
  } finally {
    await reader.close();
  }
  // Working directories are cleaned up.
  assert.deepEqual(
    (await readdir(base)).filter((e) => e.startsWith('ferry-oci-archive-')),
    [],
  );
});

test('GNU tar can list and extract ferry archives', {
  skip: !(await hasTool('tar')) && 'tar not installed',
}, async () => {
  const archive = join(base, 'gnu.tar');
  const writer = await OciArchiveWriter.create(archive, { tmpDir: base });
  await writeTestImage(writer.layout, makeTestImage(), 'x');
  await writer.commit();
  const out = join(base, 'gnu-out');
  await mkdir(out);
  await run('tar', ['-xf', archive, '-C', out]);
  assert.deepEqual((await readdir(out)).sort(), ['blobs', 'index.json', 'oci-layout']);
});

test('long (pax) names round trip', async () => {
  const name = `blobs/sha512/${'a'.repeat(128)}`;
  const data = Buffer.from('x');
  const tar = Buffer.concat([
    encodeHeader(name, 'file', 1, 0o644),
    data,
    Buffer.alloc(511),
    Buffer.alloc(1024),
  ]);
  const file = join(base, 'pax.tar');
  await writeFile(file, tar);
  const out = join(base, 'pax-out');
  await mkdir(out);
  assert.deepEqual(await extractTar(file, out), [name]);
  assert.equal(await readFile(join(out, name), 'utf8'), 'x');
});

for (const evil of ['../escape', 'blobs/../../escape', '/etc/evil']) {
  test(`path traversal entry ${JSON.stringify(evil)} is refused`, async () => {
    const file = join(base, `evil-${evil.replace(/\W/g, '_')}.tar`);
    await writeFile(
      file,
      Buffer.concat([
        encodeHeader(evil, 'file', 4, 0o644),
        Buffer.from('evil'),
        Buffer.alloc(508),
        Buffer.alloc(1024),
      ]),
    );
    await assert.rejects(OciArchiveReader.open(file, { tmpDir: base }), (err: unknown) =>
      hasCode(err, LayoutErrorCode.UnsafePath),
    );
    await assert.rejects(readFile(join(base, 'escape')), { code: 'ENOENT' });
  });
}

test('a truncated or corrupt archive is refused', async () => {
  const file = join(base, 'trunc.tar');
  await writeFile(file, encodeHeader('oci-layout', 'file', 100, 0o644));
  await assert.rejects(OciArchiveReader.open(file, { tmpDir: base }), (err: unknown) =>
    hasCode(err, LayoutErrorCode.BadArchive),
  );
  const corrupt = Buffer.concat([encodeHeader('oci-layout', 'file', 0, 0o644), Buffer.alloc(1024)]);
  corrupt[0] = 0x41;
  await writeFile(file, corrupt);
  await assert.rejects(OciArchiveReader.open(file, { tmpDir: base }), (err: unknown) =>
    hasCode(err, LayoutErrorCode.BadArchive),
  );
});

async function hasTool(name: string): Promise<boolean> {
  try {
    await run('sh', ['-c', `command -v ${name}`]);
    return true;
  } catch {
    return false;
  }
}
