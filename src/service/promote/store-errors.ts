import { hasCode } from '../../errors/ferry-error.ts';
import { StoreErrorCode } from '../store/store-error.ts';
import { PromotionError, PromotionErrorCode } from './promotion-error.ts';

/**
 * The store's compare-and-set outcomes in the API's terms: a lost race on a status (StoreError Conflict)
 * is a 409 for the caller, an unknown id a 404. Everything else passes unchanged (a database outage
 * stays a StoreError, i.e. a 5xx).
 */
export function asPromotionError(err: unknown): unknown {
  if (hasCode(err, StoreErrorCode.Conflict) && !(err as { temporary?: boolean }).temporary) {
    return new PromotionError(PromotionErrorCode.Conflict, (err as Error).message, { cause: err });
  }
  if (hasCode(err, StoreErrorCode.NotFound)) {
    return new PromotionError(PromotionErrorCode.NotFound, (err as Error).message, { cause: err });
  }
  return err;
}
