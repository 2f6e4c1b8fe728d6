import assert from 'node:assert/strict';
import { mkdtemp, open, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { hasCode } from '../errors/ferry-error.ts';
import { sha256Digest } from '../oci/digest.ts';
import { MediaType } from '../oci/media-types.ts';
import {
  archiveManifestJson,
  legacyLayers,
  parseArchiveManifest,
  repositoriesJson,
  schema2ManifestJson,
} from './docker-archive-format.ts';
import { DockerArchiveReader } from './docker-archive-reader.ts';
import { DockerArchiveWriter } from './docker-archive-writer.ts';
import { LayoutErrorCode } from './layout-error.ts';
import { writeBytesEntry, writeEndOfArchive, writeSymlinkEntry } from './tar-writer.ts';
import { collect } from './test-image.ts';

const base = await mkdtemp(join(tmpdir(), 'ferry-docker-archive-'));
after(() => rm(base, { recursive: true, force: true }));

const layerA = Buffer.from('layer A: pretend this is a tar'.repeat(50));
const layerB = Buffer.from('layer B'.repeat(10));
const diffA = sha256Digest(layerA);
const diffB = sha256Digest(layerB);
const configBytes = Buffer.from(
  JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: { Labels: { a: '<b & c>' } },
    rootfs: { type: 'layers', diff_ids: [diffA, diffB] },
  }),
);
const configDigest = sha256Digest(configBytes);

/** A docker-save-style tar built entry by entry. */
async function buildTar(
  name: string,
  entries: ({ name: string; bytes: Buffer } | { name: string; link: string })[],
): Promise<string> {
  const file = join(base, name);
  const out = await open(file, 'w');
  try {
    for (const e of entries) {
      if ('link' in e) await writeSymlinkEntry(out, e.name, e.link);
      else await writeBytesEntry(out, e.name, e.bytes, 0o644);
    }
    await writeEndOfArchive(out);
  } finally {
    await out.close();
  }
  return file;
}

const manifestEntry = (layers: string[], repoTags: string[] | null = ['docker.io/library/app:1']) => ({
  name: 'manifest.json',
  bytes: Buffer.from(JSON.stringify([{ Config: 'config.json', RepoTags: repoTags, Layers: layers }])),
});

describe('docker-archive format (Go encoding/json output)', () => {
  test('legacy layers chain parent ids; only the top one carries the config fields, HTML-escaped', () => {
    const legacy = legacyLayers([diffA, diffB], configBytes.toString());
    assert.equal(legacy.length, 2);
    const [first, second] = legacy as [(typeof legacy)[0], (typeof legacy)[0]];
    assert.equal(first.json, `{"id":"${first.id}"}`);
    const top = JSON.parse(second.json) as Record<string, unknown>;
    assert.deepEqual(Object.keys(top), [
      'architecture',
      'config',
      'container',
      'container_config',
      'created',
      'docker_version',
      'id',
      'os',
      'parent',
    ]);
    assert.equal(top.parent, first.id);
    assert.equal(top.container, null);
    assert.match(second.json, /"\\u003cb \\u0026 c\\u003e"/);
    // The id is the sha256 of the same object with layer_id (the chain id) instead of id.
    assert.notEqual(first.id, second.id);
    assert.notDeepEqual(legacyLayers([diffB, diffA], configBytes.toString())[1]?.id, second.id);
  });

  test('manifest.json, repositories and the generated schema2 manifest are compact, in Go field order', () => {
    assert.equal(
      archiveManifestJson([{ Config: 'c.json', RepoTags: ['docker.io/library/a:1'], Layers: ['l.tar'] }]),
      '[{"Config":"c.json","RepoTags":["docker.io/library/a:1"],"Layers":["l.tar"]}]',
    );
    const repos = new Map([
      ['docker.io/library/z', new Map([['1', 'id1']])],
      [
        'docker.io/foo/bar',
        new Map([
          ['b', 'id2'],
          ['a', 'id2'],
        ]),
      ],
    ]);
    assert.equal(
      repositoriesJson(repos),
      '{"docker.io/foo/bar":{"a":"id2","b":"id2"},"docker.io/library/z":{"1":"id1"}}',
    );
    const m = schema2ManifestJson({ mediaType: MediaType.DockerConfig, size: 3, digest: configDigest }, [
      { mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 5, digest: diffA },
    ]);
    assert.ok(
      m.startsWith(
        '{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":',
      ),
    );
    assert.match(m, /"layers":\[\{"mediaType":"[^"]+","size":5,"digest":"sha256:/);
  });

  test('manifest.json from docker save may say RepoTags: null', () => {
    const items = parseArchiveManifest(Buffer.from('[{"Config":"c.json","RepoTags":null,"Layers":[]}]'));
    assert.deepEqual(items[0]?.RepoTags, []);
    assert.throws(() => parseArchiveManifest(Buffer.from('{"Config":1}')), /invalid manifest\.json/);
  });
});

describe('DockerArchiveReader', () => {
  test('follows a layer symlink once, reads compressed and plain layers, computes uncompressed sizes', async () => {
    const file = await buildTar('links.tar', [
      { name: 'blobs/a.tar', bytes: gzipSync(layerA) },
      { name: 'blobs/b.tar', bytes: layerB },
      { name: 'legacy/layer.tar', link: '../blobs/a.tar' },
      { name: 'config.json', bytes: configBytes },
      manifestEntry(['legacy/layer.tar', './blobs/b.tar']),
    ]);
    const reader = await DockerArchiveReader.open(file);
    try {
      const item = reader.choose({}, (t) => t);
      const image = await reader.image(item);
      assert.equal(image.configDigest, configDigest);
      assert.deepEqual(image.diffIDs, [diffA, diffB]);
      const a = image.layers.get(diffA)!;
      assert.equal(a.compression, 'gzip');
      assert.equal(a.size, layerA.length);
      assert.deepEqual(await collect(reader.readLayer(a)), layerA);
      assert.deepEqual(await collect(reader.readLayer(image.layers.get(diffB)!)), layerB);
      assert.equal(
        reader.choose({ ref: 'docker.io/library/app:1' }, (t) => t),
        item,
      );
      assert.throws(
        () => reader.choose({ ref: 'docker.io/library/app:2' }, (t) => t),
        (e: unknown) => hasCode(e, LayoutErrorCode.RefNotFound),
      );
      assert.throws(() => reader.choose({ index: 1 }, (t) => t), /invalid source index @1/);
    } finally {
      await reader.close();
    }
  });

  test('a link pointing outside the archive, or at nothing, is a bad archive, never a file read', async () => {
    const file = await buildTar('escape.tar', [
      { name: 'l/layer.tar', link: '../../../../etc/passwd' },
      { name: 'config.json', bytes: configBytes },
      manifestEntry(['l/layer.tar', 'l/layer.tar']),
    ]);
    const reader = await DockerArchiveReader.open(file);
    try {
      await assert.rejects(reader.image(reader.choose({}, (t) => t)), (e: unknown) =>
        hasCode(e, LayoutErrorCode.BadArchive),
      );
    } finally {
      await reader.close();
    }
  });

  test('layer count must match the config DiffIDs; manifest.json must exist', async () => {
    const file = await buildTar('count.tar', [
      { name: 'a.tar', bytes: layerA },
      { name: 'config.json', bytes: configBytes },
      manifestEntry(['a.tar']),
    ]);
    const reader = await DockerArchiveReader.open(file);
    try {
      await assert.rejects(reader.image(reader.choose({}, (t) => t)), /inconsistent layer count/);
    } finally {
      await reader.close();
    }
    const bare = await buildTar('bare.tar', [{ name: 'a.tar', bytes: layerA }]);
    await assert.rejects(DockerArchiveReader.open(bare), /manifest\.json is missing/);
  });
});

describe('DockerArchiveWriter', () => {
  async function stagedWriter(target: string) {
    const writer = await DockerArchiveWriter.create(target, { tmpDir: base });
    const gzA = gzipSync(layerA);
    await writer.stageBlob({ digest: configDigest, size: configBytes.length }, [configBytes]);
    await writer.stageBlob({ digest: sha256Digest(gzA), size: gzA.length }, [gzA]);
    await writer.stageBlob({ digest: diffB, size: layerB.length }, [layerB]);
    const manifest = {
      schemaVersion: 2 as const,
      mediaType: MediaType.DockerManifest,
      config: { mediaType: MediaType.DockerConfig, digest: configDigest, size: configBytes.length },
      layers: [
        {
          mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
          digest: sha256Digest(gzA),
          size: gzA.length,
        },
        { mediaType: 'application/vnd.docker.image.rootfs.diff.tar', digest: diffB, size: layerB.length },
      ],
    };
    return { writer, manifest };
  }

  test('writes uncompressed layers the reader gives back; nothing appears before commit', async () => {
    const target = join(base, 'written.tar');
    const { writer, manifest } = await stagedWriter(target);
    await writer.addImage(manifest, ['docker.io/library/app:1', 'docker.io/library/app:1']);
    assert.deepEqual(
      (await readdir(base)).filter((n) => n.includes('written')),
      [],
    );
    await writer.commit();
    const reader = await DockerArchiveReader.open(target);
    try {
      const item = reader.choose({}, (t) => t);
      assert.deepEqual(item.RepoTags, ['docker.io/library/app:1']);
      assert.deepEqual(item.Layers, [`${diffA.slice(7)}.tar`, `${diffB.slice(7)}.tar`]);
      const image = await reader.image(item);
      assert.equal(image.layers.get(diffA)?.compression, 'none');
      assert.deepEqual(await collect(reader.readLayer(image.layers.get(diffA)!)), layerA);
    } finally {
      await reader.close();
    }
  });

  test('a layer that does not decompress to its DiffID is refused; discard leaves nothing', async () => {
    const target = join(base, 'mismatch.tar');
    const { writer, manifest } = await stagedWriter(target);
    const swapped = { ...manifest, layers: [manifest.layers[1]!, manifest.layers[0]!] };
    await assert.rejects(writer.addImage(swapped, []), (e: unknown) => hasCode(e, 'FERRY_E_DIGEST_MISMATCH'));
    await writer.discard();
    assert.deepEqual(
      (await readdir(base)).filter((n) => n.includes('mismatch')),
      [],
    );
  });

  test('an existing non-empty file is refused; an empty one may be replaced', async () => {
    const full = join(base, 'full.tar');
    await writeFile(full, 'x');
    await assert.rejects(DockerArchiveWriter.create(full), (e: unknown) =>
      hasCode(e, LayoutErrorCode.ArchiveExists),
    );
    const empty = join(base, 'empty.tar');
    await writeFile(empty, '');
    await (await DockerArchiveWriter.create(empty, { tmpDir: base })).discard();
  });
});
