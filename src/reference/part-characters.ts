/**
 * The first character of a reference part that its grammar does not allow, described so the reason is
 * safe to print: whitespace and control characters are named by code point rather than echoed, so a
 * value pasted from a shell (`$(id)`, a newline) never reaches a log or terminal as itself.
 */
import { codePointName } from './display-value.ts';

/** Why `value` holds a character outside `allowed` (a one-character regex), or undefined. */
export function characterProblem(value: string, allowed: RegExp, allowedText: string): string | undefined {
  for (const char of value) {
    if (allowed.test(char)) continue;
    if (char === ' ' || char === '\t') return 'contains whitespace';
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x20 || code === 0x7f) return `contains a control character (${codePointName(char)})`;
    if (code > 0x7f) return `contains a non-ASCII character (${codePointName(char)})`;
    return `contains "${char}" (allowed: ${allowedText})`;
  }
  return undefined;
}
