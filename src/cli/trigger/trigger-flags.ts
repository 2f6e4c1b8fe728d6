/**
 * `ferry trigger` flags → validated settings. Every value that ends up in the request is checked here,
 * with the same rules the server applies (src/reference part validators, src/api/field-rules.ts), so a typo fails in the
 * CI step with the flag's name and exit 2 instead of as a 400 from production. No I/O: files are read
 * later (read-secret.ts), after every flag is known to be fine.
 */

import {
  deliveryIdProblem,
  environmentProblem,
  gitCommitProblem,
  labelKeyProblem,
  labelValueProblem,
  MAX_LABELS,
} from '../../api/field-rules.ts';
import type { PromotionWebhookData } from '../../api/webhook-payloads.ts';
import { BadUsageError } from '../../errors/kinds.ts';
import { digestProblem, repositoryPathProblem, tagProblem } from '../../reference/index.ts';
import { parseServerUrl, type ServerFlags } from '../api-client/server-options.ts';
import { quoteValue } from '../flags/quote-value.ts';
import { parseDuration } from './duration.ts';

/** The options object commander hands the action (camelCased flag names). */
export interface TriggerFlags extends ServerFlags {
  readonly image?: string | undefined;
  readonly tag?: string | undefined;
  readonly digest?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly gitCommit?: string | undefined;
  readonly label?: readonly string[] | undefined;
  readonly webhookId?: string | undefined;
  readonly wait?: boolean | undefined;
  readonly timeout: string;
  readonly pollInterval: string;
  readonly retryTimes: number;
  readonly secretFile?: string | undefined;
  readonly json?: boolean | undefined;
  readonly dryRun?: boolean | undefined;
}

export interface TriggerSettings {
  /** ferry's base URL (may carry a path prefix, always ends in `/`). */
  readonly server: URL;
  readonly data: PromotionWebhookData;
  /** `--webhook-id`; undefined: a random one is generated. */
  readonly webhookId: string | undefined;
  readonly wait: boolean;
  readonly timeoutMs: number;
  /** `--timeout` as written, for messages ("timed out after 15m"). */
  readonly timeoutText: string;
  readonly pollIntervalMs: number;
  readonly retryTimes: number;
  readonly secretFile: string | undefined;
  readonly json: boolean;
  readonly dryRun: boolean;
}

function checked(flag: string, value: string | undefined, problem: (v: string) => string | undefined) {
  if (value === undefined) return undefined;
  const reason = problem(value);
  if (reason !== undefined) throw new BadUsageError(`${flag} ${quoteValue(value)} is invalid: ${reason}`);
  return value;
}

function parseLabels(values: readonly string[]): Record<string, string> | undefined {
  if (values.length === 0) return undefined;
  if (values.length > MAX_LABELS)
    throw new BadUsageError(`--label: at most ${MAX_LABELS} labels are allowed`);
  const labels: Record<string, string> = {};
  for (const item of values) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new BadUsageError(`--label ${quoteValue(item)} must be KEY=VALUE`);
    const key = item.slice(0, eq);
    const value = item.slice(eq + 1);
    const keyReason = labelKeyProblem(key);
    if (keyReason !== undefined)
      throw new BadUsageError(`--label name ${quoteValue(key)} is invalid: ${keyReason}`);
    const valueReason = labelValueProblem(value);
    if (valueReason !== undefined)
      throw new BadUsageError(`--label ${quoteValue(key)}: value ${valueReason}`);
    if (Object.hasOwn(labels, key)) throw new BadUsageError(`--label ${quoteValue(key)} is given twice`);
    labels[key] = value;
  }
  return labels;
}

export function parseTriggerFlags(flags: TriggerFlags, env: NodeJS.ProcessEnv): TriggerSettings {
  const server = parseServerUrl(flags.server, env);
  if (flags.image === undefined || flags.image === '') {
    throw new BadUsageError('--image is required: the repository in the source registry, e.g. team-a/app');
  }
  const image = checked('--image', flags.image, repositoryPathProblem)!;
  const tag = checked('--tag', flags.tag, tagProblem);
  const digest = checked('--digest', flags.digest, digestProblem);
  if (tag === undefined && digest === undefined) {
    throw new BadUsageError('--tag or --digest is required (e.g. --tag "$GIT_COMMIT")');
  }
  const from = checked('--from', flags.from, environmentProblem);
  const to = checked('--to', flags.to, environmentProblem);
  const gitCommit = checked('--git-commit', flags.gitCommit, gitCommitProblem);
  const labels = parseLabels(flags.label ?? []);
  const webhookId = checked('--webhook-id', flags.webhookId, deliveryIdProblem);
  const data: PromotionWebhookData = {
    image,
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    ...(gitCommit === undefined ? {} : { gitCommit }),
    ...(labels === undefined ? {} : { labels }),
  };
  return {
    server,
    data,
    webhookId,
    wait: flags.wait === true,
    timeoutMs: parseDuration(flags.timeout, '--timeout'),
    timeoutText: flags.timeout.trim(),
    pollIntervalMs: parseDuration(flags.pollInterval, '--poll-interval'),
    retryTimes: flags.retryTimes,
    secretFile: flags.secretFile,
    json: flags.json === true,
    dryRun: flags.dryRun === true,
  };
}
