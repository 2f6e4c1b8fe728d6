/**
 * Test support: the database a `ferry serve` under test uses. `postgresql` (a suite's PostgreSQL run, or
 * FERRY_TEST_BACKEND=postgres in the `*.postgres.test.ts` twin of a test file) starts a throwaway
 * PostgreSQL cluster and gives a fresh database's URL; otherwise undefined, and ferry uses its embedded
 * store in its data directory.
 */
import { startPostgres } from '../rig/postgres.ts';

export async function backendDatabaseUrl(
  cleanup: (fn: () => Promise<void>) => void,
  store: 'embedded' | 'postgresql' = process.env.FERRY_TEST_BACKEND === 'postgres'
    ? 'postgresql'
    : 'embedded',
): Promise<string | undefined> {
  if (store !== 'postgresql') return undefined;
  const pg = await startPostgres();
  cleanup(() => pg.stop());
  return pg.createDatabase();
}
