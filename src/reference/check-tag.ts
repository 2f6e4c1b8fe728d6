/**
 * A tag on its own (`v1.2.3`, a git SHA), as the reference grammar defines it: `[\w][\w.-]{0,127}`
 * (distribution/reference regexp.go `tag`). For values that are only ever a tag — a trigger's `tag`
 * field, `ferry trigger --tag` — so they are judged without building a fake reference around them.
 */
import { TAG_MAX_LENGTH } from './grammar.ts';
import { characterProblem } from './part-characters.ts';

const TAG_CHAR_RE = /^[\w.-]$/;

/** Why `tag` is not a valid tag (a phrase that reads after `"…" is invalid: `), or undefined. */
export function tagProblem(tag: string): string | undefined {
  if (tag === '') return 'is empty';
  if (tag.length > TAG_MAX_LENGTH) return `longer than ${TAG_MAX_LENGTH} characters (${tag.length})`;
  const bad = characterProblem(tag, TAG_CHAR_RE, 'letters, digits, "_", ".", "-"');
  if (bad !== undefined) return bad;
  if (!/^\w/.test(tag)) return 'must start with a letter, digit or "_"';
  return undefined;
}
