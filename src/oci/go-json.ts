/**
 * JSON written the way Go's `encoding/json` writes it, because skopeo (containers/image) produces
 * converted manifests and configs with `json.Marshal` of Go structs, and a conversion that hashes
 * differently from skopeo's gives a different digest for the same image. Three rules matter:
 * struct fields come out in declaration order (here: a plain object's insertion order), map keys
 * come out sorted by their UTF-8 bytes (here: a `Map`), and strings are escaped as Go does
 * (`<`, `>`, `&`, U+2028 and U+2029 as `\u` escapes; control characters other than \n \r \t as
 * `\u00XX`, which is what Go 1.19, the toolchain of Debian's skopeo 1.9.3, emits).
 */

/** A Go map: written with its keys sorted bytewise. Plain objects are written as structs, in insertion order. */
export type GoMap = ReadonlyMap<string, GoValue>;
export type GoValue =
  | string
  | number
  | boolean
  | null
  | readonly GoValue[]
  | GoMap
  | { readonly [field: string]: GoValue | undefined };

const HEX = '0123456789abcdef';

export function goJsonString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let replacement: string | undefined;
    if (c === 0x22) replacement = '\\"';
    else if (c === 0x5c) replacement = '\\\\';
    else if (c === 0x0a) replacement = '\\n';
    else if (c === 0x0d) replacement = '\\r';
    else if (c === 0x09) replacement = '\\t';
    else if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26) {
      replacement = `\\u00${HEX[c >> 4]}${HEX[c & 0xf]}`;
    } else if (c === 0x2028 || c === 0x2029) replacement = `\\u${c.toString(16)}`;
    else if (c >= 0xd800 && c <= 0xdfff) {
      // A lone surrogate is not valid UTF-8; Go's decoder already turned it into U+FFFD.
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      replacement = '\ufffd';
    }
    if (replacement === undefined) continue;
    out += s.slice(start, i) + replacement;
    start = i + 1;
  }
  return `${out}${s.slice(start)}"`;
}

/** Serialise like `json.Marshal` (compact). `undefined` struct fields are left out (omitempty is the caller's job). */
export function goJson(value: GoValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return goJsonString(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot encode ${value} as JSON`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map((v) => goJson(v)).join(',')}]`;
  if (value instanceof Map) {
    const keys = [...value.keys()].sort(compareUtf8);
    return `{${keys.map((k) => `${goJsonString(k)}:${goJson(value.get(k)!)}`).join(',')}}`;
  }
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value as Record<string, GoValue | undefined>)) {
    if (v !== undefined) parts.push(`${goJsonString(k)}:${goJson(v)}`);
  }
  return `{${parts.join(',')}}`;
}

/** Go sorts map keys as byte strings; JavaScript's default sort compares UTF-16 units. */
function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
