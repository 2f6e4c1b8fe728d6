/**
 * The contract's view of a configured rule (api/rule.ts), for `GET /api/v1/rules`. What is left out is
 * deliberate: registry credentials, trigger secrets and key paths never leave the server, so a public
 * key file appears by its file name only (enough to tell `cosign-2025.pub` from `cosign-2026.pub`
 * during a rotation).
 */

import { basename } from 'node:path';
import type { RuleView } from '../../api/rule.ts';
import { formatApprover } from '../config/approver-schema.ts';
import { triggerKindOf } from '../config/rule-triggers.ts';
import type { FerryConfig, PromotionRule } from '../config/schema.ts';

export function toRuleView(rule: PromotionRule, config: Pick<FerryConfig, 'environments'>): RuleView {
  // check-references.ts refuses a rule naming an undefined environment, so both are there.
  const from = config.environments[rule.from.environment]!;
  const to = config.environments[rule.to.environment]!;
  return {
    name: rule.name,
    description: rule.description ?? null,
    source: { environment: rule.from.environment, registry: from.registry, repository: rule.from.repository },
    destination: {
      environment: rule.to.environment,
      registry: to.registry,
      repository: rule.to.repository,
      maxConcurrentPromotions: to.maxConcurrentPromotions,
    },
    tags: rule.tags,
    releaseTag: rule.releaseTag ?? null,
    immutableTags: rule.immutableTags,
    copySignatures: rule.copySignatures,
    triggers: rule.triggers.map(triggerKindOf),
    approvals: {
      required: rule.approvals.required,
      approvers: rule.approvals.approvers === undefined ? null : rule.approvals.approvers.map(formatApprover),
      allowSelfApproval: rule.approvals.allowSelfApproval,
    },
    signature: {
      required: rule.signature.required,
      publicKeys: rule.signature.publicKeyFiles.map((file) => basename(file)),
      identities: rule.signature.identities.map((identity) => ({
        issuer: identity.issuer,
        subject: identity.subject ?? null,
        subjectRegExp: identity.subjectRegExp ?? null,
      })),
      transparencyLog: rule.signature.tlog,
      attestations: rule.signature.attestations.map((a) => a.predicateType),
    },
  };
}
