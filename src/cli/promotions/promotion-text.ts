/**
 * How a promotion reads in a terminal: the list table's columns (id short, status, rule,
 * source → destination, requested by, age) and `show`'s detail. Server text is escaped on the way out
 * (renderTable, serverText); `--json` prints the API's own JSON instead.
 */
import type { AuditEventView } from '../../api/audit-event.ts';
import type { PromotionView } from '../../api/promotion.ts';
import { serverText } from '../api-client/server-text.ts';
import { formatAge } from '../output/age.ts';
import { type Column, renderTable } from '../output/table.ts';

/**
 * Ids are UUID v7: the first characters are a timestamp that promotions created together share, the
 * last 8 are random. The short form is those last 8 (resolve-promotion-id.ts accepts it back).
 */
export const SHORT_ID_LENGTH = 8;

export function shortId(id: string): string {
  return id.length > SHORT_ID_LENGTH ? id.slice(-SHORT_ID_LENGTH) : id;
}

function shortDigest(digest: string): string {
  const [algorithm, hex] = digest.split(':');
  return hex === undefined ? digest : `${algorithm}:${hex.slice(0, 12)}`;
}

/** `nonprod/team-a/app:abc1234`: the environment (or registry), repository and tag (or digest). */
export function sourceText(p: PromotionView): string {
  const { source } = p;
  const where = source.environment ?? source.registry;
  return `${where}/${source.repository}${source.tag === null ? `@${shortDigest(source.digest)}` : `:${source.tag}`}`;
}

export function destinationText(p: PromotionView): string {
  const { destination } = p;
  return `${destination.environment ?? destination.registry}/${destination.repository}:${destination.tag}`;
}

/** `awaiting_approval (1/2)` while approvals are outstanding. */
export function statusText(p: PromotionView): string {
  return p.status === 'awaiting_approval'
    ? `${p.status} (${p.approvalsReceived}/${p.approvalsRequired})`
    : p.status;
}

export function promotionTable(
  promotions: readonly PromotionView[],
  width: number | undefined,
  now = new Date(),
) {
  const columns: Column<PromotionView>[] = [
    { header: 'ID', cell: (p) => shortId(p.id) },
    { header: 'STATUS', cell: statusText },
    { header: 'KIND', cell: (p) => p.kind },
    { header: 'RULE', cell: (p) => p.rule, shrink: true },
    { header: 'SOURCE → DESTINATION', cell: (p) => `${sourceText(p)} → ${destinationText(p)}`, shrink: true },
    { header: 'REQUESTED BY', cell: (p) => p.requestedBy, shrink: true },
    { header: 'AGE', cell: (p) => formatAge(p.createdAt, now) },
  ];
  return renderTable(promotions, columns, width);
}

/** One line per field, aligned; absent fields are left out. */
function fields(rows: readonly (readonly [string, string | null | undefined])[]): string {
  const present = rows.filter(
    (row): row is readonly [string, string] => row[1] !== null && row[1] !== undefined,
  );
  const width = Math.max(...present.map(([name]) => name.length)) + 1;
  return present
    .map(([name, value]) => `${`${name}:`.padEnd(width)}  ${serverText(value, 1_000)}\n`)
    .join('');
}

function at(time: string | null, now: Date): string | null {
  return time === null ? null : `${time} (${formatAge(time, now)} ago)`;
}

/** `ferry promotions show`: the promotion's fields, then its timeline. */
export function promotionDetail(
  p: PromotionView,
  timeline: readonly AuditEventView[],
  url: string,
  width: number | undefined,
  now = new Date(),
): string {
  const { source, destination } = p;
  const approvals = p.approvals.map(
    (a) =>
      `${a.approver} ${a.decision === 'approve' ? 'approved' : 'rejected'} at ${a.at}${a.comment ? `: ${a.comment}` : ''}`,
  );
  const labels = Object.entries(p.labels).map(([key, value]) => `${key}=${value}`);
  const head = fields([
    ['id', p.id],
    ['status', statusText(p)],
    ['reason', p.reason],
    ['kind', p.kind],
    ['rule', p.rule],
    [
      'source',
      `${source.environment === null ? '' : `${source.environment} `}${source.registry}/${source.repository}${source.tag === null ? '' : `:${source.tag}`}@${source.digest}`,
    ],
    [
      'destination',
      `${destination.environment === null ? '' : `${destination.environment} `}${destination.registry}/${destination.repository}:${destination.tag}`,
    ],
    ['release tag', p.releaseTag],
    ['result digest', p.resultDigest],
    ['requested by', `${p.requestedBy} (${p.triggerKind})`],
    ['approvals', p.approvalsRequired === 0 ? null : `${p.approvalsReceived}/${p.approvalsRequired}`],
    ...approvals.map((text) => ['', text] as const),
    ['rerun of', p.rerunOf],
    ['rollback of', p.rollbackOf],
    ['superseded by', p.supersededBy],
    ['git commit', p.gitCommit],
    ['labels', labels.length === 0 ? null : labels.join(', ')],
    ['created', at(p.createdAt, now)],
    ['started', at(p.startedAt, now)],
    ['finished', at(p.finishedAt, now)],
    ['url', url],
  ]);
  const events = renderTable(
    timeline,
    [
      { header: 'AT', cell: (e) => e.at },
      { header: 'ACTOR', cell: (e) => e.actor, shrink: true },
      { header: 'EVENT', cell: (e) => e.kind },
      { header: 'OUTCOME', cell: (e) => e.outcome ?? '' },
      { header: 'DIGEST', cell: (e) => (e.digest === null ? '' : shortDigest(e.digest)) },
    ],
    width,
  );
  return `${head}\n${events}`;
}

/** The line an action prints: `promotion 3f9c1a2b approved → queued: <url>`. */
export function actionLine(p: PromotionView, url: string, note = ''): string {
  return `promotion ${serverText(p.id, 100)} ${statusText(p)}${note}${p.reason === null ? '' : `: ${serverText(p.reason)}`}\n  ${serverText(url, 300)}\n`;
}
