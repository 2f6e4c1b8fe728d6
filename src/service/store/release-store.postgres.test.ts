import { after, test } from 'node:test';
import { findPostgresBinDir, startPostgres } from '../../../test/rig/postgres.ts';
import { releaseStoreSuite } from './release-store.suite.ts';
import { postgresTestBackend } from './test-backends.ts';

if (await findPostgresBinDir()) {
  const server = await startPostgres();
  const backend = postgresTestBackend(() => server.createDatabase());
  after(async () => {
    await backend.dispose();
    await server.stop();
  });
  releaseStoreSuite(backend);
} else {
  test('releases on postgres', {
    skip: 'PostgreSQL server not installed (apt-get install postgresql-15)',
  }, () => {});
}
