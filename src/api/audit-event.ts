/** One append-only step of a promotion's history, as `GET /api/v1/promotions/{id}` lists it. */
import { z } from 'zod';
import { timestampSchema } from './timestamp.ts';

export const auditEventSchema = z
  .strictObject({
    id: z.int().min(0).meta({ description: 'Increasing in insertion order.' }),
    promotionId: z.string().nullable(),
    at: timestampSchema,
    actor: z
      .string()
      .meta({ description: 'API token name, webhook, registry user or `ferry`; never a secret.' }),
    kind: z.string().meta({ description: '`accepted`, `approved`, `started`, `copied`, `failed`, …' }),
    digest: z.string().nullable(),
    outcome: z.string().nullable().meta({ description: '`ok`, `error`, `retry`, `skipped`, …' }),
    bytes: z.int().nullable(),
    detail: z.record(z.string(), z.unknown()),
  })
  .meta({ description: 'One append-only step of a promotion’s history.' });

export type AuditEventView = z.output<typeof auditEventSchema>;
