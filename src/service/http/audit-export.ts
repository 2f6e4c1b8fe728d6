/**
 * The audit export's formats (`GET /api/v1/audit?format=csv|ndjson`), one page of events at a time so
 * the route can stream any number of them:
 *
 *   CSV     RFC 4180 by csv-stringify: CRLF line ends, a field quoted when it holds `,`, `"`, CR or LF
 *           (csv-stringify quotes a lone CR or LF only when told: `quoted_match`), quotes doubled; the
 *           header line is the contract's AUDIT_CSV_COLUMNS; `detail` is its JSON text.
 *           A field starting with `=`, `+`, `-`, `@`, tab or CR is prefixed with `'` (csv-stringify's
 *           `escape_formulas`): actors and details can come from webhooks and registries, and a
 *           spreadsheet would otherwise run `=HYPERLINK(…)` as a formula (OWASP "CSV Injection").
 *           Numbers (id, bytes) are never negative, so the prefix never changes one.
 *   NDJSON  one AuditEvent JSON object per line (`\n`), exactly as the JSON API shows it.
 */
import { stringify } from 'csv-stringify/sync';
import type { AuditEventView } from '../../api/audit-event.ts';
import { AUDIT_CSV_COLUMNS, type AUDIT_EXPORT_TYPES } from '../../api/audit-query.ts';

export type ExportFormat = keyof typeof AUDIT_EXPORT_TYPES;

const CSV_OPTIONS = {
  record_delimiter: 'windows',
  escape_formulas: true,
  quoted_match: /[\r\n]/,
} as const;

/** The CSV header line. */
export function csvHeader(): string {
  return stringify([[...AUDIT_CSV_COLUMNS]], CSV_OPTIONS);
}

function csvCells(event: AuditEventView): (string | number)[] {
  const cells: Record<(typeof AUDIT_CSV_COLUMNS)[number], string | number> = {
    id: event.id,
    at: event.at,
    promotionId: event.promotionId ?? '',
    actor: event.actor,
    kind: event.kind,
    digest: event.digest ?? '',
    outcome: event.outcome ?? '',
    bytes: event.bytes ?? '',
    detail: JSON.stringify(event.detail),
  };
  return AUDIT_CSV_COLUMNS.map((column) => cells[column]);
}

/** CSV lines (CRLF-terminated) for `events`; '' for none. */
export function csvLines(events: readonly AuditEventView[]): string {
  return events.length === 0 ? '' : stringify(events.map(csvCells), CSV_OPTIONS);
}

/** NDJSON lines for `events`. */
export function ndjsonLines(events: readonly AuditEventView[]): string {
  return events.map((event) => `${JSON.stringify(event)}\n`).join('');
}

/** `ferry-audit-20261207T114200Z.csv`: when the export was taken, in a name every file system takes. */
export function exportFileName(format: ExportFormat, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `ferry-audit-${stamp}.${format}`;
}
