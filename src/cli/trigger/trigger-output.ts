/**
 * What `ferry trigger` prints. One line per state a person cares about, in a shape that reads well in
 * a CI log and greps well (`promotion <id> <status>…`). Server-supplied text passes through serverText.
 */
import { serverText } from '../api-client/server-text.ts';
import type { PromotionEnvelope, PromotionView } from './parse-envelope.ts';

/** `reg.prod/team-a/app:abc123@sha256:…`, or undefined when the server left the destination out. */
function destinationOf(promotion: PromotionView): string | undefined {
  const d = promotion.destination;
  if (d === undefined) return undefined;
  const digest = promotion.resultDigest ?? promotion.source?.digest;
  return `${d.registry}/${d.repository}:${d.tag}${digest ? `@${digest}` : ''}`;
}

/** `running`, `failed: <reason>`, `succeeded: reg.prod/team-a/app:abc@sha256:…`. */
export function describeState(promotion: PromotionView): string {
  const reason = promotion.reason === null ? undefined : serverText(promotion.reason);
  switch (promotion.status) {
    case 'succeeded': {
      const where = destinationOf(promotion);
      return where === undefined ? 'succeeded' : `succeeded: ${serverText(where)}`;
    }
    case 'failed':
    case 'rejected':
    case 'cancelled':
      return `${promotion.status}: ${reason ?? 'no reason given'}`;
    case 'awaiting_approval': {
      const n = promotion.approvalsRequired;
      const needs = n === undefined || n === 0 ? '' : ` (${n} approval${n === 1 ? '' : 's'} required)`;
      return `awaiting_approval${needs}${reason === undefined ? '' : `: ${reason}`}`;
    }
    default:
      return `${promotion.status}${reason === undefined ? '' : `: ${reason}`}`;
  }
}

export function stateLine(promotion: PromotionView): string {
  return `promotion ${serverText(promotion.id, 100)} ${describeState(promotion)}\n`;
}

/** The acceptance line: id, state and where to follow it. */
export function acceptedLine(envelope: PromotionEnvelope, fallbackUrl: string): string {
  const { promotion } = envelope;
  const earlier = envelope.created === false ? ' (already requested earlier)' : '';
  const url = serverText(envelope.url ?? fallbackUrl, 300);
  return `promotion ${serverText(promotion.id, 100)} ${promotion.status}${earlier}: ${url}\n`;
}

/** Whether `next` is worth a line after `previous` (status or reason changed). */
export function changed(previous: PromotionView | undefined, next: PromotionView): boolean {
  return previous === undefined || previous.status !== next.status || previous.reason !== next.reason;
}

export interface DryRunRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** The request as it would be sent, in HTTP message form (the signature value left out). */
export function dryRunText(request: DryRunRequest): string {
  const headers = Object.entries(request.headers).map(([name, value]) => `${name}: ${value}`);
  return `POST ${request.url}\n${headers.join('\n')}\n\n${JSON.stringify(request.body, null, 2)}\n`;
}
