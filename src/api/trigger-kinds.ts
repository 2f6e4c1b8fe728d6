/**
 * Which trigger requested a promotion (`Promotion.triggerKind`). One list for the server's parsers,
 * the store, the OpenAPI document and clients.
 */
import { z } from 'zod';

export const TRIGGER_KINDS = [
  'api',
  'standard-webhook',
  'github',
  'openshift',
  'distribution',
  'harbor',
] as const;

export type TriggerKind = (typeof TRIGGER_KINDS)[number];

export const triggerKindSchema = z.enum(TRIGGER_KINDS).meta({
  description:
    '`api` (POST /api/v1/promotions), `standard-webhook` (`ferry trigger`), `github`, `openshift` (generic webhook), `distribution` or `harbor` (registry push events).',
});
