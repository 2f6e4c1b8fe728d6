import { after, test } from 'node:test';
import { findPostgresBinDir, startPostgres } from '../../../test/rig/postgres.ts';
import { releaseStoreSuite } from './release-store.suite.ts';
import { postgresTestBackend } from './test-backends.ts';

if (await findPostgresBinDir()) {
  const server = await startPostgres();
  after(() => server.stop());
  releaseStoreSuite(postgresTestBackend(() => server.createDatabase()));
} else {
  test('releases on postgres', {
    skip: 'PostgreSQL server not installed (apt-get install postgresql-15)',
  }, () => {});
}
