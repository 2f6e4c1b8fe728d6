import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import pg from 'pg';
import { findPostgresBinDir, startPostgres } from './postgres.ts';

const skip = (await findPostgresBinDir())
  ? false
  : 'PostgreSQL server not installed (apt-get install postgresql-15)';

test('starts a throwaway cluster, creates databases, stops cleanly', { skip }, async () => {
  const server = await startPostgres();
  after(() => server.stop());
  assert.match(server.url, /^postgres:\/\/ferry@127\.0\.0\.1:\d+\/postgres$/);
  assert.ok(server.version >= 13, `version ${server.version}`);

  const url = await server.createDatabase();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ db: string; fsync: string; superuser: string }>(
    "SELECT current_database() AS db, current_setting('fsync') AS fsync, current_setting('is_superuser') AS superuser",
  );
  await client.end();
  assert.equal(rows[0]?.db, new URL(url).pathname.slice(1));
  assert.equal(rows[0]?.fsync, 'off');
  assert.equal(rows[0]?.superuser, 'on');

  await server.stop();
  const probe = new pg.Client({ connectionString: server.url, connectionTimeoutMillis: 1000 });
  await assert.rejects(probe.connect());
});
