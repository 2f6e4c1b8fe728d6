/**
 * Finds where JSON text stops being valid. V8's JSON.parse reports a position for most errors, but for
 * an unexpected token it reports a *snippet of the input* instead (`Unexpected token 's', "{"a":
 * secr"... is not valid JSON`), which must not be echoed back and gives no line/column. This scanner
 * (RFC 8259 grammar, iterative so deep nesting cannot overflow the stack) supplies the offset in that
 * case. It only runs after JSON.parse has already failed.
 */

const NUMBER_RE = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/;
const HEX4_RE = /^[0-9a-fA-F]{4}$/;
const SIMPLE_ESCAPES = '"\\/bfnrt';
const WHITESPACE = ' \t\n\r';

type Expect = 'value' | 'value-or-close' | 'key' | 'key-or-close' | 'colon' | 'comma-or-close' | 'end';

/** Offset just past a string starting at `start` (a `"`), or `{ error }` with the offset of the fault. */
function scanString(text: string, start: number): number | { error: number } {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c < 0x20) return { error: i };
    if (c === 0x5c) {
      const next = text[i + 1];
      if (next === undefined) return { error: i + 1 };
      if (next === 'u') {
        if (!HEX4_RE.test(text.slice(i + 2, i + 6))) return { error: i };
        i += 6;
        continue;
      }
      if (!SIMPLE_ESCAPES.includes(next)) return { error: i };
      i += 2;
      continue;
    }
    i++;
  }
  return { error: text.length };
}

/** Offset just past a number/literal at `start`, or `{ error }`. */
function scanScalar(text: string, start: number): number | { error: number } {
  for (const literal of ['true', 'false', 'null']) {
    if (text.startsWith(literal, start)) return start + literal.length;
  }
  // Anchored on a slice rather than a sticky regex: a shared regex's lastIndex would be module state.
  const match = NUMBER_RE.exec(text.slice(start));
  if (match === null) return { error: start };
  return start + match[0].length;
}

/** Offset of the first syntax error in `text`, or undefined when `text` is valid JSON. */
export function findJsonSyntaxError(text: string): number | undefined {
  const stack: string[] = [];
  let expect: Expect = 'value';
  let i = 0;
  const afterValue = (): Expect => (stack.length === 0 ? 'end' : 'comma-or-close');
  for (;;) {
    while (i < text.length && WHITESPACE.includes(text[i] ?? '')) i++;
    if (i >= text.length) return expect === 'end' ? undefined : text.length;
    const c = text[i];
    const top = stack.at(-1);
    switch (expect) {
      case 'end':
        return i;
      case 'colon':
        if (c !== ':') return i;
        i++;
        expect = 'value';
        continue;
      case 'comma-or-close':
        if (c === ',') {
          i++;
          expect = top === '{' ? 'key' : 'value';
          continue;
        }
        if ((c === '}' && top === '{') || (c === ']' && top === '[')) {
          stack.pop();
          i++;
          expect = afterValue();
          continue;
        }
        return i;
      case 'key':
      case 'key-or-close': {
        if (c === '}' && expect === 'key-or-close') {
          stack.pop();
          i++;
          expect = afterValue();
          continue;
        }
        if (c !== '"') return i;
        const end = scanString(text, i);
        if (typeof end !== 'number') return end.error;
        i = end;
        expect = 'colon';
        continue;
      }
      default: {
        if (c === ']' && expect === 'value-or-close') {
          stack.pop();
          i++;
          expect = afterValue();
          continue;
        }
        if (c === '{' || c === '[') {
          stack.push(c);
          i++;
          expect = c === '{' ? 'key-or-close' : 'value-or-close';
          continue;
        }
        const end = c === '"' ? scanString(text, i) : scanScalar(text, i);
        if (typeof end !== 'number') return end.error;
        i = end;
        expect = afterValue();
      }
    }
  }
}

/** 1-based line and column of `offset` in `text` (columns count UTF-16 code units, like V8's). */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
