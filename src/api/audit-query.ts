/**
 * `GET /api/v1/audit`: the append-only audit trail of every promotion, newest first, searchable and
 * exportable (the dashboard's audit view). Filters are ANDed; an unknown parameter is a 400 naming it.
 *
 *   promotion   events of this promotion (its id)
 *   actor       recorded actor, exactly (`release-bot`, `ferry`, `alice@example.com (oidc)`)
 *   kind        event kind, exactly (`accepted`, `approved`, `failed`, …)
 *   since       ISO 8601 time: at or after it
 *   until       ISO 8601 time: strictly before it
 *   q           case-insensitive text in the actor, kind, outcome, digest or detail
 *   limit       page size, 1-500, default 50 (not with `format`)
 *   cursor      `nextCursor` of the previous page (not with `format`)
 *   format      `json` (default: one page), `csv` or `ndjson` (every matching event, as a download)
 *
 * The CSV export (RFC 4180: CRLF line ends, fields quoted when they contain `"`, `,`, CR or LF, quotes
 * doubled) has the header line AUDIT_CSV_COLUMNS; `detail` is the JSON text. A cell that a spreadsheet
 * would run as a formula (it starts with `=`, `+`, `-`, `@`, tab or CR) gets a leading `'`, so opening an
 * export whose actor or detail came from a webhook cannot execute anything (OWASP "CSV injection").
 * NDJSON has one AuditEvent JSON object per line, unchanged.
 */
import { z } from 'zod';
import { auditEventSchema } from './audit-event.ts';
import { actorSchema } from './field-schemas.ts';
import { cursorSchema, pageLimitSchema, textFilterSchema } from './promotion-query.ts';
import { timestampSchema } from './timestamp.ts';

export const AUDIT_EXPORT_FORMATS = ['json', 'csv', 'ndjson'] as const;
export type AuditExportFormat = (typeof AUDIT_EXPORT_FORMATS)[number];

/** Columns of the CSV export, in order (also its header line). */
export const AUDIT_CSV_COLUMNS = [
  'id',
  'at',
  'promotionId',
  'actor',
  'kind',
  'digest',
  'outcome',
  'bytes',
  'detail',
] as const;

/** Media types of the exports. */
export const AUDIT_EXPORT_TYPES: Readonly<Record<Exclude<AuditExportFormat, 'json'>, string>> = {
  csv: 'text/csv',
  ndjson: 'application/x-ndjson',
};

/** Promotion ids are UUIDs; the pattern admits only what could be one (the routes' own check). */
export const promotionIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/, 'is not a promotion id')
  .meta({ description: 'Promotion id (a UUID).' });

/** Audit event kinds are snake_case words (`awaiting_approval`). */
export const auditKindSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'is not an audit event kind (lowercase letters, digits, "_")')
  .meta({ description: 'Event kind, e.g. `accepted`, `approved`, `started`, `copied`, `failed`.' });

export const auditQuerySchema = z.strictObject({
  promotion: promotionIdSchema.optional(),
  actor: actorSchema.meta({ description: 'Recorded actor, exactly.' }).optional(),
  kind: auditKindSchema.optional(),
  since: timestampSchema.meta({ description: 'Only events at or after this time (ISO 8601).' }).optional(),
  until: timestampSchema
    .meta({ description: 'Only events strictly before this time (ISO 8601).' })
    .optional(),
  q: textFilterSchema
    .meta({ description: 'Case-insensitive text in the actor, kind, outcome, digest or detail.' })
    .optional(),
  limit: pageLimitSchema.optional(),
  cursor: cursorSchema.optional(),
  format: z
    .enum(AUDIT_EXPORT_FORMATS)
    .meta({
      description:
        '`json` (default): one page. `csv` or `ndjson`: every matching event as a download (`Content-Disposition: attachment`); not with `limit` or `cursor`.',
    })
    .optional(),
});

export type AuditQuery = z.output<typeof auditQuerySchema>;

export const auditPageSchema = z
  .strictObject({
    events: z.array(auditEventSchema).meta({ description: 'Newest first.' }),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
  })
  .meta({ description: 'One page of audit events.' });

export type AuditPageBody = z.output<typeof auditPageSchema>;
