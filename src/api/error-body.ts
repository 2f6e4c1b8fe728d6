/**
 * The body of every error ferry's HTTP API answers with: `{code, message, fields?}`. Clients match on
 * `code` (stable `FERRY_E_…`), never on `message`, which names the offending field or value (escaped,
 * truncated) and never carries a secret or a stack trace.
 */
import { z } from 'zod';

export const errorBodySchema = z
  .strictObject({
    code: z
      .string()
      .regex(/^(FERRY_E_|FST_)[A-Z0-9_]+$/)
      .meta({ description: 'Stable error code (`FERRY_E_…`): match on this, never on the message.' }),
    message: z.string().meta({ description: 'What is wrong, naming the field; never contains a secret.' }),
    fields: z
      .array(z.string())
      .min(1)
      .optional()
      .meta({ description: 'The offending body fields, query parameters or headers, when known.' }),
  })
  .meta({ description: 'An error. `code` is stable; `message` is for people.' });

export type ErrorBody = z.output<typeof errorBodySchema>;
