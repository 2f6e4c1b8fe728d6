import { createHash } from 'node:crypto';
import type { Database } from './database.ts';
import { MIGRATIONS, type Migration } from './migrations/migration-list.ts';
import { StoreError, StoreErrorCode } from './store-error.ts';

/**
 * Arbitrary constant key for pg_advisory_xact_lock, shared by every ferry replica: replicas starting
 * together queue up behind one another instead of racing to create the same tables. (PGlite has one
 * connection, so the lock is trivially free there; the same code runs on both.)
 */
const MIGRATION_LOCK_KEY = 0x0f_e2_2e_01;

export interface MigrateResult {
  /** Versions applied by this call (empty when the schema was already current). */
  readonly applied: number[];
  /** The schema version after this call. */
  readonly version: number;
}

function checksum(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

/**
 * Brings the schema up to date, at start-up. Each migration runs in its own transaction together with
 * its schema_migrations row, under the advisory lock, and is skipped when already recorded — so it is
 * idempotent, safe to run from several replicas at once, and a failure leaves the previous version.
 * Refuses to start against a schema newer than this build, or one whose recorded migration differs from
 * the embedded text (an edited migration would leave databases that differ silently).
 */
export async function migrate(
  db: Database,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrateResult> {
  const applied: number[] = [];
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  });
  for (const migration of migrations) {
    await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
      const { rows } = await tx.query<{ checksum: string }>(
        'SELECT checksum FROM schema_migrations WHERE version = $1',
        [migration.version],
      );
      const sum = checksum(migration.sql);
      const recorded = rows[0];
      if (recorded) {
        if (recorded.checksum !== sum) {
          throw new StoreError(
            StoreErrorCode.Migration,
            `migration ${migration.version} (${migration.name}) differs from the one applied to this database; released migrations must not be edited`,
          );
        }
        return;
      }
      try {
        await tx.exec(migration.sql);
      } catch (err) {
        throw new StoreError(
          StoreErrorCode.Migration,
          `migration ${migration.version} (${migration.name}) failed: ${err instanceof Error ? err.message : String(err)}`,
          { cause: err },
        );
      }
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        sum,
      ]);
      applied.push(migration.version);
    });
  }
  const { rows } = await db.query<{ version: number | null }>(
    'SELECT max(version) AS version FROM schema_migrations',
  );
  const version = rows[0]?.version ?? 0;
  const known = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  if (version > known) {
    throw new StoreError(
      StoreErrorCode.Migration,
      `database schema is at version ${version}, newer than this ferry knows (${known}); upgrade ferry`,
    );
  }
  return { applied, version };
}
