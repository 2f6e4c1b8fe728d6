/** Bodies of the unauthenticated operations endpoints (`/healthz`, `/readyz`). */
import { z } from 'zod';

export const healthSchema = z
  .strictObject({ status: z.literal('ok'), version: z.string() })
  .meta({ description: 'The process is up and serving.' });

export const readySchema = z
  .strictObject({ status: z.literal('ready') })
  .meta({ description: 'Start-up done, database answering, job queue running.' });

/** GitHub's signed `ping` when a webhook is created: answered so its check passes. */
export const pingSchema = z.strictObject({ ok: z.literal(true) });
