/**
 * What every trigger turns its input into. Triggers only parse and authenticate; matching a promotion
 * rule, resolving the tag to a digest and policy checks happen later, in one place.
 *
 * A side names its registry either by environment name (`nonprod`) or by registry host
 * (`registry.nonprod.example:5000`, as the seed's OpenShift webhook body does); the rule matcher maps
 * hosts to configured environments.
 */
export interface PromotionSide {
  readonly environment?: string | undefined;
  readonly registry?: string | undefined;
  /** Repository path without registry, e.g. `team-a/app`. */
  readonly repository: string;
  readonly tag?: string | undefined;
  readonly digest?: string | undefined;
}

export type { TriggerKind } from '../../api/trigger-kinds.ts';

import type { TriggerKind } from '../../api/trigger-kinds.ts';

export interface PromotionRequest {
  readonly source: PromotionSide;
  /** Absent or partial: the matching rule supplies environment, repository template and tag. */
  readonly destination?: Partial<PromotionSide> | undefined;
  readonly trigger: {
    readonly kind: TriggerKind;
    /** Delivery id for de-duplication (Standard Webhooks `webhook-id`, GitHub delivery, event id). */
    readonly deliveryId?: string | undefined;
    /** Who asked: API token name, webhook name, registry actor. Never a secret. */
    readonly actor: string;
  };
  readonly gitCommit?: string | undefined;
  /** Free-form labels carried into the audit record (CI build URL, pipeline name). */
  readonly labels?: Readonly<Record<string, string>> | undefined;
}
