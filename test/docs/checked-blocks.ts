/**
 * Code blocks of a docs page that a test runs or parses. Each is marked with an HTML comment on the
 * line above its fence, invisible when the page is rendered:
 *
 *   <!-- checked: <what> [<trigger>] -->
 *   ```sh
 *   …
 *   ```
 *
 * A page that uses markers must mark every json, sh and yaml block (unmarkedBlocks), so that no
 * example escapes its test by being forgotten.
 */

export interface CheckedBlock {
  /** `body`, `curl`, `answer`, `config`, `rule`, … */
  readonly what: string;
  /** The trigger it belongs to (`api`, `standard-webhook`, …), when the marker names one. */
  readonly trigger: string | undefined;
  /** The fence's language. */
  readonly lang: string;
  readonly text: string;
  /** 1-based line of the opening fence, for messages. */
  readonly line: number;
}

const MARKER_RE = /^<!-- checked: ([a-z][a-z0-9-]*)(?: ([a-z][a-z0-9-]*))? -->$/;
const FENCE_RE = /^```(\S*)\s*$/;
const CHECKED_LANGUAGES = new Set(['json', 'sh', 'yaml']);

interface Fence {
  readonly lang: string;
  readonly text: string;
  readonly line: number;
  /** The line above the opening fence. */
  readonly above: string;
}

function fences(markdown: string): Fence[] {
  const lines = markdown.split('\n');
  const out: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE_RE.exec(lines[i]!);
    if (open === null) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    out.push({ lang: open[1]!, text: body.join('\n'), line: start + 1, above: lines[start - 1] ?? '' });
  }
  return out;
}

export function checkedBlocks(markdown: string): CheckedBlock[] {
  return fences(markdown).flatMap((fence) => {
    const marker = MARKER_RE.exec(fence.above);
    if (marker === null) return [];
    return [{ what: marker[1]!, trigger: marker[2], lang: fence.lang, text: fence.text, line: fence.line }];
  });
}

/** Lines of json/sh/yaml fences that carry no marker. */
export function unmarkedBlocks(markdown: string): number[] {
  return fences(markdown)
    .filter((fence) => CHECKED_LANGUAGES.has(fence.lang) && !MARKER_RE.test(fence.above))
    .map((fence) => fence.line);
}

/** The one block with this marker; throws when there is none or more than one. */
export function onlyBlock(blocks: readonly CheckedBlock[], what: string, trigger?: string): CheckedBlock {
  const found = blocks.filter((b) => b.what === what && b.trigger === trigger);
  if (found.length !== 1) {
    throw new Error(
      `expected one block marked "${what}${trigger ? ` ${trigger}` : ''}", found ${found.length}`,
    );
  }
  return found[0]!;
}
