/**
 * How a promotion update travels between replicas as a NOTIFY payload (update-relay.ts): JSON naming the
 * replica it came from, so a replica can skip its own. PostgreSQL refuses payloads of 8000 bytes or
 * more; an update that would not fit (a promotion with many labels, an audit event with a long comment)
 * travels as a reference the receiving replica reads back from the shared database.
 *
 * Everything read here came through ferry's own database, but is parsed defensively anyway: a payload
 * that is not one of ours is dropped, never thrown into a listener.
 */
import type { AuditEvent } from '../store/audit-event.ts';
import type { Promotion, PromotionStatus } from '../store/promotion.ts';
import type { BlobProgress } from '../store/promotion-blobs.ts';
import type { PromotionUpdate } from './promotion-service.ts';

/** Below PostgreSQL's 8000-byte NOTIFY limit, with room for the envelope. */
export const MAX_INLINE_BYTES = 7500;

/** An update too large to inline: what the receiver reads back. */
export type UpdateRef =
  | {
      readonly type: 'status';
      readonly promotionId: string;
      readonly previous?: PromotionStatus | null | undefined;
    }
  | { readonly type: 'audit'; readonly promotionId: string; readonly eventId: number }
  /** Blobs as last recorded in the store (at most a few seconds behind: blob-progress-recorder.ts). */
  | {
      readonly type: 'progress';
      readonly promotionId: string;
      readonly bytes: number;
      readonly totalBytes: number;
    };

export type WireMessage =
  | { readonly from: string; readonly update: PromotionUpdate }
  | { readonly from: string; readonly ref: UpdateRef };

/** The NOTIFY payload for `update`; undefined for the rare update that can neither be inlined nor referenced. */
export function encodeUpdate(from: string, update: PromotionUpdate): string | undefined {
  const inline = JSON.stringify({ from, update });
  if (Buffer.byteLength(inline, 'utf8') <= MAX_INLINE_BYTES) return inline;
  const ref = refOf(update);
  return ref === undefined ? undefined : JSON.stringify({ from, ref });
}

function refOf(update: PromotionUpdate): UpdateRef | undefined {
  switch (update.type) {
    case 'status':
      return { type: 'status', promotionId: update.promotion.id, previous: update.previous };
    case 'audit':
      // Event streams are per promotion: an audit event of none has nobody to go to.
      return update.event.promotionId === null
        ? undefined
        : { type: 'audit', promotionId: update.event.promotionId, eventId: update.event.id };
    case 'progress':
      // An image of a hundred layers or so lists more blobs than a payload holds.
      return {
        type: 'progress',
        promotionId: update.promotionId,
        bytes: update.bytes,
        totalBytes: update.totalBytes,
      };
  }
}

/** The message in `payload`, with dates revived; undefined when it is not a relayed update. */
export function decodeUpdate(payload: string): WireMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || typeof value.from !== 'string') return undefined;
  if (isRecord(value.ref)) {
    const ref = value.ref;
    if (ref.type === 'status' && typeof ref.promotionId === 'string') {
      return {
        from: value.from,
        ref: { type: 'status', promotionId: ref.promotionId, previous: previousOf(ref) },
      };
    }
    if (ref.type === 'audit' && typeof ref.promotionId === 'string' && typeof ref.eventId === 'number') {
      return { from: value.from, ref: { type: 'audit', promotionId: ref.promotionId, eventId: ref.eventId } };
    }
    if (
      ref.type === 'progress' &&
      typeof ref.promotionId === 'string' &&
      typeof ref.bytes === 'number' &&
      typeof ref.totalBytes === 'number'
    ) {
      return {
        from: value.from,
        ref: { type: 'progress', promotionId: ref.promotionId, bytes: ref.bytes, totalBytes: ref.totalBytes },
      };
    }
    return undefined;
  }
  const update = isRecord(value.update) ? reviveUpdate(value.update) : undefined;
  return update === undefined ? undefined : { from: value.from, update };
}

function reviveUpdate(raw: Record<string, unknown>): PromotionUpdate | undefined {
  switch (raw.type) {
    case 'status': {
      if (!isRecord(raw.promotion) || typeof raw.promotion.id !== 'string') return undefined;
      const p = raw.promotion;
      const promotion = {
        ...p,
        createdAt: dateOf(p.createdAt),
        updatedAt: dateOf(p.updatedAt),
        startedAt: p.startedAt == null ? null : dateOf(p.startedAt),
        finishedAt: p.finishedAt == null ? null : dateOf(p.finishedAt),
      } as unknown as Promotion;
      return { type: 'status', promotion, previous: previousOf(raw) };
    }
    case 'audit': {
      if (!isRecord(raw.event) || typeof raw.event.id !== 'number') return undefined;
      const event = { ...raw.event, at: dateOf(raw.event.at) } as unknown as AuditEvent;
      return { type: 'audit', event };
    }
    case 'progress':
      if (
        typeof raw.promotionId !== 'string' ||
        typeof raw.bytes !== 'number' ||
        typeof raw.totalBytes !== 'number' ||
        !Array.isArray(raw.blobs) ||
        !raw.blobs.every((blob) => isRecord(blob) && typeof blob.digest === 'string')
      )
        return undefined;
      return {
        type: 'progress',
        promotionId: raw.promotionId,
        bytes: raw.bytes,
        totalBytes: raw.totalBytes,
        blobs: raw.blobs as unknown as BlobProgress[],
      };
    default:
      return undefined;
  }
}

function previousOf(raw: Record<string, unknown>): PromotionStatus | null | undefined {
  return raw.previous === null
    ? null
    : typeof raw.previous === 'string'
      ? (raw.previous as PromotionStatus)
      : undefined;
}

function dateOf(value: unknown): Date {
  return new Date(typeof value === 'string' || typeof value === 'number' ? value : Number.NaN);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
