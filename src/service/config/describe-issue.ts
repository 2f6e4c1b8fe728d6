/**
 * Wording of schema problems. Zod's defaults ("Invalid input: expected string, received number") are
 * written for developers; ferry.yaml is read by operators, and a YAML `key:` with nothing after it is
 * null, not "undefined". Messages describe the *type* of a wrong value, never the value itself, since the
 * value may be a secret pasted into the wrong key.
 */
import type { z } from 'zod';

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
  literal: 'a fixed value',
};

function describeValue(value: unknown): string {
  if (value === null) return 'nothing (the key has no value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  return `a ${typeof value}`;
}

/** Zod error map for config parsing: returns the message, or undefined to keep a schema-given one. */
export function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'required key is missing';
      return `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}, got ${describeValue(issue.input)}`;
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'array' || issue.origin === 'set')
        return `needs at least ${min} item${min === 1 ? '' : 's'}`;
      if (issue.origin === 'string')
        return min <= 1 ? 'must not be empty' : `must be at least ${min} characters`;
      return issue.inclusive === false ? `must be greater than ${min}` : `must be at least ${min}`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'array' || issue.origin === 'set')
        return `takes at most ${max} item${max === 1 ? '' : 's'}`;
      if (issue.origin === 'string') return `must be at most ${max} characters`;
      return issue.inclusive === false ? `must be less than ${max}` : `must be at most ${max}`;
    }
    case 'invalid_value':
      if (issue.input === undefined) return 'required key is missing';
      if (issue.input === null)
        return `has no value; expected ${issue.values.length === 1 ? String(issue.values[0]) : `one of: ${issue.values.map(String).join(', ')}`}`;
      if (issue.values.length === 1) return `must be ${String(issue.values[0])}`;
      return `must be one of: ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      return 'has an invalid format';
    case 'invalid_key':
      return issue.issues[0]?.message ?? 'invalid key';
    case 'invalid_union':
      return 'has an invalid value';
    case 'unrecognized_keys':
      return 'unknown key';
    case 'custom':
      return issue.message ?? 'is invalid';
    default:
      return undefined;
  }
}
