import type { PromotionStatus } from '../../../src/api/statuses.ts';
import { statusLabel } from '../lib/format.ts';

/** A status as a coloured label; the text is always there, so colour is never the only signal. */
export function StatusBadge({ status }: { status: PromotionStatus }) {
  return <span className={`badge badge-${status}`}>{statusLabel(status)}</span>;
}
