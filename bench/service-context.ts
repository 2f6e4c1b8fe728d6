import type { RegistryInstance } from '../test/rig/registry.ts';
import type { FerryServe } from './ferry-serve.ts';
import type { Profile } from './profile.ts';
import type { PromotionEvents } from './promotion-events.ts';
import type { ServiceImage } from './service-image.ts';
import type { WebhookSender } from './webhook-sender.ts';

/** Everything a promotion-service scenario works with; set up once by service-bench.ts. */
export interface ServiceContext {
  readonly profile: Profile;
  readonly signal: AbortSignal;
  readonly serve: FerryServe;
  readonly prod: RegistryInstance;
  readonly image: ServiceImage;
  /** Source environment named in every webhook (`data.from`). */
  readonly from: string;
  readonly sender: WebhookSender;
  readonly events: PromotionEvents;
}

/** How long one promotion of the already-present image may take before it counts as failed. */
export const PROMOTION_TIMEOUT_MS = 30_000;

/** The bench's abort signal, or the per-promotion timeout, whichever comes first. */
export function promotionSignal(ctx: ServiceContext): AbortSignal {
  return AbortSignal.any([ctx.signal, AbortSignal.timeout(PROMOTION_TIMEOUT_MS)]);
}
