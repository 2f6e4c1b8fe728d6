import type { Database } from '../store/database.ts';

/**
 * `db.transaction(fn)`, except that an error `fn` throws reaches the caller exactly as thrown.
 *
 * Why: the store's transaction wrappers turn errors that carry a string `code` into StoreErrors
 * (store-error.ts `wrapDriverError` reads any string `code` as a SQLSTATE), and every FerryError has
 * one — a PromotionError thrown inside would come out as "StoreError: transaction failed". Until that is
 * fixed in the store, the error is carried past the wrapper here. Failures of the transaction itself
 * (BEGIN, COMMIT) still arrive as the store reports them.
 */
export async function transact<T>(db: Database, fn: (tx: Database) => Promise<T>): Promise<T> {
  let thrown: { error: unknown } | undefined;
  try {
    return await db.transaction(async (tx) => {
      try {
        return await fn(tx);
      } catch (error) {
        thrown = { error };
        throw error;
      }
    });
  } catch (error) {
    throw thrown === undefined ? error : thrown.error;
  }
}
