/**
 * The configured promotion rules as `GET /api/v1/rules` shows them (the dashboard's "Rules and triggers"
 * page): what may be promoted where, by which triggers, with which approvals and signature policy.
 *
 * Built from ferry.yaml, and never carrying a secret: signature keys are named by file name only (never
 * a path or key material), registry credentials and trigger secrets are not part of the view at all.
 */
import { z } from 'zod';
import { triggerKindSchema } from './trigger-kinds.ts';

const side = {
  environment: z.string(),
  registry: z.string().meta({ description: 'Registry host[:port] of the environment.' }),
};

export const ruleViewSchema = z
  .strictObject({
    name: z.string(),
    description: z.string().nullable(),
    source: z.strictObject({
      ...side,
      repository: z
        .string()
        .meta({ description: 'Repository pattern: `*` matches one path segment, `**` one or more.' }),
    }),
    destination: z.strictObject({
      ...side,
      repository: z.string().meta({
        description: 'Repository template: each wildcard is what its counterpart in the source matched.',
      }),
      maxConcurrentPromotions: z
        .int()
        .min(1)
        .meta({ description: 'Promotions copying to this environment’s registry at once, across replicas.' }),
    }),
    tags: z.string().meta({ description: 'Regular expression the source tag must match entirely.' }),
    releaseTag: z
      .string()
      .nullable()
      .meta({ description: 'Tag pointed at each promoted digest (what a rollback moves back), if any.' }),
    immutableTags: z.boolean().meta({ description: 'Destination tags are never moved to another digest.' }),
    copySignatures: z.boolean().meta({ description: 'Signatures, attestations and SBOMs are copied along.' }),
    triggers: z.array(triggerKindSchema).meta({
      description: 'Triggers that may request a promotion under this rule (reruns and rollbacks always may).',
    }),
    approvals: z.strictObject({
      required: z.int().min(0).meta({ description: 'Distinct approvers needed before the copy starts.' }),
      approvers: z.array(z.string()).nullable().meta({
        description:
          'Identities allowed to approve under this rule: API token names, and people as `group:<group>`, `email:<address>` or `subject:<sub>`; null: every identity whose role may approve and whose scope covers the rule.',
      }),
      allowSelfApproval: z.boolean().meta({ description: 'Whether the requester may approve too.' }),
    }),
    signature: z.strictObject({
      required: z.boolean().meta({ description: 'A verifying signature is required before promoting.' }),
      publicKeys: z
        .array(z.string())
        .meta({ description: 'File names of the accepted public keys (never their content or path).' }),
      identities: z
        .array(
          z.strictObject({
            issuer: z.string().meta({ description: 'OIDC issuer of the signing certificate.' }),
            subject: z.string().nullable().meta({ description: 'Certificate subject, exactly.' }),
            subjectRegExp: z
              .string()
              .nullable()
              .meta({ description: 'Or a regular expression the subject must match.' }),
          }),
        )
        .meta({ description: 'Keyless signers: the OIDC identities whose Fulcio certificates count.' }),
      transparencyLog: z
        .boolean()
        .meta({ description: 'Key-based signatures need a verified transparency-log (Rekor) entry.' }),
      attestations: z
        .array(z.string())
        .meta({ description: 'Predicate types of the attestations that must be attached as well.' }),
    }),
  })
  .meta({ description: 'A promotion rule as configured (no secrets).' });

export type RuleView = z.output<typeof ruleViewSchema>;

export const ruleListSchema = z
  .strictObject({ rules: z.array(ruleViewSchema).meta({ description: 'In the order they are tried.' }) })
  .meta({ description: 'The configured promotion rules.' });

export type RuleListBody = z.output<typeof ruleListSchema>;
