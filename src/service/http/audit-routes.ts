/**
 * `GET /api/v1/audit` (role view): the audit trail of every promotion, newest first, filtered and paged
 * (api/audit-query.ts), or with `format=csv|ndjson` streamed as a download (audit-export.ts).
 *
 * An export reads the store a page of MAX_AUDIT_PAGE events at a time and writes each page before
 * reading the next (the response stream's backpressure paces the reads), so memory stays flat whatever
 * the number of events. It walks the keyset downwards from the newest event at its start: events
 * recorded meanwhile are not part of it. If the store fails half-way, the connection is cut (the
 * download is visibly incomplete, never silently short) and the failure logged.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { AUDIT_EXPORT_TYPES, type AuditPageBody, auditQuerySchema } from '../../api/audit-query.ts';
import { PATHS } from '../../api/paths.ts';
import type { PromotionService } from '../promote/promotion-service.ts';
import { type AuditSearch, MAX_AUDIT_PAGE } from '../store/audit-search.ts';
import { csvHeader, csvLines, type ExportFormat, exportFileName, ndjsonLines } from './audit-export.ts';
import { badRequest } from './errors.ts';
import { toAuditEventView } from './promotion-view.ts';
import { parseQuery } from './request-query.ts';
import type { RouteContext } from './route-context.ts';

async function* exportLines(
  service: Pick<PromotionService, 'searchAudit'>,
  search: AuditSearch,
  format: ExportFormat,
): AsyncGenerator<string> {
  if (format === 'csv') yield csvHeader();
  let cursor: string | undefined;
  do {
    const page = await service.searchAudit({ ...search, limit: MAX_AUDIT_PAGE, cursor });
    const views = page.events.map(toAuditEventView);
    if (views.length > 0) yield format === 'csv' ? csvLines(views) : ndjsonLines(views);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
}

export function registerAuditRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { service, auth } = ctx;

  app.get(PATHS.audit, { onRequest: auth.require('view') }, async (request, reply) => {
    const { promotion, since, until, format, limit, cursor, ...rest } = parseQuery(
      auditQuerySchema,
      request.query,
    );
    const search: AuditSearch = {
      ...rest,
      promotionId: promotion,
      since: since === undefined ? undefined : new Date(since),
      until: until === undefined ? undefined : new Date(until),
    };
    if (format === undefined || format === 'json') {
      const page = await service.searchAudit({ ...search, limit, cursor });
      const body: AuditPageBody = {
        events: page.events.map(toAuditEventView),
        nextCursor: page.nextCursor ?? null,
      };
      return body;
    }
    const paging = [limit === undefined ? [] : ['limit'], cursor === undefined ? [] : ['cursor']].flat();
    if (paging.length > 0) {
      throw badRequest(
        `invalid query: ${paging.join(' and ')} page the JSON answer; format=${format} exports every matching event (narrow it with since, until and the other filters)`,
        paging,
      );
    }
    const stream = Readable.from(exportLines(service, search, format));
    stream.on('error', (err) => request.log.warn({ err }, 'audit export failed half-way; connection cut'));
    return reply
      .type(`${AUDIT_EXPORT_TYPES[format]}; charset=utf-8`)
      .header('content-disposition', `attachment; filename="${exportFileName(format, new Date())}"`)
      .header('cache-control', 'no-store')
      .send(stream);
  });
}
