/**
 * Keyset page cursors: an opaque base64url token holding the kind of list and the last row's key
 * (`p:<seq>` for promotions, `a:<id>` for audit events). The prefix keeps lists apart: a promotion
 * cursor handed to the audit list (or the reverse) is refused, not read as a position in it.
 */
import { StoreError, StoreErrorCode } from './store-error.ts';

export type CursorKind = 'p' | 'a';

export function encodeCursor(kind: CursorKind, key: number): string {
  return Buffer.from(`${kind}:${key}`).toString('base64url');
}

/** The key in a cursor of `kind`; a StoreError (Query) naming the cursor otherwise. */
export function decodeCursor(kind: CursorKind, cursor: string): number {
  const match = /^([a-z]):(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match || match[1] !== kind) {
    throw new StoreError(StoreErrorCode.Query, `invalid cursor ${JSON.stringify(cursor)}`);
  }
  return Number(match[2]);
}
