/**
 * What `/hooks/registry/distribution` and `/hooks/registry/harbor` answer. An authenticated delivery
 * whose events cannot be used is still a 2xx (registries retry a failed delivery forever), with every
 * unused event listed under `ignored`.
 */
import { z } from 'zod';
import { acceptedSchema } from './promotion-responses.ts';

export const ignoredEventSchema = z.strictObject({
  event: z
    .string()
    .optional()
    .meta({ description: '`registry/repository:tag` of the push, when the event got that far.' }),
  code: z.string().meta({ description: 'Stable code of why it was not used (`FERRY_E_…`).' }),
  reason: z.string(),
});

export type IgnoredEvent = z.output<typeof ignoredEventSchema>;

export const registryHookResultSchema = z
  .strictObject({
    promotions: z.array(acceptedSchema),
    ignored: z.array(ignoredEventSchema),
  })
  .meta({ description: 'The promotions a registry notification requested, and the events it ignored.' });

export type RegistryHookResult = z.output<typeof registryHookResultSchema>;
