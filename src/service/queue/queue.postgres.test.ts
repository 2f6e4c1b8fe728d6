import { after, test } from 'node:test';
import { findPostgresBinDir, startPostgres } from '../../../test/rig/postgres.ts';
import { postgresTestBackend } from '../store/test-backends.ts';
import { queueSuite } from './queue.suite.ts';

if (await findPostgresBinDir()) {
  const server = await startPostgres();
  const backend = postgresTestBackend(() => server.createDatabase());
  after(async () => {
    await backend.dispose();
    await server.stop();
  });
  queueSuite(backend);
} else {
  test('job queue on postgres', {
    skip: 'PostgreSQL server not installed (apt-get install postgresql-15)',
  }, () => {});
}
