/**
 * Makes a user-supplied reference safe to put into an error message. Errors end up in terminals, CI logs
 * and JSON reports, so the value must neither leak a password someone pasted as `user:pass@host/repo`
 * nor carry terminal control sequences or a megabyte of text.
 */

const MAX_DISPLAY_LENGTH = 256;

/** `scheme://` prefix, as in `https://host/repo` or `docker://…`. */
const SCHEME_RE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/** What may legitimately follow `@` in a reference: `algorithm:` of a digest. */
const DIGEST_START_RE = /^[A-Za-z][A-Za-z0-9+._-]*:/;

/**
 * Position of the password in a `user:password@host…` prefix, or undefined. A reference's own `@` always
 * introduces a digest, which never contains `/`, so an `@` that comes before the first `/`, with `:` in
 * front of it and something that is not a digest after it, can only be URL-style userinfo.
 */
export function findUserinfoPassword(input: string): { start: number; end: number } | undefined {
  const offset = SCHEME_RE.exec(input)?.[0].length ?? 0;
  const rest = input.slice(offset);
  const at = rest.indexOf('@');
  if (at <= 0) return undefined;
  const beforeAt = rest.slice(0, at);
  const afterAt = rest.slice(at + 1);
  const colon = beforeAt.indexOf(':');
  if (colon === -1 || beforeAt.includes('/') || afterAt === '') return undefined;
  if (!afterAt.includes('/') && DIGEST_START_RE.test(afterAt)) return undefined;
  return { start: offset + colon + 1, end: offset + at };
}

/** Redacted, length-capped, control-free rendering of `input` for error messages. */
export function displayValue(input: string): string {
  let value = input;
  const password = findUserinfoPassword(value);
  if (password !== undefined) {
    value = `${value.slice(0, password.start)}***${value.slice(password.end)}`;
  }
  if (value.length > MAX_DISPLAY_LENGTH) {
    value = `${value.slice(0, MAX_DISPLAY_LENGTH)}…(${input.length} characters)`;
  }
  // C0 controls are escaped by JSON.stringify in the error message; DEL, C1 controls (0x9b is a CSI
  // introducer on some terminals) and other non-ASCII are not, so escape them here.
  return value.replace(/[\u007f-\uffff]/g, (c) =>
    c === '…' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** `U+000A`-style name of a code point, for reasons that must say which character is wrong. */
export function codePointName(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** True if `value` contains a C0 control character or DEL (checked by code, not regex: biome forbids control chars in regexes). */
export function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
