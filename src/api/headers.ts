/**
 * Header lookup that works for both shapes the HTTP layer may hand over: a WHATWG `Headers` object or
 * Node's `IncomingHttpHeaders` (lower-cased keys, `string[]` for repeated headers).
 */
import { TriggerError, TriggerErrorCode } from './trigger-error.ts';

export type HeaderSource = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

/** All values of header `name` (case-insensitive), in order; empty when absent. */
export function headerValues(headers: HeaderSource, name: string): readonly string[] {
  const lower = name.toLowerCase();
  if (headers instanceof Headers) {
    const value = headers.get(lower);
    return value === null ? [] : [value];
  }
  let raw = headers[lower];
  if (raw === undefined) {
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === lower) {
        raw = headers[key];
        break;
      }
    }
  }
  if (raw === undefined) return [];
  return typeof raw === 'string' ? [raw] : raw;
}

/**
 * The single value of header `name`, trimmed; undefined when absent or empty. A header that arrives
 * twice with different values is refused: which one was signed, or which one the sender meant, is
 * anyone's guess.
 */
export function singleHeader(headers: HeaderSource, name: string): string | undefined {
  const values = headerValues(headers, name)
    .map((v) => v.trim())
    .filter((v) => v !== '');
  const first = values[0];
  if (first === undefined) return undefined;
  if (values.some((v) => v !== first)) {
    throw new TriggerError(TriggerErrorCode.BadHeader, `header ${name} was sent more than once`, {
      fields: [name],
    });
  }
  return first;
}
