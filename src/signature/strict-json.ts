/**
 * JSON for security decisions: a document whose meaning a reader and a parser could disagree on is
 * refused. `JSON.parse` silently keeps the last of two equal keys; containers/image parses policy.json
 * and signature payloads with `ParanoidUnmarshalJSONObject`, which fails on a duplicated key, so
 * `{"default":[reject], "default":[accept]}` is an error there and must be one here too.
 *
 * Syntax is checked by JSON.parse; a second pass over the (then known-valid) text finds duplicate keys
 * and reports where, as a path (`transports.docker["reg.example/app"]`).
 */

export type JsonPath = readonly (string | number)[];

export type StrictJsonResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly reason: string; readonly path: JsonPath };

export function parseStrictJson(text: string): StrictJsonResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `not valid JSON: ${(err as Error).message}`, path: [] };
  }
  const duplicate = findDuplicateKey(text);
  if (duplicate !== undefined) {
    const key = duplicate.at(-1);
    return { ok: false, reason: `duplicate key ${JSON.stringify(key)}`, path: duplicate };
  }
  return { ok: true, value };
}

type Frame =
  | { kind: 'object'; keys: Set<string>; expectKey: boolean; key: string | undefined }
  | { kind: 'array'; index: number };

/** Path of the first repeated key in an object of `text` (which must be valid JSON), if any. */
export function findDuplicateKey(text: string): JsonPath | undefined {
  const stack: Frame[] = [];
  const pathTo = (extra: string | number): JsonPath => [
    ...stack.slice(0, -1).map((f) => (f.kind === 'object' ? (f.key ?? '') : f.index)),
    extra,
  ];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
      const top = stack.at(-1);
      if (top?.kind === 'object' && top.expectKey) {
        const key = JSON.parse(text.slice(start, i + 1)) as string;
        if (top.keys.has(key)) return pathTo(key);
        top.keys.add(key);
        top.key = key;
        top.expectKey = false;
      }
    } else if (c === '{') {
      stack.push({ kind: 'object', keys: new Set(), expectKey: true, key: undefined });
    } else if (c === '[') {
      stack.push({ kind: 'array', index: 0 });
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',') {
      const top = stack.at(-1);
      if (top?.kind === 'object') top.expectKey = true;
      else if (top?.kind === 'array') top.index++;
    }
  }
  return undefined;
}

/** `transports.docker["reg.example/app"][0].type`: identifiers dotted, other keys quoted. */
export function formatJsonPath(path: JsonPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}
