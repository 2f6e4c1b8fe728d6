/**
 * The two bits of Go's encoding/json behaviour that docker-archive metadata depends on, so ferry's
 * archives carry the same legacy layer IDs as skopeo's (the IDs are sha256 of JSON text):
 *
 * - `json.Marshal` of a `json.RawMessage` does not re-encode the value: it compacts the raw text
 *   (whitespace outside strings removed) and, with HTML escaping on (the default), rewrites `<`, `>`,
 *   `&`, U+2028 and U+2029 inside strings as `\u003c`, `\u003e`, `\u0026`, `\u2028`, `\u2029`.
 *   Numbers and other escapes stay as written, which a JSON.parse/stringify round trip would not keep.
 * - `json.Unmarshal` into `map[string]*json.RawMessage` keeps each top-level member's raw text (the
 *   last one wins for a duplicated key).
 */

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/** Go's `compact(dst, src, escapeHTML=true)` for valid JSON text. */
export function goCompact(raw: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string;
    if (inString) {
      if (c === '\\') {
        out += c + (raw[i + 1] ?? '');
        i++;
        continue;
      }
      if (c === '"') inString = false;
      out += HTML_ESCAPES[c] ?? c;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
    if (c === '"') inString = true;
    out += c;
  }
  return out;
}

/** Raw text of each member of the top-level JSON object in `text` (which must be valid JSON). */
export function topLevelMembers(text: string): Map<string, string> {
  const members = new Map<string, string>();
  let i = skipSpace(text, 0);
  if (text[i] !== '{') throw new Error('not a JSON object');
  i = skipSpace(text, i + 1);
  if (text[i] === '}') return members;
  for (;;) {
    const keyEnd = endOfString(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipSpace(text, keyEnd);
    if (text[i] !== ':') throw new Error('expected ":"');
    const start = skipSpace(text, i + 1);
    const end = endOfValue(text, start);
    members.set(key, text.slice(start, end));
    i = skipSpace(text, end);
    if (text[i] === '}') return members;
    if (text[i] !== ',') throw new Error('expected "," or "}"');
    i = skipSpace(text, i + 1);
  }
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  return i;
}

/** Index just past the string literal starting at `i`. */
function endOfString(text: string, i: number): number {
  if (text[i] !== '"') throw new Error('expected a string');
  for (let j = i + 1; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === '"') return j + 1;
  }
  throw new Error('unterminated string');
}

/** Index just past the value starting at `i` (object, array, string or literal). */
function endOfValue(text: string, i: number): number {
  const c = text[i];
  if (c === '"') return endOfString(text, i);
  if (c === '{' || c === '[') {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const d = text[j];
      if (d === '"') j = endOfString(text, j) - 1;
      else if (d === '{' || d === '[') depth++;
      else if (d === '}' || d === ']') {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    throw new Error('unterminated value');
  }
  let j = i;
  while (j < text.length && !',}] \t\n\r'.includes(text[j] as string)) j++;
  if (j === i) throw new Error('expected a value');
  return j;
}
