/**
 * Which requirements apply to a subject: containers/image v5.23 policy_eval.go requirementsForImageRef.
 * In `transports.<transport>`: the exact identity, then each namespace from the most specific, then
 * the transport's `""` scope; otherwise the top-level `default`.
 */
import type { PolicySubject } from './policy-subject.ts';
import type { Policy, PolicyRequirement } from './policy-types.ts';

export interface ApplicableRequirements {
  readonly requirements: readonly PolicyRequirement[];
  /** Where they came from, for messages: `transports.docker["reg/app"]` or `default`. */
  readonly scope: string;
}

export function requirementsFor(policy: Policy, subject: PolicySubject): ApplicableRequirements {
  const scopes = policy.transports.get(subject.transport);
  if (scopes !== undefined) {
    for (const scope of [subject.identity, ...subject.namespaces, '']) {
      const found = scopes.get(scope);
      if (found !== undefined) {
        return { requirements: found, scope: `transports.${subject.transport}[${JSON.stringify(scope)}]` };
      }
    }
  }
  return { requirements: policy.default, scope: 'default' };
}
