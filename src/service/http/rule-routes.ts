/**
 * `GET /api/v1/rules` (role view): the configured promotion rules in the order they are tried, as the
 * dashboard's rules page shows them (rule-view.ts; never a secret). The config is loaded once at start,
 * so the answer is the same for the life of the process.
 */
import type { FastifyInstance } from 'fastify';
import { PATHS } from '../../api/paths.ts';
import type { RuleListBody } from '../../api/rule.ts';
import type { RouteContext } from './route-context.ts';
import { toRuleView } from './rule-view.ts';

export function registerRuleRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const body: RuleListBody = { rules: ctx.config.promotions.map((rule) => toRuleView(rule, ctx.config)) };
  app.get(PATHS.rules, { onRequest: ctx.auth.require('view') }, async (): Promise<RuleListBody> => body);
}
