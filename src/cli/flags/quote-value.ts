import { displayValue } from '../../reference/display-value.ts';

/** Longest rendering of one value inside an error message. */
const MAX_QUOTED_LENGTH = 64;

/**
 * `"value"` for a usage error: a flag's value may be a pasted secret or hold control characters, so it
 * is redacted (`user:pass@`), escaped and cut short before it reaches a terminal or a CI log.
 */
export function quoteValue(value: string, maxLength: number = MAX_QUOTED_LENGTH): string {
  const shown = displayValue(value);
  return JSON.stringify(shown.length > maxLength ? `${shown.slice(0, maxLength)}…` : shown);
}
