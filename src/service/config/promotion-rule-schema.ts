/** A `promotions[]` rule of ferry.yaml: what may move from where to where, under which conditions. */
import { z } from 'zod';
import { TAG_RE } from '../../reference/grammar.ts';
import { approverEntrySchema } from './approver-schema.ts';
import { attestSchema } from './attest-schema.ts';
import {
  checkRepositoryPattern,
  type EnvironmentPattern,
  splitEnvironmentPattern,
  wildcardsOf,
} from './repository-pattern.ts';
import { DEFAULT_RULE_TRIGGERS, RULE_TRIGGERS } from './rule-triggers.ts';
import type { SchemaParts } from './schema-parts.ts';
import { signaturePolicySchema } from './signature-policy-schema.ts';

export function promotionRuleSchema(parts: SchemaParts) {
  const { name } = parts;
  const environmentPattern = (what: 'pattern' | 'template') =>
    z.string().transform((value, ctx): EnvironmentPattern => {
      const split = splitEnvironmentPattern(value);
      const reason = typeof split === 'string' ? split : checkRepositoryPattern(split.repository);
      if (reason !== undefined || typeof split === 'string') {
        ctx.issues.push({ code: 'custom', message: `invalid repository ${what}: ${reason}`, input: value });
        return z.NEVER;
      }
      return split;
    });

  const tagPattern = z.string().check((ctx) => {
    if (ctx.value === '') {
      ctx.issues.push({
        code: 'custom',
        message: 'tag pattern is empty; write ".+" to allow any tag',
        input: '',
      });
      return;
    }
    const reason = checkTagPattern(ctx.value);
    if (reason !== undefined) ctx.issues.push({ code: 'custom', message: reason, input: ctx.value });
  });

  const promotion = z
    .strictObject({
      // Unique rule name: shown in the audit log and dashboard, used by `approvers`, token scopes, notify.
      name,
      // Free text for people reading the dashboard.
      description: z.string().optional(),
      // Source: "<environment>:<repository pattern>". `*` matches one path segment, `**` one or more
      // (at most one `**`); wildcards are whole segments. E.g. "nonprod:team-a/*".
      from: environmentPattern('pattern'),
      // Destination: "<environment>:<repository template>" with the same wildcards in the same order,
      // each replaced by what its counterpart in `from` matched. E.g. "prod:team-a/*".
      // The destination tag is always the source tag.
      to: environmentPattern('template'),
      // Regular expression the source tag must match *entirely* (anchored for you), e.g. git SHAs
      // "[0-9a-f]{7,40}". Required: what may reach production is a decision, not a default.
      tags: tagPattern,
      approvals: z
        .strictObject({
          // Distinct approvers needed before the copy starts. Default 0: promote once policy passes.
          required: z.int().min(0).default(0),
          // Who may approve for this rule: API token names, and people by `group`, `email` or `subject`
          // (approver-schema.ts). Default: every token and person whose role can approve (approver,
          // admin) and whose scope includes this rule.
          approvers: z
            .array(approverEntrySchema(parts))
            .min(1, 'approvers is empty; remove it to allow every approver')
            .optional(),
          // Whether whoever requested the promotion may approve it too. Default false (four eyes).
          allowSelfApproval: z.boolean().default(false),
        })
        .prefault({}),
      signature: signaturePolicySchema(parts),
      // Sign an in-toto promotion statement after each promotion and attach it to the destination
      // image (docs/signatures.md "Promotion attestations"). Default: none.
      attest: attestSchema(parts).optional(),
      // Never move a destination tag: if it already points at a different digest, the promotion fails
      // (the same digest is a successful no-op). Default true.
      immutableTags: z.boolean().default(true),
      // A tag in the destination repository that ferry points at each promoted digest after writing the
      // (immutable) destination tag, e.g. "prod": what an ImageStream or a Deployment follows, and what
      // a rollback moves back. Never matched by `tags` (a source tag must not overwrite it). Default none.
      releaseTag: z
        .string()
        .regex(
          TAG_RE,
          'is not a valid tag (letters, digits, "_", ".", "-"; at most 128, not starting with "." or "-")',
        )
        .optional(),
      // Copy cosign signatures, attestations and SBOMs (`sha256-<hex>.sig/.att/.sbom` tags and OCI
      // referrers) along with the image. Default true.
      copySignatures: z.boolean().default(true),
      // Triggers that may request a promotion under this rule, named as in `triggers:` (each must be
      // enabled there). Default: api, standardWebhooks, github, openshift — every trigger except registry
      // events (distribution, harbor), which a rule must list to be promoted by a registry push.
      // Reruns and rollbacks are API operations on an accepted promotion and are always allowed.
      triggers: z
        .array(z.enum(RULE_TRIGGERS))
        .min(1, `triggers is empty; remove it to allow the default (${DEFAULT_RULE_TRIGGERS.join(', ')})`)
        .check((ctx) => {
          const seen = new Set<string>();
          ctx.value.forEach((trigger, i) => {
            if (seen.has(trigger)) {
              ctx.issues.push({
                code: 'custom',
                path: [i],
                message: `"${trigger}" is listed twice`,
                input: undefined,
              });
            }
            seen.add(trigger);
          });
        })
        .default([...DEFAULT_RULE_TRIGGERS]),
    })
    .check((ctx) => {
      const { from, to } = ctx.value;
      const fromWildcards = wildcardsOf(from.repository).join(' ');
      const toWildcards = wildcardsOf(to.repository).join(' ');
      if (fromWildcards !== toWildcards) {
        ctx.issues.push({
          code: 'custom',
          path: ['to'],
          message: `the template must have the same wildcards in the same order as "from" (from has ${describeWildcards(fromWildcards)}, to has ${describeWildcards(toWildcards)})`,
          input: undefined,
        });
      } else if (from.environment === to.environment && from.repository === to.repository) {
        ctx.issues.push({
          code: 'custom',
          path: ['to'],
          message: 'destination is the source itself',
          input: undefined,
        });
      }
      const { releaseTag, tags } = ctx.value;
      if (releaseTag !== undefined && safeTagMatch(tags, releaseTag)) {
        ctx.issues.push({
          code: 'custom',
          path: ['releaseTag'],
          message: `"${releaseTag}" is matched by tags "${tags}": a source tag of that name would be promoted over the release tag; narrow tags or choose another release tag`,
          input: undefined,
        });
      }
    });

  return promotion;
}

/**
 * Why `pattern` cannot be a tag pattern. Compiling it alone is enough: a pattern that compiles has
 * balanced groups and no dangling escape, so the anchored `^(?:…)$` form tagAllowed uses compiles too.
 */
function checkTagPattern(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
    return undefined;
  } catch (err) {
    return err instanceof SyntaxError ? err.message : 'invalid regular expression';
  }
}

/** Whether the rule's tag pattern matches `tag` (as tagAllowed would); false for a pattern that does not compile (reported on its own). */
function safeTagMatch(pattern: string, tag: string): boolean {
  return checkTagPattern(pattern) === undefined && new RegExp(`^(?:${pattern})$`).test(tag);
}

function describeWildcards(sequence: string): string {
  return sequence === '' ? 'none' : `"${sequence}"`;
}
