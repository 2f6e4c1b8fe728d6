/**
 * `ferry trigger`: the non-production side of a promotion, for any CI. Validates the flags, reads the
 * secret (file or environment, never argv), sends one signed Standard Webhook (retried with the same
 * webhook-id), prints the promotion's id and URL, and with `--wait` follows it to its end: exit 0 only
 * when it succeeded — the seed pipeline's "job green, nothing promoted" cannot happen.
 *
 * Output: promotion lines on stdout (on stderr with --json, which keeps stdout for the JSON result);
 * retries, warnings and errors on stderr.
 */
import type { Dispatcher } from 'undici';
import { BadUsageError } from '../../errors/kinds.ts';
import { createDispatcher } from '../../registry/dispatcher.ts';
import { signedReadHeaders } from '../../service/triggers/signed-read.ts';
import { parseStandardWebhookBody } from '../../service/triggers/standard-webhook-body.ts';
import { STANDARD_WEBHOOK_HEADERS, standardWebhookKey } from '../../service/triggers/standard-webhooks.ts';
import { TriggerError } from '../../service/triggers/trigger-error.ts';
import { reportError } from '../error-report.ts';
import { type CliIo, ExitCode } from '../io.ts';
import { VERSION } from '../version.ts';
import { deliverTrigger } from './deliver-trigger.ts';
import { formatDuration } from './duration.ts';
import { readCaFile } from './read-ca-file.ts';
import { readSecret } from './read-secret.ts';
import { serverText } from './server-text.ts';
import { buildTriggerBody, newWebhookId, signedHeaders } from './trigger-body.ts';
import { TriggerClientError, TriggerClientErrorCode } from './trigger-client-error.ts';
import {
  type PromotionEnvelope,
  type PromotionView,
  promotionApiPath,
  STANDARD_HOOK_PATH,
} from './trigger-contract.ts';
import { parseTriggerFlags, type TriggerFlags, type TriggerSettings } from './trigger-flags.ts';
import { endpointUrl, type TriggerHttp } from './trigger-http.ts';
import { acceptedLine, changed, dryRunText, stateLine } from './trigger-output.ts';
import { waitForPromotion } from './wait-for-promotion.ts';

export const WEBHOOK_SECRET_ENV = 'FERRY_WEBHOOK_SECRET';
export const TOKEN_ENV = 'FERRY_TOKEN';

/** One request's budget (connect to last byte); the whole run is bounded by --timeout. */
const REQUEST_TIMEOUT_MS = 30_000;

const OUTCOME_CODES = {
  failed: TriggerClientErrorCode.PromotionFailed,
  rejected: TriggerClientErrorCode.PromotionRejected,
  cancelled: TriggerClientErrorCode.PromotionCancelled,
} as const;

/** Flags that would put a secret on the command line; refused without echoing their value. */
export interface ForbiddenFlags {
  readonly secret?: unknown;
  readonly token?: unknown;
  /** Unknown options and positional arguments, left for us by commander so that we name them safely. */
  readonly extraArgs?: readonly string[] | undefined;
}

function refuseArgvSecrets(flags: ForbiddenFlags): void {
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
  for (const [flag, instead] of [
    ['secret', `--secret-file PATH or ${WEBHOOK_SECRET_ENV}`],
    ['token', `--token-file PATH or ${TOKEN_ENV}`],
  ] as const) {
    if (flags[flag] !== undefined) {
      throw new BadUsageError(
        `--${flag} is not supported: a secret on the command line shows in process lists and CI logs; use ${instead}`,
      );
    }
  }
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
  readonly secret: string;
  readonly token: string | undefined;
  readonly ca: string[] | undefined;
}

async function readInputs(flags: TriggerFlags & ForbiddenFlags, io: CliIo): Promise<Inputs> {
  refuseArgvSecrets(flags);
  const settings = parseTriggerFlags(flags);
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
  const token =
    settings.wait || settings.tokenFile !== undefined
      ? await readSecret({
          file: settings.tokenFile,
          fileFlag: '--token-file',
          envName: TOKEN_ENV,
          env: io.env,
        })
      : undefined;
  const ca = settings.cacert === undefined ? undefined : await readCaFile(settings.cacert);
  return { settings, secret, token, ca };
}

/** The server's own schema, run here: a body it would refuse is a usage error, caught before sending. */
function assertAcceptable(body: unknown): void {
  try {
    parseStandardWebhookBody(body, { actor: 'ferry trigger' });
  } catch (err) {
    if (err instanceof TriggerError)
      throw new BadUsageError(`the server would refuse this request: ${err.message}`);
    throw err;
  }
}

export async function runTrigger(flags: TriggerFlags & ForbiddenFlags, io: CliIo): Promise<number> {
  let secrets: (string | undefined)[] = [];
  let dispatcher: Dispatcher | undefined;
  try {
    const { settings, secret, token, ca } = await readInputs(flags, io);
    secrets = [secret, token];
    const body = buildTriggerBody(settings.data, new Date());
    assertAcceptable(body);
    const bodyText = JSON.stringify(body);
    const webhookId = settings.webhookId ?? newWebhookId();
    const hookUrl = endpointUrl(settings.server, STANDARD_HOOK_PATH).href;
    // Human lines go where the JSON result does not.
    const lines = settings.json ? io.stderr : io.stdout;

    if (settings.dryRun) {
      const headers = {
        ...signedHeaders(secret, webhookId, bodyText, new Date()),
        [STANDARD_WEBHOOK_HEADERS.signature]: 'v1,<omitted>',
        'user-agent': `ferry/${VERSION}`,
      };
      const request = { url: hookUrl, headers, body };
      io.stdout.write(
        settings.json
          ? `${JSON.stringify({ dryRun: true, method: 'POST', ...request }, null, 2)}\n`
          : dryRunText(request),
      );
      return ExitCode.Ok;
    }

    if (settings.insecure) {
      io.stderr.write('ferry: warning: --insecure: the server certificate is not verified\n');
    }
    dispatcher = await createDispatcher({
      tls: { ca },
      rejectUnauthorized: !settings.insecure,
      connections: 2,
      connectTimeoutMs: 10_000,
      headersTimeoutMs: REQUEST_TIMEOUT_MS,
      bodyTimeoutMs: REQUEST_TIMEOUT_MS,
      env: io.env,
    });
    const http: TriggerHttp = {
      server: settings.server,
      dispatcher,
      userAgent: `ferry/${VERSION}`,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
    };

    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), settings.timeoutMs);
    let lastProblem: string | undefined;
    let last: PromotionView | undefined;
    try {
      const accepted: PromotionEnvelope = await deliverTrigger({
        http,
        webhookId,
        body: bodyText,
        secret,
        retryTimes: settings.retryTimes,
        signal: deadline.signal,
        onRetry: (notice) => {
          lastProblem = notice.problem;
          io.stderr.write(
            `ferry: delivery attempt ${notice.attempt} failed (${notice.problem}); retrying in ${formatDuration(notice.delayMs)} with the same webhook-id ${webhookId}\n`,
          );
        },
      });
      last = accepted.promotion;
      const url = accepted.url ?? endpointUrl(settings.server, promotionApiPath(last.id)).href;
      lines.write(acceptedLine(accepted, url));
      let final = last;
      if (settings.wait) {
        final = await waitForPromotion({
          http,
          initial: last,
          // An API token when one is given; otherwise reads signed with the webhook secret, which the
          // server accepts for promotions requested through the Standard Webhooks trigger.
          authenticate:
            token === undefined
              ? (path) => signedReadHeaders(secret, 'GET', path, new Date())
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
      }
      if (settings.json) {
        io.stdout.write(`${JSON.stringify({ webhookId, url, promotion: final }, null, 2)}\n`);
      }
      if (!settings.wait || final.status === 'succeeded') return ExitCode.Ok;
      const code =
        OUTCOME_CODES[final.status as keyof typeof OUTCOME_CODES] ?? TriggerClientErrorCode.PromotionFailed;
      const reason = final.reason === null ? 'no reason given' : serverText(final.reason);
      throw new TriggerClientError(code, `promotion ${serverText(final.id, 100)} ${final.status}: ${reason}`);
    } catch (err) {
      // The deadline is the cause, whatever the aborted request or sleep reported; that is not chained.
      if (!deadline.signal.aborted) throw err;
      throw new TriggerClientError(
        TriggerClientErrorCode.Timeout,
        last === undefined
          ? `timed out after ${settings.timeoutText} delivering the promotion request${lastProblem === undefined ? '' : ` (last problem: ${lastProblem})`}`
          : `timed out after ${settings.timeoutText} waiting for promotion ${serverText(last.id, 100)} (last status ${last.status})`,
      );
    } finally {
      clearTimeout(timer);
    }
  } catch (err) {
    const { exitCode, message } = reportError(err, 'trigger: ');
    io.stderr.write(`${redact(message, secrets)}\n`);
    return exitCode;
  } finally {
    await dispatcher?.close().catch(() => undefined);
  }
}
