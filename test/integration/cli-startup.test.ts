/**
 * What a short command loads. A no-op copy's time is mostly start-up (issue 12: a no-op copy on a LAN
 * must stay close to skopeo's), so code that only other commands need must stay out of its path. These
 * checks run the real bundle (`bin/ferry`) against a real registry and record, from inside the process,
 * every bundle file it loads and every Node.js built-in it initialises.
 */
import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildImage, pushImage } from '../rig/fixtures.ts';
import { withRig } from '../rig/rig.ts';
import { runFerry } from '../support/run-ferry.ts';

const rig = await withRig({ after }, { anonymous: true });
const registry = rig.anonymous!;
const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

/**
 * Bundle bytes a no-op copy may load. It loaded ~900 KB when zod's classic API (~416 KB, for the
 * service's config schemas) came along with the manifest schemas, and ~460 KB since (zod/mini kept apart
 * by scripts/build.mjs, undici without its HTTP/2 client).
 */
const COPY_PATH_BUDGET_BYTES = 600 * 1024;

/** Preloaded with --import: records the modules the process loaded, written at exit. */
const RECORDER = `
import { registerHooks } from 'node:module';
import { writeFileSync } from 'node:fs';
const urls = [];
registerHooks({ load(url, context, next) { urls.push(url); return next(url, context); } });
process.on('exit', () => {
  writeFileSync(process.env.FERRY_TEST_LOAD_RECORD, JSON.stringify({
    urls,
    builtins: process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13)),
  }));
});
`;

test('a no-op registry copy loads only the copy path: no zod classic, no node:http2, no node:perf_hooks', async () => {
  const image = await buildImage({ layers: [1024, 2048], seed: 'startup-noop' });
  await pushImage(registry, 'startup/src', 'v1', image);
  await pushImage(registry, 'startup/dst', 'v1', image);
  const recorder = join(rig.dir, 'load-recorder.mjs');
  const record = join(rig.dir, 'load-record.json');
  await writeFile(recorder, RECORDER);

  const run = await runFerry(
    [
      'copy',
      '-q',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      `docker://${registry.host}/startup/src:v1`,
      `docker://${registry.host}/startup/dst:v1`,
    ],
    { env: { NODE_OPTIONS: `--import=${recorder}`, FERRY_TEST_LOAD_RECORD: record } },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, '');

  const loaded = JSON.parse(await readFile(record, 'utf8')) as {
    urls: string[];
    builtins: string[];
  };
  const bundleFiles = loaded.urls.filter((u) => u.startsWith('file:') && fileURLToPath(u).startsWith(DIST));
  assert.ok(bundleFiles.length > 0, `the bundle was not used (no file under ${DIST} loaded)`);
  let bytes = 0;
  for (const u of bundleFiles) bytes += (await stat(fileURLToPath(u))).size;
  assert.ok(
    bytes <= COPY_PATH_BUDGET_BYTES,
    `a no-op copy loaded ${bytes} bytes of bundle (budget ${COPY_PATH_BUDGET_BYTES}): ${bundleFiles.join(', ')}`,
  );
  for (const unwanted of ['http2', 'perf_hooks']) {
    assert.ok(!loaded.builtins.includes(unwanted), `a no-op copy loaded node:${unwanted}`);
  }
  // The record is of a real copy: with tls-verify=false the https attempt of the scheme race ran.
  assert.ok(loaded.builtins.includes('tls'), 'the https attempt of the scheme race did not happen');
});
