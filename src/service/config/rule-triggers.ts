/**
 * Which triggers may request a promotion under a rule (`promotions[].triggers`). The names are the keys
 * of the `triggers:` section, so a rule lists exactly what the operator enabled there; the trigger kinds
 * recorded on promotions (`triggerKind`) are the same words except `standardWebhooks` ↔
 * `standard-webhook`.
 *
 * Registry events are opt-in: a push to the source registry is not a decision anyone made to ship, so a
 * rule is promoted by one only if it lists `distribution` or `harbor` (issue 13: a non-prod push must not
 * reach production with no CI just because the registry trigger is on for some other rule).
 * Reruns and rollbacks repeat or restore an accepted promotion through the API; they are not triggers.
 */
import type { TriggerKind } from '../promote/promotion-request.ts';

export const RULE_TRIGGERS = [
  'api',
  'standardWebhooks',
  'github',
  'openshift',
  'distribution',
  'harbor',
] as const;
export type RuleTrigger = (typeof RULE_TRIGGERS)[number];

/** Triggers fired by a registry on every push, not by a pipeline or a person. */
export const REGISTRY_EVENT_TRIGGERS: readonly RuleTrigger[] = ['distribution', 'harbor'];

/** What a rule without `triggers:` allows: everything except registry events. */
export const DEFAULT_RULE_TRIGGERS: readonly RuleTrigger[] = RULE_TRIGGERS.filter(
  (name) => !REGISTRY_EVENT_TRIGGERS.includes(name),
);

const TRIGGER_OF_KIND: Readonly<Record<TriggerKind, RuleTrigger>> = {
  api: 'api',
  'standard-webhook': 'standardWebhooks',
  github: 'github',
  openshift: 'openshift',
  distribution: 'distribution',
  harbor: 'harbor',
};

/** The `triggers:` key (and `promotions[].triggers` entry) of a request's trigger kind. */
export function ruleTriggerOf(kind: TriggerKind): RuleTrigger {
  return TRIGGER_OF_KIND[kind];
}

/** The trigger kind (`Promotion.triggerKind`) a `triggers:` key stands for. */
export function triggerKindOf(trigger: RuleTrigger): TriggerKind {
  const entry = Object.entries(TRIGGER_OF_KIND).find(([, name]) => name === trigger);
  // Every RuleTrigger is a value of the table: it has one entry per trigger kind.
  return entry![0] as TriggerKind;
}

export function isRegistryEventTrigger(trigger: RuleTrigger): boolean {
  return REGISTRY_EVENT_TRIGGERS.includes(trigger);
}

/** Whether a request of `kind` may ask for a promotion under `rule`. */
export function ruleAllowsTrigger(
  rule: { readonly triggers: readonly RuleTrigger[] },
  kind: TriggerKind,
): boolean {
  return rule.triggers.includes(ruleTriggerOf(kind));
}
