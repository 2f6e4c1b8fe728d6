import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ErrorCode } from '../errors/codes.ts';
import { hasCode } from '../errors/ferry-error.ts';
import { sha256Digest } from '../oci/digest.ts';
import { LayoutErrorCode } from './layout-error.ts';
import { OciLayoutDir } from './oci-layout-dir.ts';
import { collect, makeTestImage, writeTestImage } from './test-image.ts';

const base = await mkdtemp(join(tmpdir(), 'ferry-layout-'));
after(() => rm(base, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(base, `l${n++}`);

async function* chunks(...parts: Buffer[]): AsyncGenerator<Buffer> {
  for (const p of parts) yield p;
}

test('create writes oci-layout, index.json and blobs/ per image-layout.md', async () => {
  const dir = fresh();
  await OciLayoutDir.open(dir, { create: true });
  assert.deepEqual(JSON.parse(await readFile(join(dir, 'oci-layout'), 'utf8')), {
    imageLayoutVersion: '1.0.0',
  });
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8'));
  assert.equal(index.schemaVersion, 2);
  assert.deepEqual(index.manifests, []);
  assert.deepEqual((await readdir(dir)).sort(), ['blobs', 'index.json', 'oci-layout']);
  // Re-opening an existing layout, with or without create, works.
  await OciLayoutDir.open(dir, { create: true });
  await OciLayoutDir.open(dir);
});

test('refuses a directory that is not a layout', async () => {
  const dir = fresh();
  await mkdir(dir);
  await writeFile(join(dir, 'notes.txt'), 'hello');
  for (const create of [false, true]) {
    await assert.rejects(OciLayoutDir.open(dir, { create }), (err: unknown) =>
      hasCode(err, LayoutErrorCode.NotALayout),
    );
  }
  await assert.rejects(OciLayoutDir.open(fresh()), (err: unknown) =>
    hasCode(err, LayoutErrorCode.NotALayout),
  );
  const v2 = fresh();
  await mkdir(v2);
  await writeFile(join(v2, 'oci-layout'), '{"imageLayoutVersion":"2.0.0"}');
  await assert.rejects(OciLayoutDir.open(v2), (err: unknown) =>
    hasCode(err, LayoutErrorCode.UnsupportedVersion),
  );
});

test('blob and manifest round trip', async () => {
  const dir = fresh();
  const layout = await OciLayoutDir.open(dir, { create: true });
  const image = makeTestImage();
  await writeTestImage(layout, image, 'app:v1');
  const layer = image.blobs[1]!;
  assert.ok(await layout.hasBlob(layer.desc.digest));
  assert.ok(await readFile(join(dir, 'blobs', 'sha256', layer.desc.digest.slice(7))));
  assert.deepEqual(await collect(layout.readBlob(layer.desc.digest, layer.desc.size)), layer.bytes);
  const desc = await layout.resolve('app:v1');
  assert.equal(desc.digest, image.manifest.digest);
  assert.equal(desc.annotations?.['org.opencontainers.image.ref.name'], 'app:v1');
  const parsed = await layout.readManifest(desc.digest, desc.mediaType);
  assert.equal(parsed.kind, 'image');
  assert.deepEqual(Buffer.from(parsed.bytes), image.manifestBytes);
  // A lone manifest resolves without a name, as with skopeo's oci:DIR.
  assert.equal((await layout.resolve()).digest, image.manifest.digest);
  assert.deepEqual(await layout.list(), ['app:v1']);
  // Writing the same blob again is skipped without reading the source.
  let read = false;
  async function* spy(): AsyncGenerator<Buffer> {
    read = true;
    yield layer.bytes;
  }
  assert.deepEqual(await layout.writeBlob(layer.desc, spy()), { written: false });
  assert.equal(read, false);
  await assert.rejects(layout.resolve('nope'), (err: unknown) => hasCode(err, LayoutErrorCode.RefNotFound));
});

test('retagging replaces the entry of that name; unnamed resolve is ambiguous with two images', async () => {
  const layout = await OciLayoutDir.open(fresh(), { create: true });
  const a = makeTestImage();
  const b = makeTestImage();
  await writeTestImage(layout, a, 'x');
  await writeTestImage(layout, b, 'y');
  await layout.tag('x', b.manifest);
  const index = (await layout.readIndex()).index;
  assert.equal(index.manifests.length, 2);
  assert.equal((await layout.resolve('x')).digest, b.manifest.digest);
  await assert.rejects(layout.resolve(), (err: unknown) => hasCode(err, LayoutErrorCode.AmbiguousRef));
});

test('digest or size mismatch leaves nothing behind', async () => {
  const dir = fresh();
  const layout = await OciLayoutDir.open(dir, { create: true });
  const good = Buffer.from('hello world');
  const desc = { digest: sha256Digest(Buffer.from('something else')), size: good.length };
  await assert.rejects(layout.writeBlob(desc, chunks(good)), (err: unknown) =>
    hasCode(err, ErrorCode.DigestMismatch),
  );
  const tooLong = { digest: sha256Digest(good), size: 3 };
  await assert.rejects(
    layout.writeBlob(tooLong, chunks(good.subarray(0, 2), good.subarray(2))),
    (err: unknown) => hasCode(err, ErrorCode.DigestMismatch),
  );
  assert.equal(await layout.hasBlob(desc.digest), false);
  assert.deepEqual((await readdir(dir)).sort(), ['blobs', 'index.json', 'oci-layout']);
  assert.deepEqual(await readdir(join(dir, 'blobs')), []);
});

test('reading a corrupted blob fails verification', async () => {
  const dir = fresh();
  const layout = await OciLayoutDir.open(dir, { create: true });
  const bytes = Buffer.from('original content');
  const desc = { digest: sha256Digest(bytes), size: bytes.length };
  await layout.writeBlobBytes(desc, bytes);
  await writeFile(join(dir, 'blobs', 'sha256', desc.digest.slice(7)), 'tampered content');
  await assert.rejects(collect(layout.readBlob(desc.digest)), (err: unknown) =>
    hasCode(err, ErrorCode.DigestMismatch),
  );
  await assert.rejects(collect(layout.readBlob(sha256Digest(Buffer.from('absent')))), (err: unknown) =>
    hasCode(err, LayoutErrorCode.BlobNotFound),
  );
});

test('20 concurrent tag() calls all land in index.json (skopeo#1018)', async () => {
  const dir = fresh();
  const layout = await OciLayoutDir.open(dir, { create: true });
  const image = makeTestImage();
  await writeTestImage(layout, image);
  // Half through one instance, half through separate instances (as separate processes would).
  const others = await Promise.all(Array.from({ length: 10 }, () => OciLayoutDir.open(dir)));
  const names = Array.from({ length: 20 }, (_, i) => `img-${i}`);
  await Promise.all(
    names.map((name, i) => (i % 2 === 0 ? layout : others[i >> 1]!).tag(name, image.manifest)),
  );
  assert.deepEqual((await layout.list()).sort(), [...names].sort());
  assert.deepEqual((await readdir(dir)).sort(), ['blobs', 'index.json', 'oci-layout']);
});

test('a stale index.json.lock is taken over', async () => {
  const dir = fresh();
  const layout = await OciLayoutDir.open(dir, { create: true, lock: { staleMs: 500, timeoutMs: 5000 } });
  const image = makeTestImage();
  const lock = join(dir, 'index.json.lock');
  await writeFile(lock, '999999 crashed');
  const old = new Date(Date.now() - 10_000);
  await utimes(lock, old, old);
  await writeTestImage(layout, image, 'after-crash');
  assert.deepEqual(await layout.list(), ['after-crash']);
  assert.deepEqual((await readdir(dir)).sort(), ['blobs', 'index.json', 'oci-layout']);
});

test('a live lock makes tag() wait, then time out with a temporary error', async () => {
  const dir = fresh();
  const layout = await OciLayoutDir.open(dir, { create: true, lock: { staleMs: 60_000, timeoutMs: 200 } });
  await writeFile(join(dir, 'index.json.lock'), 'held');
  await assert.rejects(layout.tag('x', makeTestImage().manifest), (err: unknown) => {
    assert.ok(hasCode(err, LayoutErrorCode.LockTimeout));
    assert.equal((err as { temporary: boolean }).temporary, true);
    return true;
  });
});

test('index.json fields written by other tools survive a tag', async () => {
  const dir = fresh();
  const layout = await OciLayoutDir.open(dir, { create: true });
  const image = makeTestImage();
  await writeTestImage(layout, image, 'a');
  const raw = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8'));
  raw.annotations = { 'com.example.kept': 'yes' };
  raw.manifests[0]['com.example.extra'] = 1;
  await writeFile(join(dir, 'index.json'), JSON.stringify(raw));
  await layout.tag('b', image.manifest);
  const after = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8'));
  assert.equal(after.annotations['com.example.kept'], 'yes');
  assert.equal(after.manifests[0]['com.example.extra'], 1);
  assert.equal(after.manifests.length, 2);
});

test('several writers creating the same new layout at once all succeed', async () => {
  const root = await mkdtemp(join(tmpdir(), 'ferry-layout-race-'));
  try {
    for (let round = 0; round < 20; round++) {
      const dir = join(root, `l${round}`);
      // Staggered by a few event-loop turns, so later opens look at the directory while the first
      // is between creating blobs/ and writing oci-layout.
      const opens: Promise<OciLayoutDir>[] = [];
      for (let i = 0; i < 4; i++) {
        opens.push(OciLayoutDir.open(dir, { create: true }));
        for (let turn = 0; turn < round % 5; turn++) await new Promise((r) => setImmediate(r));
      }
      const opened = await Promise.allSettled(opens);
      assert.deepEqual(
        opened.map((o) => o.status),
        ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled'],
        String(opened.find((o) => o.status === 'rejected')?.reason),
      );
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
