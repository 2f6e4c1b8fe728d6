import type { Database } from './database.ts';

/**
 * The session_revocations table: ids of browser sessions signed out before their cookie expired
 * (http/sessions.ts). A session id is a random handle inside the encrypted cookie, not a credential:
 * knowing it lets nobody forge a cookie.
 */

/** Records that session `id` was signed out; kept until `expiresAt`. Signing out twice is harmless. */
export async function revokeSession(db: Database, id: string, expiresAt: Date): Promise<void> {
  await db.query(
    `INSERT INTO session_revocations (session_id, expires_at) VALUES ($1, $2)
     ON CONFLICT (session_id) DO NOTHING`,
    [id, expiresAt],
  );
}

/** Whether session `id` was signed out (a primary-key lookup, made on every cookie request). */
export async function isSessionRevoked(db: Database, id: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM session_revocations WHERE session_id = $1', [id]);
  return rows.length > 0;
}

/** Maintenance: forgets revocations of sessions that expired before `before`. Returns how many. */
export async function forgetRevocationsBefore(db: Database, before: Date): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM session_revocations WHERE expires_at < $1', [before]);
  return rowCount;
}

/** The table as the sessions of the HTTP app use it (http/sessions.ts SessionRevocations). */
export function sessionRevocations(db: Database) {
  return {
    revoke: (id: string, expiresAt: Date) => revokeSession(db, id, expiresAt),
    isRevoked: (id: string) => isSessionRevoked(db, id),
  };
}
