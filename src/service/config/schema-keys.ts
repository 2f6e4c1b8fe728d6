/**
 * The keys a strict object in the schema allows, found by walking the schema along a key path. Used to
 * turn "unknown key" into "unknown key "tagz" (did you mean "tags"?)", the single most useful hint for a
 * hand-edited YAML file.
 */
import { z } from 'zod';
import type { KeyPath } from './config-pieces.ts';

/** Unwraps defaults, optionals and pipes down to the schema that sees the raw input. */
function inputSchema(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (;;) {
    if (
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault ||
      current instanceof z.ZodOptional
    ) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType;
    } else {
      return current;
    }
  }
}

/** Keys of the object schema at `path`, or undefined if the path does not lead to an object schema. */
export function allowedKeysAt(schema: z.ZodType, path: KeyPath): string[] | undefined {
  let current = inputSchema(schema);
  for (const segment of path) {
    if (current instanceof z.ZodObject && typeof segment === 'string') {
      const next = current.shape[segment] as z.ZodType | undefined;
      if (next === undefined) return undefined;
      current = inputSchema(next);
    } else if (current instanceof z.ZodArray && typeof segment === 'number') {
      current = inputSchema(current.element as z.ZodType);
    } else if (current instanceof z.ZodRecord) {
      current = inputSchema(current.valueType as z.ZodType);
    } else {
      return undefined;
    }
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : undefined;
}

/** The allowed key closest to `key` if it is plausibly a typo of it (small edit distance), else undefined. */
export function closestKey(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of allowed) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // One edit per three characters: catches "tagz", "imutableTags", "publicKeyFile"; not unrelated words.
  return bestDistance <= Math.max(1, Math.floor(key.length / 3)) ? best : undefined;
}

/** Levenshtein distance, two-row version (keys are short). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
