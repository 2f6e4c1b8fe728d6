import pg from 'pg';
import type { PostgresInstance } from '../test/rig/postgres.ts';

/**
 * SQL statements a database has been sent, from pg_stat_statements: how many round trips to PostgreSQL
 * the service makes (per promotion, over a run). The module must be loaded at server start, so the
 * throwaway cluster is restarted once with it; its bookkeeping costs the server a little CPU (the same
 * in every run compared). Top-level statements only: what clients sent, not what functions ran.
 */
export interface StatementCounter {
  /** Statements sent to `databaseUrl`'s database so far (every client: the service, the benchmark's reads). */
  count(databaseUrl: string): Promise<number>;
  close(): Promise<void>;
}

export async function startStatementCounter(postgres: PostgresInstance): Promise<StatementCounter> {
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  try {
    await admin.query(`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`);
  } finally {
    await admin.end();
  }
  await postgres.pause();
  await postgres.resume();
  const client = new pg.Client({ connectionString: postgres.url });
  // A server that goes away under the benchmark must not crash it through an unhandled 'error'.
  client.on('error', () => undefined);
  await client.connect();
  await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  return {
    async count(databaseUrl) {
      const name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
      const { rows } = await client.query<{ n: string }>(
        `SELECT coalesce(sum(calls), 0)::bigint AS n FROM pg_stat_statements
          WHERE dbid = (SELECT oid FROM pg_database WHERE datname = $1)`,
        [name],
      );
      return Number(rows[0]?.n ?? 0);
    },
    close: () => client.end(),
  };
}
