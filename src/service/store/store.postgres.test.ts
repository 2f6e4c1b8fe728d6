import { after, test } from 'node:test';
import { findPostgresBinDir, startPostgres } from '../../../test/rig/postgres.ts';
import { storeSuite } from './store.suite.ts';
import { postgresTestBackend } from './test-backends.ts';

if (await findPostgresBinDir()) {
  const server = await startPostgres();
  after(() => server.stop());
  storeSuite(postgresTestBackend(() => server.createDatabase()));
} else {
  test('store on postgres', {
    skip: 'PostgreSQL server not installed (apt-get install postgresql-15)',
  }, () => {});
}
