/**
 * The schema of `ferry.yaml`, the production service's configuration. Every object is strict (an unknown
 * key is an error naming the key: a typo like `immutableTag:` must not silently leave a default in
 * force), every default is written here, and every key says what it is for. One file per section:
 * server-schema.ts, environment-schema.ts, promotion-rule-schema.ts (with signature-policy-schema.ts),
 * triggers-schema.ts, notify-schema.ts, api-token-schema.ts; shared pieces in schema-parts.ts.
 *
 * Shapes the schema is responsible for (one value in isolation): types, enums, name and host grammar,
 * repository patterns, tag regexes, "exactly one of" choices. Relations *between* parts (a rule naming
 * an undefined environment, duplicate names, approvers that cannot approve) are checked by
 * check-references.ts; files and environment variables by check-sources.ts.
 */
import { z } from 'zod';
import { apiTokenSchema } from './api-token-schema.ts';
import { type CredentialsShape, environmentSchema } from './environment-schema.ts';
import { notifyTargetSchema } from './notify-schema.ts';
import { promotionRuleSchema } from './promotion-rule-schema.ts';
import { ENVIRONMENT_NAME_RE } from './repository-pattern.ts';
import { type ConfigSchemaOptions, type SecretRefShape, schemaParts } from './schema-parts.ts';
import { serverSchema } from './server-schema.ts';
import { triggerSchemas } from './triggers-schema.ts';

/** Builds the schemas; file paths resolve against `options.baseDir` (schema-parts.ts). */
export function configSchemas(options: ConfigSchemaOptions) {
  const parts = schemaParts(options);
  const server = serverSchema(parts);
  const environment = environmentSchema(parts);
  const promotion = promotionRuleSchema(parts);
  const { triggers, apiTrigger, webhookTrigger, registryEventTrigger } = triggerSchemas(parts);
  const notifyTarget = notifyTargetSchema(parts);
  const apiToken = apiTokenSchema(parts);

  const config = z.strictObject({
    // Schema version of this file. Default 1 (the only one so far).
    version: z.literal(1, 'unsupported config version (this ferry reads version 1)').default(1),
    server,
    // Named registries, e.g. nonprod and prod. At least one.
    environments: z
      .record(
        z
          .string()
          .regex(
            ENVIRONMENT_NAME_RE,
            'environment names are lowercase letters, digits, "-", "_", starting with a letter',
          ),
        environment,
      )
      .check((ctx) => {
        if (Object.keys(ctx.value).length === 0) {
          ctx.issues.push({
            code: 'custom',
            message: 'at least one environment is needed',
            input: undefined,
          });
        }
      }),
    // Promotion rules, tried in order; the first whose source pattern matches (and whose destination
    // fits what the request asked for, if anything) wins.
    promotions: z.array(promotion).min(1, 'at least one promotion rule is needed'),
    triggers,
    // Outbound webhooks. Default none.
    notify: z.array(notifyTarget).default([]),
    // Who may use the API. Default none (then only webhook triggers can request promotions).
    apiTokens: z.array(apiToken).default([]),
  });

  return {
    config,
    server,
    environment,
    promotion,
    triggers,
    apiTrigger,
    webhookTrigger,
    registryEventTrigger,
    notifyTarget,
    apiToken,
    secretRef: parts.secretRef,
  };
}

export type ConfigSchemas = ReturnType<typeof configSchemas>;
export type FerryConfig = z.output<ConfigSchemas['config']>;
export type ServerConfig = z.output<ConfigSchemas['server']>;
export type EnvironmentConfig = z.output<ConfigSchemas['environment']>;
export type PromotionRule = z.output<ConfigSchemas['promotion']>;
export type TriggersConfig = z.output<ConfigSchemas['triggers']>;
export type NotifyTarget = z.output<ConfigSchemas['notifyTarget']>;
export type ApiTokenConfig = z.output<ConfigSchemas['apiToken']>;
export type SecretRef = SecretRefShape;
export type Credentials = CredentialsShape;
