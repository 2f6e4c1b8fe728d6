import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { buildImage, pushImage } from '../rig/fixtures.ts';
import { startPostgres } from '../rig/postgres.ts';
import { withRig } from '../rig/rig.ts';
import { makeTempDir } from '../rig/temp-dir.ts';
import { teardown } from '../support/teardown.ts';
import { openEventStream, post, startTestServer, writeServeConfig } from './serve-fixture.ts';

// Torn down in reverse: the ferry processes stop before PostgreSQL, the temp dir goes last.
const cleanup = teardown(after);

/*
 * Two `ferry serve` instances (startServer, as the CLI runs it) sharing one PostgreSQL database, as
 * replicas behind one Service: a client following a promotion on one replica sees what happens on the
 * other (the approval there, and the run on whichever replica claims the job), through NOTIFY/LISTEN.
 */

const rig = await withRig({ after: cleanup }, { anonymous: true, basicTls: true });
const temp = await makeTempDir('serve-replicas');
cleanup(() => temp.remove());
const pg = await startPostgres();
cleanup(() => pg.stop());
const databaseUrl = await pg.createDatabase();
const urlFile = join(temp.path, 'database-url');
await writeFile(urlFile, databaseUrl, { mode: 0o600 });

const { path, tokens } = await writeServeConfig({
  dir: temp.path,
  nonprod: rig.anonymous,
  prod: rig.basicTls,
  // The database comes from the file, as a Secret mounted in a pod would provide it.
  server: { databaseUrl: { file: urlFile } },
  rules: [
    {
      name: 'payments',
      from: 'nonprod:payments/*',
      to: 'prod:payments/*',
      tags: 'v[0-9]+',
      approvals: { required: 1, approvers: ['alice'] },
    },
  ],
});

const a = await startTestServer(path);
cleanup(() => a.close(0));
const b = await startTestServer(path);
cleanup(() => b.close(0));

test('both replicas run on the shared PostgreSQL database', () => {
  assert.equal(a.database, 'postgresql');
  assert.equal(b.database, 'postgresql');
});

test("an event stream on one replica shows the other replica's updates, each once", async () => {
  const image = await buildImage({ layers: [8_000], seed: 'replicas' });
  await pushImage(rig.anonymous!, 'payments/app', 'v1', image);
  const accepted = await post(`${a.url}/api/v1/promotions`, tokens.ci, {
    source: { environment: 'nonprod', repository: 'payments/app', tag: 'v1' },
  });
  assert.equal(accepted.status, 202, JSON.stringify(accepted.json));
  const id = (accepted.json.promotion as { id: string; status: string }).id;

  const onB = await openEventStream(b.url, id, tokens.viewer);
  const onA = await openEventStream(a.url, id, tokens.viewer);
  after(() => {
    onA.close();
    onB.close();
  });
  assert.equal(onB.events[0]?.data.status, 'awaiting_approval');

  const approved = await post(`${a.url}/api/v1/promotions/${id}/approve`, tokens.alice, {});
  assert.equal(approved.status, 200, JSON.stringify(approved.json));

  // Both streams end with the terminal status, wherever the copy ran.
  const timeout = (what: string) =>
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} did not end`)), 30_000).unref(),
    );
  await Promise.race([Promise.all([onA.ended, onB.ended]), timeout('the event streams')]);

  for (const [name, stream] of [
    ['a', onA],
    ['b', onB],
  ] as const) {
    const kinds = stream.events.filter((e) => e.event === 'audit').map((e) => e.data.kind);
    const statuses = stream.events.filter((e) => e.event === 'status').map((e) => e.data.status);
    assert.ok(
      kinds.includes('approved'),
      `${name}: the approval made on a (audit kinds: ${kinds.join(', ')})`,
    );
    assert.ok(kinds.includes('started'), `${name}: the run, wherever it was (${kinds.join(', ')})`);
    assert.deepEqual(statuses, ['awaiting_approval', 'queued', 'running', 'succeeded'], name);
    const ids = stream.events.filter((e) => e.event === 'audit').map((e) => e.data.id);
    assert.equal(new Set(ids).size, ids.length, `${name}: no audit event twice`);
  }
});
