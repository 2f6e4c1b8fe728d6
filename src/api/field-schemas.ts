/**
 * zod building blocks for request bodies and query parameters (the API contract's and the trigger
 * parsers'): strings checked by the rules in field-rules.ts, and the one place where a failed body
 * parse becomes a 400 TriggerError whose message lists every problem by field.
 */
import { z } from 'zod';
import {
  actorProblem,
  deliveryIdProblem,
  digestProblem,
  environmentProblem,
  gitCommitProblem,
  labelKeyProblem,
  labelValueProblem,
  MAX_LABELS,
  registryHostProblem,
  repositoryProblem,
  tagProblem,
} from './field-rules.ts';
import { formatPath, quoteValue } from './quote-value.ts';
import { TriggerError, TriggerErrorCode } from './trigger-error.ts';

/** Upper bound on any single string before a rule looks at it (references are at most ~600 characters). */
const MAX_STRING_LENGTH = 1024;

/** A string that must satisfy `problem`; the issue message quotes the (truncated, escaped) value. */
export function checkedString(problem: (value: string) => string | undefined): z.ZodString {
  return z
    .string()
    .max(MAX_STRING_LENGTH)
    .superRefine((value, ctx) => {
      if (value.length > MAX_STRING_LENGTH) return;
      const reason = problem(value);
      if (reason !== undefined)
        ctx.addIssue({ code: 'custom', message: `${quoteValue(value)} is invalid: ${reason}` });
    });
}

export const repositorySchema = checkedString(repositoryProblem);
export const tagSchema = checkedString(tagProblem);
export const digestSchema = checkedString(digestProblem);
export const registryHostSchema = checkedString(registryHostProblem);
export const environmentSchema = checkedString(environmentProblem);
export const gitCommitSchema = checkedString(gitCommitProblem);
export const deliveryIdSchema = checkedString(deliveryIdProblem);
export const actorSchema = checkedString(actorProblem);
/** An actor name a registry may leave empty (anonymous push); empty means "unknown". */
export const optionalActorSchema = checkedString((value) => (value === '' ? undefined : actorProblem(value)));

/** `{key: value}` labels carried into the audit record; keys and values checked, count bounded. */
export const labelsSchema = z.record(z.string(), z.string()).superRefine((labels, ctx) => {
  const keys = Object.keys(labels);
  if (keys.length > MAX_LABELS) {
    ctx.addIssue({
      code: 'custom',
      message: `at most ${MAX_LABELS} labels are allowed (got ${keys.length})`,
    });
    return;
  }
  for (const key of keys) {
    const keyReason = labelKeyProblem(key);
    if (keyReason !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `label name ${quoteValue(key)} is invalid: ${keyReason}`,
      });
      continue;
    }
    const valueReason = labelValueProblem(labels[key] ?? '');
    if (valueReason !== undefined)
      ctx.addIssue({ code: 'custom', path: [key], message: `value ${valueReason}` });
  }
});

/** At most this many problems are listed in one message; the rest are counted. */
const MAX_LISTED_ISSUES = 8;

function describeIssue(issue: z.core.$ZodIssue): string {
  // zod's own message for unknown keys quotes them verbatim; body-supplied keys must be escaped.
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.slice(0, 5).map((k) => quoteValue(k, 40));
    const more = issue.keys.length > 5 ? ` and ${issue.keys.length - 5} more` : '';
    return `unknown field${issue.keys.length === 1 ? '' : 's'} ${keys.join(', ')}${more}`;
  }
  return issue.message;
}

/** `source.repository: "Team/App" is invalid: …; labels["x y"]: …` */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  const listed = issues
    .slice(0, MAX_LISTED_ISSUES)
    .map((issue) => `${formatPath(issue.path)}: ${describeIssue(issue)}`);
  const rest = issues.length - listed.length;
  return rest > 0 ? `${listed.join('; ')}; and ${rest} more` : listed.join('; ');
}

/** Parses `value` with `schema` or throws a 400 naming every offending field. */
export function parseWithSchema<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues;
  throw new TriggerError(TriggerErrorCode.InvalidBody, `invalid ${what}: ${formatIssues(issues)}`, {
    fields: [...new Set(issues.map((issue) => formatPath(issue.path)))],
  });
}
