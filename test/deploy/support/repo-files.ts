/**
 * The files under deploy/ and how to read them: listing, and YAML parsed the strict way (every document,
 * duplicate keys and unresolved tags are errors), so a test never validates a half-parsed file.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const DEPLOY = join(REPO, 'deploy');

export type JsonObject = { [key: string]: unknown };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Files under `dir` (absolute paths), sorted, recursively. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else out.push(path);
  }
  return out.sort();
}

/** Every .yaml/.yml file under deploy/. */
export async function deployYamlFiles(): Promise<string[]> {
  return (await listFiles(DEPLOY)).filter((file) => /\.ya?ml$/.test(file));
}

/** Repository-relative path, for messages. */
export function rel(path: string): string {
  return relative(REPO, path);
}

/**
 * All documents of a YAML text as plain data; throws on any error or warning. With `version: '1.1'` it
 * reads the way kubectl's YAML library does (`0440` octal, `yes` a boolean), to compare the two.
 */
export function parseYaml(text: string, name: string, version: '1.1' | '1.2' = '1.2'): unknown[] {
  const docs = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true, version });
  if (!Array.isArray(docs)) return [];
  const values: unknown[] = [];
  for (const doc of docs) {
    const problems = [...doc.errors, ...doc.warnings];
    if (problems.length > 0) throw new Error(`${name}: ${problems.map((p) => p.message).join('; ')}`);
    const value: unknown = doc.toJS({ maxAliasCount: 10 });
    // A file ending in `---` or holding only comments yields an empty document; kubectl skips those.
    if (value !== null && value !== undefined) values.push(value);
  }
  return values;
}

export async function readYaml(path: string, version: '1.1' | '1.2' = '1.2'): Promise<unknown[]> {
  return parseYaml(await readFile(path, 'utf8'), rel(path), version);
}
