/**
 * `WWW-Authenticate` parsing (RFC 7235 §4.1, §2.1):
 *
 *   WWW-Authenticate = 1#challenge
 *   challenge        = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
 *   auth-param       = token BWS "=" BWS ( token / quoted-string )
 *
 * Both challenges and their params are comma-separated, so after a comma the parser looks ahead: a
 * `token =` is another param of the current challenge, a bare token starts a new challenge.
 *
 * Deliberately lenient, because this parses what a remote server sent and the caller only needs
 * `realm`/`service`/`scope`: an unterminated quoted string runs to the end of the header, unquoted values
 * may contain any character but `,` and whitespace (registries send `realm=https://…` unquoted), and
 * unparseable fragments are skipped rather than failing the whole header. Scheme and param names are
 * case-insensitive and returned lowercased; the first occurrence of a repeated param wins.
 */

export interface Challenge {
  /** Lowercased auth-scheme: `basic`, `bearer`, or whatever else the server offered. */
  readonly scheme: 'basic' | 'bearer' | (string & {});
  /** auth-params with lowercased names and unquoted, unescaped values. */
  readonly params: Readonly<Record<string, string>>;
  /** The token68 form (`Negotiate abc==`) instead of params, if that is what was sent. */
  readonly token68?: string | undefined;
}

/** RFC 7230 tchar. */
const TCHAR_RE = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
/** RFC 7235 token68 body (without trailing "=" padding). */
const TOKEN68_RE = /^[A-Za-z0-9\-._~+/]+=*/;

/** Parses one or more `WWW-Authenticate` header values (as undici/fetch give them) into challenges, in order. */
export function parseChallenges(header: string | readonly string[] | null | undefined): Challenge[] {
  if (header === null || header === undefined) return [];
  const values = typeof header === 'string' ? [header] : header;
  return values.flatMap((value) => parseHeaderValue(value));
}

/** The first challenge with `scheme` (case-insensitive), if any. */
export function findChallenge(challenges: readonly Challenge[], scheme: string): Challenge | undefined {
  const wanted = scheme.toLowerCase();
  return challenges.find((c) => c.scheme === wanted);
}

/** RFC 6750 §3 error attributes of a Bearer challenge. */
export interface BearerError {
  /** `invalid_request`, `invalid_token`, `insufficient_scope`, or a registry-specific code. */
  readonly error: string;
  readonly description?: string | undefined;
  /** Scope the server says is needed (distribution sends it with insufficient_scope). */
  readonly scope?: string | undefined;
  /** `error="insufficient_scope"`: the token is valid but lacks an action — a new token may help, a new password won't. */
  readonly insufficientScope: boolean;
}

/** Extracts the RFC 6750 `error` attributes of a Bearer challenge's params; undefined if there is no `error`. */
export function parseBearerError(params: Readonly<Record<string, string>>): BearerError | undefined {
  const error = params['error'];
  if (error === undefined || error === '') return undefined;
  return {
    error,
    ...(params['error_description'] === undefined ? {} : { description: params['error_description'] }),
    ...(params['scope'] === undefined ? {} : { scope: params['scope'] }),
    insufficientScope: error === 'insufficient_scope',
  };
}

interface MutableChallenge {
  scheme: string;
  params: Record<string, string>;
  token68?: string;
}

function parseHeaderValue(s: string): Challenge[] {
  const challenges: MutableChallenge[] = [];
  let current: MutableChallenge | undefined;
  let i = 0;
  while (i < s.length) {
    i = skipSpace(s, i);
    if (i >= s.length) break;
    if (s[i] === ',') {
      i++;
      continue;
    }
    const nameEnd = readToken(s, i);
    if (nameEnd === i) {
      // Not a token (stray quote, "=", garbage): skip this list element.
      i = skipElement(s, i);
      continue;
    }
    const name = s.slice(i, nameEnd);
    const afterName = skipSpace(s, nameEnd);

    if (current !== undefined && s[afterName] === '=') {
      const [value, next] = readValue(s, skipSpace(s, afterName + 1));
      const key = name.toLowerCase();
      if (!(key in current.params)) current.params[key] = value;
      i = next;
      continue;
    }

    current = { scheme: name.toLowerCase(), params: Object.create(null) as Record<string, string> };
    challenges.push(current);
    i = nameEnd;
    if (afterName > nameEnd && afterName < s.length && s[afterName] !== ',') {
      const token68 = readToken68(s, afterName);
      if (token68 !== undefined) {
        current.token68 = token68.value;
        i = token68.end;
      } else {
        i = afterName;
      }
    }
  }
  return challenges.map((c) => Object.freeze({ ...c, params: Object.freeze({ ...c.params }) }));
}

function skipSpace(s: string, i: number): number {
  let j = i;
  while (j < s.length && (s[j] === ' ' || s[j] === '\t')) j++;
  return j;
}

function readToken(s: string, i: number): number {
  let j = i;
  while (j < s.length && TCHAR_RE.test(s[j] ?? '')) j++;
  return j;
}

/** Skips to the next top-level comma, stepping over quoted strings. */
function skipElement(s: string, i: number): number {
  let j = i;
  while (j < s.length && s[j] !== ',') {
    j = s[j] === '"' ? readQuoted(s, j)[1] : j + 1;
  }
  return j;
}

/** A token68 only counts if nothing but a list separator (or the end) follows it; otherwise it is a param name. */
function readToken68(s: string, i: number): { value: string; end: number } | undefined {
  const match = TOKEN68_RE.exec(s.slice(i));
  if (match === null) return undefined;
  const end = i + match[0].length;
  const after = skipSpace(s, end);
  if (after < s.length && s[after] !== ',') return undefined;
  // `realm=` followed by "," would be a param with an empty value, which RFC 7235 does not allow; a
  // token68 with padding is the only valid reading.
  return { value: match[0], end };
}

function readValue(s: string, i: number): [string, number] {
  if (s[i] === '"') return readQuoted(s, i);
  let j = i;
  while (j < s.length && s[j] !== ',' && s[j] !== ' ' && s[j] !== '\t') j++;
  return [s.slice(i, j), j];
}

/** quoted-string with quoted-pair unescaping; an unterminated string runs to the end. */
function readQuoted(s: string, start: number): [string, number] {
  let value = '';
  let j = start + 1;
  while (j < s.length) {
    const c = s[j];
    if (c === '"') return [value, j + 1];
    if (c === '\\' && j + 1 < s.length) {
      value += s[j + 1];
      j += 2;
      continue;
    }
    value += c;
    j++;
  }
  return [value, j];
}
