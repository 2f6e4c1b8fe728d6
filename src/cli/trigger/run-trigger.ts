/**
 * `ferry trigger`: the non-production side of a promotion, for any CI. Validates the flags, reads the
 * secret (file or environment, never argv), sends one signed Standard Webhook (retried with the same
 * webhook-id), prints the promotion's id and URL, and with `--wait` follows it to its end.
 *
 * `--wait` never lies (the exit codes are in register-trigger.ts's help):
 * - an API token is checked with a cheap read before anything is sent (check-token.ts): a wrong
 *   `--token-file` exits 2 with nothing accepted, instead of going red while production changes;
 * - without a token, reads are signed with the webhook secret *as this delivery* (its webhook-id), so
 *   the server shows whatever promotion the delivery was answered with, even one another trigger
 *   requested (service/http/signed-read-auth.ts);
 * - once the promotion is accepted, a failure to follow it (refused reads, network, `--timeout`) exits 3
 *   "accepted, result unknown" with the promotion's URL — never 1, which means "not promoted".
 *
 * Output: promotion lines on stdout (on stderr with --json, which keeps stdout for the JSON result);
 * retries, warnings and errors on stderr.
 */

import { parseWithSchema } from '../../api/field-schemas.ts';
import { PATHS, promotionPath } from '../../api/paths.ts';
import { signedReadHeaders } from '../../api/signed-read.ts';
import { STANDARD_WEBHOOK_HEADERS, standardWebhookKey } from '../../api/standard-webhooks.ts';
import { TriggerError } from '../../api/trigger-error.ts';
import { promotionWebhookSchema } from '../../api/webhook-payloads.ts';
import { BadUsageError } from '../../errors/kinds.ts';
import { endpointUrl } from '../api-client/api-http.ts';
import { openConnection, type ServerConnection } from '../api-client/open-connection.ts';
import { readSecret } from '../api-client/read-secret.ts';
import { readConnectionFlags, readToken, refuseTokenFlag, TOKEN_ENV } from '../api-client/server-options.ts';
import { serverText } from '../api-client/server-text.ts';
import { reportError } from '../error-report.ts';
import { quoteValue } from '../flags/quote-value.ts';
import { type CliIo, ExitCode } from '../io.ts';
import { VERSION } from '../version.ts';
import { checkToken } from './check-token.ts';
import { deliverTrigger, type RetryNotice } from './deliver-trigger.ts';
import { formatDuration } from './duration.ts';
import type { PromotionView } from './parse-envelope.ts';
import { buildTriggerBody, newWebhookId, signedHeaders } from './trigger-body.ts';
import { TriggerClientError, TriggerClientErrorCode } from './trigger-client-error.ts';
import { parseTriggerFlags, type TriggerFlags, type TriggerSettings } from './trigger-flags.ts';
import { acceptedLine, changed, dryRunText, stateLine } from './trigger-output.ts';
import { waitForPromotion } from './wait-for-promotion.ts';

export const WEBHOOK_SECRET_ENV = 'FERRY_WEBHOOK_SECRET';

const OUTCOME_CODES = {
  failed: TriggerClientErrorCode.PromotionFailed,
  rejected: TriggerClientErrorCode.PromotionRejected,
  cancelled: TriggerClientErrorCode.PromotionCancelled,
} as const;

/** Flags that would put a secret on the command line; refused without echoing their value. */
export interface ForbiddenFlags {
  readonly secret?: unknown;
  /** Unknown options and positional arguments, left for us by commander so that we name them safely. */
  readonly extraArgs?: readonly string[] | undefined;
}

function refuseArgvSecrets(flags: TriggerFlags & ForbiddenFlags): void {
  const extra = flags.extraArgs?.[0];
  if (extra !== undefined) {
    // Only an option's name is shown: its value, or a stray argument, may be a pasted secret.
    const name = /^--?[A-Za-z0-9][A-Za-z0-9-]*/.exec(extra)?.[0];
    throw new BadUsageError(
      name === undefined
        ? 'unexpected argument (not shown); ferry trigger takes options only (see --help)'
        : `unknown option ${name} (see --help)`,
    );
  }
  if (flags.secret !== undefined) {
    throw new BadUsageError(
      `--secret is not supported: a secret on the command line shows in process lists and CI logs; use --secret-file PATH or ${WEBHOOK_SECRET_ENV}`,
    );
  }
  refuseTokenFlag(flags);
}

/** Cuts every secret out of text about to be printed: defence in depth, no message should hold one. */
function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets)
    if (secret !== undefined && secret.length >= 4) out = out.split(secret).join('***');
  return out;
}

interface Inputs {
  readonly settings: TriggerSettings;
  readonly connection: Awaited<ReturnType<typeof readConnectionFlags>>;
  readonly secret: string;
  /** Read only for --wait: the one use of a token here. */
  readonly token: string | undefined;
  /** Where the token came from, for messages (never the token). */
  readonly tokenSource: string;
}

async function readInputs(flags: TriggerFlags & ForbiddenFlags, io: CliIo): Promise<Inputs> {
  refuseArgvSecrets(flags);
  const settings = parseTriggerFlags(flags, io.env);
  const connection = await readConnectionFlags(flags, io.env);
  const secret = await readSecret({
    file: settings.secretFile,
    fileFlag: '--secret-file',
    envName: WEBHOOK_SECRET_ENV,
    env: io.env,
  });
  if (secret === undefined) {
    throw new BadUsageError(
      `no webhook secret: pass --secret-file PATH or set ${WEBHOOK_SECRET_ENV} (never on the command line)`,
    );
  }
  // A malformed `whsec_` secret fails here, before anything is sent; the message does not show it.
  standardWebhookKey(secret);
  const token = settings.wait || flags.tokenFile !== undefined ? await readToken(flags, io.env) : undefined;
  const tokenSource =
    flags.tokenFile === undefined ? TOKEN_ENV : `--token-file ${quoteValue(flags.tokenFile)}`;
  return { settings, connection, secret, token, tokenSource };
}

/** The server's own schema, run here: a body it would refuse is a usage error, caught before sending. */
function assertAcceptable(body: unknown): void {
  try {
    parseWithSchema(promotionWebhookSchema, body, 'promotion webhook');
  } catch (err) {
    if (err instanceof TriggerError)
      throw new BadUsageError(`the server would refuse this request: ${err.message}`);
    throw err;
  }
}

export async function runTrigger(flags: TriggerFlags & ForbiddenFlags, io: CliIo): Promise<number> {
  let secrets: (string | undefined)[] = [];
  let server: ServerConnection | undefined;
  try {
    const inputs = await readInputs(flags, io);
    const { settings, secret, token } = inputs;
    secrets = [secret, token];
    const body = buildTriggerBody(settings.data, new Date());
    assertAcceptable(body);
    const bodyText = JSON.stringify(body);
    const webhookId = settings.webhookId ?? newWebhookId();

    if (settings.dryRun) {
      const headers = {
        ...signedHeaders(secret, webhookId, bodyText, new Date()),
        [STANDARD_WEBHOOK_HEADERS.signature]: 'v1,<omitted>',
        'user-agent': `ferry/${VERSION}`,
      };
      const request = { url: endpointUrl(settings.server, PATHS.standardHook).href, headers, body };
      io.stdout.write(
        settings.json
          ? `${JSON.stringify({ dryRun: true, method: 'POST', ...request }, null, 2)}\n`
          : dryRunText(request),
      );
      return ExitCode.Ok;
    }

    server = await openConnection(inputs.connection, io);
    return await deliverAndFollow(inputs, webhookId, bodyText, server, io);
  } catch (err) {
    const { exitCode, message } = reportError(err, 'trigger: ');
    io.stderr.write(`${redact(message, secrets)}\n`);
    return exitCode;
  } finally {
    await server?.close();
  }
}

/** Token check, delivery, acceptance line, and with --wait the follow; resolves to the exit code. */
async function deliverAndFollow(
  inputs: Inputs,
  webhookId: string,
  bodyText: string,
  server: ServerConnection,
  io: CliIo,
): Promise<number> {
  const { settings, secret, token } = inputs;
  const { http } = server;
  // Human lines go where the JSON result does not.
  const lines = settings.json ? io.stderr : io.stdout;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), settings.timeoutMs);
  let lastProblem: string | undefined;
  let last: PromotionView | undefined;
  let url: string | undefined;
  const onRetry = (what: string) => (notice: RetryNotice) => {
    lastProblem = notice.problem;
    io.stderr.write(
      `ferry: ${what} attempt ${notice.attempt} failed (${notice.problem}); retrying in ${formatDuration(notice.delayMs)}${what === 'delivery' ? ` with the same webhook-id ${webhookId}` : ''}\n`,
    );
  };
  try {
    if (settings.wait && token !== undefined) {
      await checkToken({
        http,
        token,
        source: inputs.tokenSource,
        retryTimes: settings.retryTimes,
        signal: deadline.signal,
        onRetry: onRetry('token check'),
      });
    }
    const accepted = await deliverTrigger({
      http,
      webhookId,
      body: bodyText,
      secret,
      retryTimes: settings.retryTimes,
      signal: deadline.signal,
      onRetry: onRetry('delivery'),
    });
    last = accepted.promotion;
    url = accepted.url ?? endpointUrl(settings.server, promotionPath(last.id)).href;
    lines.write(acceptedLine(accepted, url));
    if (!settings.wait) {
      if (settings.json) io.stdout.write(`${JSON.stringify({ webhookId, url, promotion: last }, null, 2)}\n`);
      return ExitCode.Ok;
    }
    const final = await waitForPromotion({
      http,
      initial: last,
      // An API token when one is given; otherwise reads signed with the webhook secret as this
      // delivery, which the server accepts for the promotion the delivery was answered with.
      authenticate:
        token === undefined
          ? (path) => signedReadHeaders(secret, 'GET', path, new Date(), webhookId)
          : () => ({ authorization: `Bearer ${token}` }),
      authenticatedBy: token === undefined ? 'signature' : 'token',
      intervalMs: settings.pollIntervalMs,
      signal: deadline.signal,
      onUpdate: (promotion) => {
        if (changed(last, promotion)) lines.write(stateLine(promotion));
        last = promotion;
      },
      onProblem: (problem) =>
        io.stderr.write(`ferry: cannot read the promotion's state (${problem}); still trying\n`),
    });
    if (settings.json) io.stdout.write(`${JSON.stringify({ webhookId, url, promotion: final }, null, 2)}\n`);
    if (final.status === 'succeeded') return ExitCode.Ok;
    const code =
      OUTCOME_CODES[final.status as keyof typeof OUTCOME_CODES] ?? TriggerClientErrorCode.PromotionFailed;
    const reason = final.reason === null ? 'no reason given' : serverText(final.reason);
    throw new TriggerClientError(code, `promotion ${serverText(final.id, 100)} ${final.status}: ${reason}`, {
      exitCode: ExitCode.Failed,
    });
  } catch (err) {
    if (err instanceof TriggerClientError && err.code in OUTCOME_CODES_BY_ERROR) throw err;
    if (last === undefined || url === undefined) {
      // Nothing was accepted (as far as any answer said): the token check or the delivery failed.
      if (!deadline.signal.aborted) throw err;
      throw new TriggerClientError(
        TriggerClientErrorCode.Timeout,
        `timed out after ${settings.timeoutText} delivering the promotion request${lastProblem === undefined ? '' : ` (last problem: ${lastProblem})`}`,
      );
    }
    // Accepted: whatever went wrong since, the promotion goes on without us. Say so, and where to look.
    if (settings.json) {
      io.stdout.write(`${JSON.stringify({ webhookId, url, promotion: last, result: 'unknown' }, null, 2)}\n`);
    }
    const id = serverText(last.id, 100);
    const where = serverText(url, 300);
    if (deadline.signal.aborted) {
      throw new TriggerClientError(
        TriggerClientErrorCode.Timeout,
        `timed out after ${settings.timeoutText} waiting for promotion ${id} (last status ${last.status}); it was accepted and goes on: follow it at ${where}`,
        { exitCode: ExitCode.Unknown },
      );
    }
    const problem = err instanceof Error ? err.message : String(err);
    throw new TriggerClientError(
      TriggerClientErrorCode.ResultUnknown,
      `promotion ${id} was accepted (last status ${last.status}) but its result is unknown: ${problem}; follow it at ${where}`,
    );
  } finally {
    clearTimeout(timer);
  }
}

/** Terminal outcomes the wait reported: the result is known, and it is not success (exit 1). */
const OUTCOME_CODES_BY_ERROR: Readonly<Record<string, true>> = Object.fromEntries(
  Object.values(OUTCOME_CODES).map((code) => [code, true]),
);
