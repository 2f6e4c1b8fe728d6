/** How releases read in a terminal: what each destination tag points at now, and a tag's history. */
import type { ReleaseEntryView, ReleaseView } from '../../api/release.ts';
import { formatAge } from '../output/age.ts';
import { renderTable } from '../output/table.ts';
import { shortId } from '../promotions/promotion-text.ts';

function shortDigest(digest: string | null): string {
  if (digest === null) return '';
  const [algorithm, hex] = digest.split(':');
  return hex === undefined ? digest : `${algorithm}:${hex.slice(0, 12)}`;
}

export function releaseTable(releases: readonly ReleaseView[], width: number | undefined, now = new Date()) {
  return renderTable(
    releases,
    [
      { header: 'ENVIRONMENT', cell: (r) => r.environment ?? '-' },
      { header: 'REPOSITORY:TAG', cell: (r) => `${r.repository}:${r.tag}`, shrink: true },
      { header: 'DIGEST', cell: (r) => shortDigest(r.digest) },
      { header: 'PROMOTION', cell: (r) => shortId(r.promotionId) },
      { header: 'KIND', cell: (r) => r.kind },
      { header: 'RULE', cell: (r) => r.rule, shrink: true },
      { header: 'BY', cell: (r) => r.promotedBy, shrink: true },
      { header: 'SINCE', cell: (r) => formatAge(r.since, now) },
      { header: 'PREVIOUS', cell: (r) => shortDigest(r.previousDigest) },
    ],
    width,
  );
}

export function releaseDetail(
  release: ReleaseView,
  history: readonly ReleaseEntryView[],
  width: number | undefined,
  now = new Date(),
): string {
  const approved = release.approvedBy.length === 0 ? '' : `, approved by ${release.approvedBy.join(', ')}`;
  const head =
    `${release.environment ?? '-'} ${release.registry}/${release.repository}:${release.tag}\n` +
    `  ${release.digest}\n` +
    `  since ${release.since} (${formatAge(release.since, now)} ago), ${release.kind} ${release.promotionId} of rule ${release.rule} by ${release.promotedBy}${approved}\n`;
  const table = renderTable(
    history,
    [
      { header: 'AT', cell: (e) => e.at },
      { header: 'DIGEST', cell: (e) => shortDigest(e.digest) },
      { header: 'PROMOTION', cell: (e) => shortId(e.promotionId) },
      { header: 'KIND', cell: (e) => e.kind },
      { header: 'BY', cell: (e) => e.promotedBy, shrink: true },
      { header: 'PREVIOUS', cell: (e) => shortDigest(e.previousDigest) },
    ],
    width,
  );
  return `${head}\nHISTORY (newest first)\n${table}`;
}
