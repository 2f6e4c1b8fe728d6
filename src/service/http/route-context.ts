/** What the route modules share, built once per app by createHttpApp. */
import type { FerryConfig } from '../config/schema.ts';
import type { PromotionService } from '../promote/promotion-service.ts';
import type { Admission } from './admission.ts';
import type { ApiAuth } from './auth.ts';
import type { PromotionViews } from './promotion-view.ts';
import type { SecretSource } from './trigger-secrets.ts';

export interface RouteContext {
  readonly config: FerryConfig;
  readonly service: PromotionService;
  readonly admission: Admission;
  readonly auth: ApiAuth;
  /** How promotions are shown (with their approvals): every answer goes through it. */
  readonly views: PromotionViews;
  readonly secrets: SecretSource;
  /** The body limit every route enforces (bytes). */
  readonly bodyLimit: number;
}
