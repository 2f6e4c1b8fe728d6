import { after, test } from 'node:test';
import { findPostgresBinDir, startPostgres } from '../../../test/rig/postgres.ts';
import { postgresTestBackend } from './test-backends.ts';
import { uploadSessionSuite } from './upload-session-store.suite.ts';

if (await findPostgresBinDir()) {
  const server = await startPostgres();
  after(() => server.stop());
  uploadSessionSuite(postgresTestBackend(() => server.createDatabase()));
} else {
  test('upload sessions on postgres', {
    skip: 'PostgreSQL server not installed (apt-get install postgresql-15)',
  }, () => {});
}
