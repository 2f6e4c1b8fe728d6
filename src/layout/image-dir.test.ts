import assert from 'node:assert/strict';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { hasCode } from '../errors/ferry-error.ts';
import { sha256Digest } from '../oci/digest.ts';
import { IMAGE_DIR_VERSION } from './image-dir.ts';
import { findImageDirs, imageDirName, parseImageDirName } from './image-dir-set.ts';
import { ImageDirWriter } from './image-dir-writer.ts';
import { LayoutErrorCode } from './layout-error.ts';

const base = await mkdtemp(join(tmpdir(), 'ferry-image-dir-'));
after(() => rm(base, { recursive: true, force: true }));

const blob = Buffer.from('some layer');
const manifest = Buffer.from('{"schemaVersion":2}');

async function writeImage(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const writer = await ImageDirWriter.create(path);
  await writer.dir.writeBlob({ digest: sha256Digest(blob), size: blob.length }, [blob]);
  await writer.dir.writeManifest(manifest);
  await writer.commit();
}

describe('ImageDirWriter', () => {
  test('writes version, <hex> blobs and manifest.json only on commit; no temp directory remains', async () => {
    const target = join(base, 'img');
    const writer = await ImageDirWriter.create(target);
    await writer.dir.writeBlob({ digest: sha256Digest(blob), size: blob.length }, [blob]);
    await assert.rejects(readdir(target), { code: 'ENOENT' });
    await writer.dir.writeManifest(manifest);
    await writer.commit();
    assert.deepEqual((await readdir(target)).sort(), [
      sha256Digest(blob).slice(7),
      'manifest.json',
      'version',
    ]);
    assert.equal(await readFile(join(target, 'version'), 'utf8'), IMAGE_DIR_VERSION);
    assert.deepEqual(
      (await readdir(base)).filter((n) => n.startsWith('.')),
      [],
    );
  });

  test('replaces a previous dir: image but refuses other content and a wrong version file', async () => {
    const target = join(base, 'replace');
    await writeImage(target);
    await writeFile(join(target, 'stale-extra'), 'x');
    await writeImage(target);
    assert.ok(!(await readdir(target)).includes('stale-extra'), 'old content is gone');

    const other = join(base, 'other');
    await mkdir(other);
    await writeFile(join(other, 'version'), 'Directory Transport Version: 1.0\n');
    await assert.rejects(ImageDirWriter.create(other), (e: unknown) =>
      hasCode(e, LayoutErrorCode.NotAnImageDir),
    );
  });

  test('through a symbolic link, the linked directory is written and the link kept', async () => {
    const real = join(base, 'real');
    await mkdir(real);
    await symlink(real, join(base, 'link'));
    await writeImage(join(base, 'link'));
    assert.ok((await lstat(join(base, 'link'))).isSymbolicLink());
    assert.ok((await readdir(real)).includes('manifest.json'));
  });

  test('a blob that does not match its digest is not stored', async () => {
    const writer = await ImageDirWriter.create(join(base, 'bad'));
    await assert.rejects(writer.dir.writeBlob({ digest: sha256Digest(Buffer.from('x')), size: 10 }, [blob]));
    assert.deepEqual(await readdir(writer.dir.path), ['version']);
    await writer.discard();
  });
});

describe('image directory sets (skopeo sync layout)', () => {
  test('names: repository:tag, repository@digest, untagged means latest', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    assert.equal(imageDirName('team/app', 'v1'), 'team/app:v1');
    assert.equal(imageDirName('app', digest), `app@${digest}`);
    assert.deepEqual(parseImageDirName('team/app:v1'), { repository: 'team/app', reference: 'v1' });
    assert.deepEqual(parseImageDirName(`app@${digest}`), { repository: 'app', reference: digest });
    assert.deepEqual(parseImageDirName('a:b/app'), { repository: 'a:b/app', reference: 'latest' });
  });

  test('findImageDirs stops at directories with a manifest.json and skips ferry temp directories', async () => {
    const root = join(base, 'set');
    await writeImage(join(root, 'team', 'app:v1'));
    await writeImage(join(root, 'team', 'app:v2'));
    await writeImage(join(root, 'solo:1'));
    await mkdir(join(root, 'team', 'app:v1', 'nested'), { recursive: true });
    await mkdir(join(root, '.ferry-sync-123'), { recursive: true });
    await writeFile(join(root, '.ferry-sync-123', 'manifest.json'), '{}');
    const found = await findImageDirs(root);
    assert.deepEqual(
      found.map((f) => f.relative),
      ['solo:1', 'team/app:v1', 'team/app:v2'],
    );
    assert.deepEqual(
      (await findImageDirs(join(root, 'solo:1'))).map((f) => f.relative),
      [''],
    );
    await assert.rejects(findImageDirs(join(base, 'nope')), (e: unknown) =>
      hasCode(e, LayoutErrorCode.NotAnImageDir),
    );
  });
});
