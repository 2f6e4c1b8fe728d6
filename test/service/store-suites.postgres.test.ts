import { after, test } from 'node:test';
import { queueSuite } from '../../src/service/queue/queue.suite.ts';
import { dashboardReadsSuite } from '../../src/service/store/dashboard-reads.suite.ts';
import { registrySlotSuite } from '../../src/service/store/registry-slot-store.suite.ts';
import { releaseStoreSuite } from '../../src/service/store/release-store.suite.ts';
import { storeSuite } from '../../src/service/store/store.suite.ts';
import { postgresTestBackend } from '../../src/service/store/test-backends.ts';
import { uploadSessionSuite } from '../../src/service/store/upload-session-store.suite.ts';
import { findPostgresBinDir, startPostgres } from '../rig/postgres.ts';

/*
 * The store and queue suites on a real PostgreSQL server: the same tests as their *.pglite.test.ts
 * files beside the code, which run in the unit run on the embedded engine. Here because they start a
 * server process; one server (a database per test or template) serves them all.
 */
if (await findPostgresBinDir()) {
  const server = await startPostgres();
  const backend = postgresTestBackend(() => server.createDatabase());
  after(async () => {
    await backend.dispose();
    await server.stop();
  });
  storeSuite(backend);
  releaseStoreSuite(backend);
  uploadSessionSuite(backend);
  dashboardReadsSuite(backend);
  registrySlotSuite(backend);
  queueSuite(backend);
} else {
  test('store and queue suites on postgres', {
    skip: 'PostgreSQL server not installed (apt-get install postgresql-15)',
  }, () => {});
}
