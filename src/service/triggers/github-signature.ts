/**
 * GitHub-style body signatures (docs.github.com "Validating webhook deliveries"):
 * `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`, keyed with the secret's UTF-8 bytes.
 * GitHub's scheme signs no timestamp, so it cannot bound replays the way Standard Webhooks does; use it
 * only for senders that cannot do better.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { TriggerError, TriggerErrorCode } from '../../api/trigger-error.ts';
import { assertSecretsConfigured } from '../../api/webhook-secrets.ts';

export const GITHUB_SIGNATURE_HEADER = 'x-hub-signature-256';

const SIGNATURE_RE = /^sha256=([0-9a-fA-F]{64})$/;

export interface VerifyGithubSignatureOptions {
  /** Value of X-Hub-Signature-256, undefined when absent. */
  readonly header: string | undefined;
  readonly rawBody: Uint8Array;
  readonly secrets: readonly string[];
}

function digest(secret: string, body: Uint8Array | string): Buffer {
  return createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
    .digest();
}

/** `sha256=<hex>` for `body` under `secret` (what a GitHub-style sender puts in the header). */
export function signGithubPayload(secret: string, body: Uint8Array | string): string {
  return `sha256=${digest(secret, body).toString('hex')}`;
}

function bad(message: string): TriggerError {
  return new TriggerError(TriggerErrorCode.BadSignature, message, { fields: [GITHUB_SIGNATURE_HEADER] });
}

/**
 * Throws 401 when the header is missing, malformed, or matches none of the secrets; returns which secret
 * matched. Throws a (5xx) config error when no usable secret is configured.
 */
export function verifyGithubSignature(options: VerifyGithubSignatureOptions): {
  readonly secretIndex: number;
} {
  assertSecretsConfigured(options.secrets, 'GitHub-style webhook');
  const header = options.header?.trim();
  if (header === undefined || header === '') throw bad('missing header X-Hub-Signature-256');
  const match = SIGNATURE_RE.exec(header);
  if (match === null) throw bad('header X-Hub-Signature-256 must be "sha256=" followed by 64 hex digits');
  // Decoded only after the strict regex: Buffer.from(…, 'hex') silently stops at the first bad character.
  const received = Buffer.from(match[1] ?? '', 'hex');
  let secretIndex = -1;
  options.secrets.forEach((secret, index) => {
    if (timingSafeEqual(digest(secret, options.rawBody), received) && secretIndex === -1) secretIndex = index;
  });
  if (secretIndex === -1) throw bad('X-Hub-Signature-256 matches no configured secret');
  return { secretIndex };
}
