import { after, test } from 'node:test';
import { findPostgresBinDir, startPostgres } from '../../../test/rig/postgres.ts';
import { dashboardReadsSuite } from './dashboard-reads.suite.ts';
import { postgresTestBackend } from './test-backends.ts';

if (await findPostgresBinDir()) {
  const server = await startPostgres();
  after(() => server.stop());
  dashboardReadsSuite(postgresTestBackend(() => server.createDatabase()));
} else {
  test('dashboard reads on postgres', {
    skip: 'PostgreSQL server not installed (apt-get install postgresql-15)',
  }, () => {});
}
