/**
 * How trigger errors show untrusted input. Webhook bodies and headers come from the network: a value
 * echoed into an error may land in a CI log or a terminal, so it is redacted (`user:pass@`), escaped
 * (controls, non-ASCII) and cut short — an error must never replay more than a few dozen characters of
 * what the caller sent.
 */
import { displayValue } from '../reference/display-value.ts';

/** Longest rendering of one value inside an error message. */
export const MAX_QUOTED_LENGTH = 64;

/** `"value"`, redacted, escaped and truncated to MAX_QUOTED_LENGTH characters. */
export function quoteValue(value: string, maxLength: number = MAX_QUOTED_LENGTH): string {
  // displayValue first: it redacts a `user:password@` prefix, which truncation could otherwise split.
  const shown = displayValue(value);
  const cut = shown.length > maxLength ? `${shown.slice(0, maxLength)}…` : shown;
  // JSON.stringify escapes the C0 controls and quotes; displayValue already escaped everything ≥ U+007F.
  return JSON.stringify(cut);
}

const IDENTIFIER_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `source.repository`, `env[2].value`, `labels["ci/url"]`: a schema path with body-supplied keys quoted. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && IDENTIFIER_RE.test(segment) && segment.length <= 64) {
      out += out === '' ? segment : `.${segment}`;
    } else out += `[${quoteValue(String(segment), 40)}]`;
  }
  return out === '' ? '(body)' : out;
}
