/**
 * Checks what the server sent against trigger-contract.ts. Only the fields the client acts on are
 * required; a server that adds fields keeps working, one that drops `id` or `status` fails loudly
 * instead of being followed with undefined ids.
 */
import { PROMOTION_STATUSES, type PromotionStatus } from '../../service/store/promotion.ts';
import type { ErrorBody, PromotionEnvelope, PromotionView } from './trigger-contract.ts';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStatus(value: unknown): value is PromotionStatus {
  return typeof value === 'string' && (PROMOTION_STATUSES as readonly string[]).includes(value);
}

/** The envelope, or undefined when `value` does not follow the contract. */
export function parseEnvelope(value: unknown): PromotionEnvelope | undefined {
  if (!isRecord(value) || !isRecord(value['promotion'])) return undefined;
  const promotion = value['promotion'];
  const { id, status, reason } = promotion;
  if (typeof id !== 'string' || id === '' || !isStatus(status)) return undefined;
  if (reason !== undefined && reason !== null && typeof reason !== 'string') return undefined;
  const url = value['url'];
  const created = value['created'];
  return {
    promotion: { ...(promotion as unknown as PromotionView), reason: reason ?? null },
    ...(typeof url === 'string' ? { url } : {}),
    ...(typeof created === 'boolean' ? { created } : {}),
  };
}

/** `{code, message}` of an error answer, when it has that shape. */
export function parseErrorBody(value: unknown): ErrorBody | undefined {
  if (!isRecord(value)) return undefined;
  const { code, message } = value;
  if (typeof code !== 'string' || typeof message !== 'string') return undefined;
  return { code, message };
}
