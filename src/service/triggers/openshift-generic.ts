/**
 * Drop-in replacement for the OpenShift BuildConfig generic webhook the seed system posts to
 * (`POST …/webhooks/<secret>/generic`, docs.openshift.com "Generic webhooks"), served at
 * `POST /hooks/openshift/<secret>/generic`. The body is JSON or YAML:
 *
 *   { "type"?: "…", "git"?: { "uri", "ref", "commit", "author", "committer", "message", … },
 *     "env": [ { "name": "IMAGE_NAME", "value": "myapp" }, … ] }
 *
 * OpenShift only understands `env` as that list. The seed's non-prod Jenkinsfile sends it as an object
 * (`JsonOutput.toJson(["env": params])` → `{"env": {"IMAGE_NAME": "…", …}}`), which OpenShift ignores
 * with a warning and then starts a build with empty parameters — a silent success. Here both shapes are
 * accepted, and anything missing is a 400 that names every missing value, so the unchanged seed pipeline
 * promotes, and a broken one fails its `curl --fail` step.
 *
 * The six variables map onto a promotion exactly as the seed's production pipeline used them:
 *   source      NON_PROD_REGISTRY / NON_PROD_PROJECT_NAME/IMAGE_NAME : GIT_COMMIT
 *   destination PROD_REGISTRY     / PROD_PROJECT_NAME/IMAGE_NAME     : GIT_COMMIT
 * Each value is checked against the reference grammar; in the seed they went straight into `sh`.
 */
import { z } from 'zod';
import { canonicalRegistryHost, gitCommitProblem, referenceProblem } from '../../api/field-rules.ts';
import { gitCommitSchema, parseWithSchema } from '../../api/field-schemas.ts';
import { quoteValue } from '../../api/quote-value.ts';
import { TriggerError, TriggerErrorCode } from '../../api/trigger-error.ts';
import { OPENSHIFT_ENV_NAMES } from '../../api/webhook-payloads.ts';
import { registryHostProblem, repositoryPathProblem, tagProblem } from '../../reference/index.ts';
import type { PromotionRequest } from '../promote/promotion-request.ts';
import { matchingSecretIndex } from './constant-time.ts';
import type { BodyFormat } from './parse-body.ts';

/** OpenShift's generic webhook accepts JSON and YAML bodies. */
export const OPENSHIFT_BODY_FORMATS: readonly BodyFormat[] = Object.freeze(['json', 'yaml']);

/** The variables the seed's non-prod pipeline sends, all required (declared with the contract). */
export { OPENSHIFT_ENV_NAMES };

export type OpenShiftEnvName = (typeof OPENSHIFT_ENV_NAMES)[number];

const KNOWN_NAMES: ReadonlySet<string> = new Set(OPENSHIFT_ENV_NAMES);

const STRING_HINT = 'must be a string (in YAML, quote values such as 0123456 or 1e3)';
const envValueSchema = z.string({ error: STRING_HINT }).max(1024).nullish();

/** corev1.EnvVar as OpenShift takes it; `valueFrom` makes no sense in a webhook and is refused. */
const envListSchema = z
  .array(z.strictObject({ name: z.string().min(1).max(256), value: envValueSchema }))
  .max(64);
const envObjectSchema = z.record(z.string().max(256), envValueSchema, {
  error: 'must be a list of {"name": …, "value": …} or an object of NAME: value',
});

const userSchema = z.strictObject({
  name: z.string().max(256).optional(),
  email: z.string().max(256).optional(),
});

/** GitInfo of the generic webhook event (GitBuildSource + GitSourceRevision + refs); only `commit` is used. */
const gitFields = {
  uri: z.string().max(2048).optional(),
  ref: z.string().max(1024).optional(),
  commit: gitCommitSchema.optional(),
  author: userSchema.optional(),
  committer: userSchema.optional(),
  message: z.string().max(4096).optional(),
  httpProxy: z.string().max(2048).optional(),
  httpsProxy: z.string().max(2048).optional(),
  noProxy: z.string().max(2048).optional(),
};
const gitSchema = z.strictObject({
  ...gitFields,
  refs: z.array(z.strictObject(gitFields)).max(64).optional(),
});

const commonFields = {
  /** Some OpenShift examples carry the source type (`"type": "Git"`); it changes nothing here. */
  type: z.string().max(64).optional(),
  git: gitSchema.optional(),
};
// Two schemas rather than z.union: a union's failure is a bare "Invalid input", while choosing by the
// shape first lets every problem inside `env` be reported with its path.
const listBodySchema = z.strictObject({ ...commonFields, env: envListSchema });
const objectBodySchema = z.strictObject({ ...commonFields, env: envObjectSchema.optional() });

type EnvInput = z.output<typeof listBodySchema>['env'] | z.output<typeof objectBodySchema>['env'];

function parseShape(value: unknown): { git?: z.output<typeof gitSchema> | undefined; env?: EnvInput } {
  const env = typeof value === 'object' && value !== null ? (value as { env?: unknown }).env : undefined;
  const what = 'OpenShift generic webhook body';
  return Array.isArray(env)
    ? parseWithSchema(listBodySchema, value, what)
    : parseWithSchema(objectBodySchema, value, what);
}

export interface OpenShiftGenericOptions {
  /** Name of the hook configuration whose secret matched (never the secret itself). */
  readonly actor: string;
  readonly deliveryId?: string | undefined;
}

function invalid(message: string, fields: readonly string[]): TriggerError {
  return new TriggerError(TriggerErrorCode.InvalidBody, message, { fields });
}

/**
 * The env entries as name → value. The list shape may not name a variable twice (which one would win
 * is a guess); names outside the six are refused, since a misspelt name would otherwise be ignored —
 * exactly the seed's silent failure.
 */
function envMap(env: EnvInput): Map<string, string | null | undefined> {
  const entries: [string, string | null | undefined][] = Array.isArray(env)
    ? env.map((item) => [item.name, item.value])
    : Object.entries(env ?? {});
  const map = new Map<string, string | null | undefined>();
  const duplicates = new Set<string>();
  for (const [name, value] of entries) {
    if (map.has(name)) duplicates.add(name);
    map.set(name, value);
  }
  if (duplicates.size > 0) {
    const names = [...duplicates].map((n) => quoteValue(n, 40));
    throw invalid(
      `env names ${names.join(', ')} more than once`,
      [...duplicates].map((n) => `env.${n}`),
    );
  }
  const unknown = [...map.keys()].filter((name) => !KNOWN_NAMES.has(name));
  if (unknown.length > 0) {
    const names = unknown.slice(0, 5).map((n) => quoteValue(n, 40));
    throw invalid(
      `env contains unknown name${unknown.length === 1 ? '' : 's'} ${names.join(', ')}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''} (accepted: ${OPENSHIFT_ENV_NAMES.join(', ')})`,
      unknown.map((n) => `env.${n}`),
    );
  }
  return map;
}

/** `https://host:5000/` → `host:5000`: the seed's variable may well hold a URL. */
function stripScheme(registry: string): string {
  return registry.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\//, '').replace(/\/$/, '');
}

/**
 * Turns a parsed generic webhook body (see parse-body.ts with OPENSHIFT_BODY_FORMATS) into a
 * PromotionRequest. Throws 400 MissingValues naming every absent/empty variable, or 400 InvalidBody
 * naming every invalid one. The path secret must already have been checked (openshiftSecretMatches).
 */
export function parseOpenShiftGenericBody(
  value: unknown,
  options: OpenShiftGenericOptions,
): PromotionRequest {
  const body = parseShape(value);
  const env = envMap(body.env);

  const missing = OPENSHIFT_ENV_NAMES.filter((name) => {
    const v = env.get(name);
    return v === undefined || v === null || v === '';
  });
  if (missing.length > 0) {
    throw new TriggerError(
      TriggerErrorCode.MissingValues,
      `missing required env value${missing.length === 1 ? '' : 's'} ${missing.join(', ')} (send env as [{"name": …, "value": …}] or {"NAME": "value"})`,
      { fields: missing },
    );
  }
  const get = (name: OpenShiftEnvName): string => env.get(name) ?? '';

  const values = {
    IMAGE_NAME: get('IMAGE_NAME'),
    NON_PROD_REGISTRY: stripScheme(get('NON_PROD_REGISTRY')),
    PROD_REGISTRY: stripScheme(get('PROD_REGISTRY')),
    NON_PROD_PROJECT_NAME: get('NON_PROD_PROJECT_NAME'),
    PROD_PROJECT_NAME: get('PROD_PROJECT_NAME'),
    GIT_COMMIT: get('GIT_COMMIT'),
  } satisfies Record<OpenShiftEnvName, string>;

  const rules: Record<OpenShiftEnvName, (v: string) => string | undefined> = {
    IMAGE_NAME: repositoryPathProblem,
    NON_PROD_REGISTRY: registryHostProblem,
    PROD_REGISTRY: registryHostProblem,
    NON_PROD_PROJECT_NAME: repositoryPathProblem,
    PROD_PROJECT_NAME: repositoryPathProblem,
    GIT_COMMIT: tagProblem,
  };
  const problems: string[] = [];
  const bad: string[] = [];
  for (const name of OPENSHIFT_ENV_NAMES) {
    const reason = rules[name](values[name]);
    if (reason !== undefined) {
      problems.push(`${name} ${quoteValue(get(name))} is invalid: ${reason}`);
      bad.push(name);
    }
  }

  const sourceRepository = `${values.NON_PROD_PROJECT_NAME}/${values.IMAGE_NAME}`;
  const destinationRepository = `${values.PROD_PROJECT_NAME}/${values.IMAGE_NAME}`;
  if (problems.length === 0) {
    // Individually valid parts can still make a name over the 255-character limit.
    const sourceReason = referenceProblem({
      registry: values.NON_PROD_REGISTRY,
      repository: sourceRepository,
      tag: values.GIT_COMMIT,
    });
    if (sourceReason !== undefined) problems.push(`the source reference is invalid: ${sourceReason}`);
    const destinationReason = referenceProblem({
      registry: values.PROD_REGISTRY,
      repository: destinationRepository,
      tag: values.GIT_COMMIT,
    });
    if (destinationReason !== undefined)
      problems.push(`the destination reference is invalid: ${destinationReason}`);
  }
  if (problems.length > 0) {
    throw invalid(`invalid OpenShift generic webhook body: ${problems.join('; ')}`, bad);
  }

  // GIT_COMMIT is the image tag; it is also recorded as the commit when it looks like one.
  const gitCommit =
    gitCommitProblem(values.GIT_COMMIT) === undefined
      ? values.GIT_COMMIT.toLowerCase()
      : body.git?.commit?.toLowerCase();

  return {
    source: {
      registry: canonicalRegistryHost(values.NON_PROD_REGISTRY),
      repository: sourceRepository,
      tag: values.GIT_COMMIT,
    },
    destination: {
      registry: canonicalRegistryHost(values.PROD_REGISTRY),
      repository: destinationRepository,
      tag: values.GIT_COMMIT,
    },
    trigger: {
      kind: 'openshift',
      actor: options.actor,
      ...(options.deliveryId === undefined ? {} : { deliveryId: options.deliveryId }),
    },
    ...(gitCommit === undefined ? {} : { gitCommit }),
  };
}

/**
 * Whether the secret from the URL path is one of the configured ones. Both sides are hashed before a
 * constant-time comparison, so neither the content nor the length of a configured secret leaks through
 * response timing.
 */
export function openshiftSecretMatches(
  pathSecret: string | undefined,
  configuredSecrets: readonly string[],
): boolean {
  return matchingSecretIndex(pathSecret, configuredSecrets) !== -1;
}
