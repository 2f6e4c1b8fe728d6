import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { PgDatabase } from '../../src/service/store/pg-database.ts';
import { findPostgresBinDir, startPostgres } from '../rig/postgres.ts';

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

if (await findPostgresBinDir()) {
  const server = await startPostgres();
  after(() => server.stop());

  test('a listening connection that is killed is re-established, and notifications flow again', async () => {
    const db = await PgDatabase.open({ url: await server.createDatabase() });
    after(() => db.close());
    const got: string[] = [];
    const errors: unknown[] = [];
    const unlisten = await db.listen('ferry_listener_test', (payload) => got.push(payload), {
      onError: (err) => errors.push(err),
    });
    await db.query('SELECT pg_notify($1, $2)', ['ferry_listener_test', 'before']);
    await until(() => got.length === 1, 'the first notification');

    // What a database restart or failover does to the listening connection.
    await db.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'ferry-listen'",
    );
    await until(() => errors.length > 0, 'the connection loss to be reported');
    // Keep notifying until the reconnected listener hears one (those sent while it was down are lost).
    const deadline = Date.now() + 10_000;
    while (!got.includes('after') && Date.now() < deadline) {
      await db.query('SELECT pg_notify($1, $2)', ['ferry_listener_test', 'after']);
      await sleep(100);
    }
    assert.ok(got.includes('after'), `notifications after the reconnect: ${got.join(', ')}`);
    await unlisten();
    // The backend leaves pg_stat_activity a moment after the socket closes.
    let listening = -1;
    const gone = Date.now() + 5_000;
    while (listening !== 0 && Date.now() < gone) {
      const { rows } = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'ferry-listen'",
      );
      listening = rows[0]?.n ?? -1;
      if (listening !== 0) await sleep(20);
    }
    assert.equal(listening, 0, 'unlisten closes the listening connection');
  });
} else {
  test('pg listener', { skip: 'PostgreSQL server not installed (apt-get install postgresql-15)' }, () => {});
}
