/**
 * Enough of kustomize to build deploy/'s kustomizations without the binary, and to fail loudly on
 * anything more: the Kustomization schema (kube-schemas.ts) admits only the fields implemented here.
 *
 * - `resources`: files (multi-document YAML) and directories holding a kustomization, recursively;
 * - `configMapGenerator`: `files` (key = file name, or `key=path`), behaviors create / replace / merge;
 * - `patches` with `path`: an RFC 6902 list (needs `target`), or a strategic-merge `$patch: delete`
 *   document (the only strategic-merge form used here; any other is refused);
 * - `namespace`: set on every namespaced object.
 *
 * One deliberate difference: kustomize appends a content hash to generated ConfigMap names and rewrites
 * the references to them. The test keeps the plain name, so a reference still has to name an existing
 * ConfigMap to resolve, which is what matters here.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { isClusterScoped, typeKey, validateObject } from './kube-schemas.ts';
import { isObject, type JsonObject, parseYaml, rel } from './repo-files.ts';

export interface Built {
  readonly objects: JsonObject[];
  /** Every file the build read (kustomizations, resources, patches, generator inputs). */
  readonly files: string[];
}

export async function buildKustomization(dir: string): Promise<Built> {
  const files: string[] = [];
  const objects = await build(resolve(dir), files, []);
  return { objects, files };
}

async function build(dir: string, files: string[], stack: string[]): Promise<JsonObject[]> {
  if (stack.includes(dir)) throw new Error(`kustomization cycle: ${[...stack, dir].map(rel).join(' → ')}`);
  const path = join(dir, 'kustomization.yaml');
  files.push(path);
  const [kustomization] = parseYaml(await readFile(path, 'utf8'), rel(path));
  const problems = validateObject(kustomization);
  if (problems.length > 0 || !isObject(kustomization))
    throw new Error(`${rel(path)}: ${problems.join('; ')}`);
  const k = kustomization as unknown as Kustomization;

  const objects: JsonObject[] = [];
  for (const entry of k.resources) {
    const resourcePath = resolve(dir, entry);
    const info = await stat(resourcePath).catch(() => undefined);
    if (info === undefined) throw new Error(`${rel(path)}: resource ${entry} does not exist`);
    if (info.isDirectory()) {
      objects.push(...(await build(resourcePath, files, [...stack, dir])));
    } else {
      files.push(resourcePath);
      for (const doc of parseYaml(await readFile(resourcePath, 'utf8'), rel(resourcePath))) {
        if (!isObject(doc) || typeKey(doc) === undefined)
          throw new Error(`${rel(resourcePath)}: a resource document must be a Kubernetes object`);
        objects.push(doc);
      }
    }
  }

  for (const generator of k.configMapGenerator ?? []) {
    const data: Record<string, string> = {};
    for (const spec of generator.files) {
      const [key, file] = spec.includes('=') ? spec.split('=', 2) : [basename(spec), spec];
      const filePath = resolve(dir, file!);
      files.push(filePath);
      data[key!] = await readFile(filePath, 'utf8');
    }
    const behavior = generator.behavior ?? 'create';
    const existing = objects.find((o) => typeKey(o) === 'v1/ConfigMap' && nameOf(o) === generator.name);
    if (behavior === 'create') {
      if (existing) throw new Error(`${rel(path)}: ConfigMap ${generator.name} already exists`);
      objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: generator.name }, data });
    } else {
      if (!existing)
        throw new Error(`${rel(path)}: ${behavior} of ConfigMap ${generator.name}, which no resource has`);
      const before = isObject(existing.data) ? existing.data : {};
      existing.data = behavior === 'replace' ? data : { ...before, ...data };
    }
  }

  let patched = objects;
  for (const patch of k.patches ?? []) {
    const patchPath = resolve(dir, patch.path);
    files.push(patchPath);
    const docs = parseYaml(await readFile(patchPath, 'utf8'), rel(patchPath));
    const [doc] = docs;
    if (docs.length !== 1) throw new Error(`${rel(patchPath)}: a patch file holds exactly one document`);
    if (Array.isArray(doc)) {
      if (patch.target === undefined) throw new Error(`${rel(patchPath)}: an RFC 6902 patch needs a target`);
      const targets = patched.filter((o) => matchesTarget(o, patch.target!));
      if (targets.length === 0) throw new Error(`${rel(path)}: patch ${patch.path} matches no object`);
      for (const t of targets) applyJsonPatch(t, doc, rel(patchPath));
    } else if (isObject(doc) && doc.$patch === 'delete') {
      const key = typeKey(doc);
      const name = nameOf(doc);
      const kept = patched.filter((o) => !(typeKey(o) === key && nameOf(o) === name));
      if (kept.length === patched.length)
        throw new Error(`${rel(path)}: patch ${patch.path} deletes nothing`);
      patched = kept;
    } else {
      throw new Error(`${rel(patchPath)}: only RFC 6902 patches and "$patch: delete" are supported`);
    }
  }

  if (k.namespace !== undefined) {
    for (const o of patched) {
      if (isClusterScoped(o)) continue;
      const metadata = isObject(o.metadata) ? o.metadata : {};
      o.metadata = { ...metadata, namespace: k.namespace };
    }
  }

  const seen = new Set<string>();
  for (const o of patched) {
    const id = `${typeKey(o)} ${namespaceOf(o) ?? ''}/${nameOf(o)}`;
    if (seen.has(id)) throw new Error(`${rel(path)}: duplicate object ${id}`);
    seen.add(id);
  }
  return patched;
}

interface Kustomization {
  readonly namespace?: string;
  readonly resources: readonly string[];
  readonly patches?: readonly { readonly path: string; readonly target?: Target }[];
  readonly configMapGenerator?: readonly {
    readonly name: string;
    readonly behavior?: 'create' | 'replace' | 'merge';
    readonly files: readonly string[];
  }[];
}

interface Target {
  readonly group?: string;
  readonly version?: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

export function nameOf(object: JsonObject): string | undefined {
  const name = isObject(object.metadata) ? object.metadata.name : undefined;
  return typeof name === 'string' ? name : undefined;
}

function namespaceOf(object: JsonObject): string | undefined {
  const ns = isObject(object.metadata) ? object.metadata.namespace : undefined;
  return typeof ns === 'string' ? ns : undefined;
}

function matchesTarget(object: JsonObject, target: Target): boolean {
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
  return (
    object.kind === target.kind &&
    nameOf(object) === target.name &&
    (target.group === undefined || target.group === group) &&
    (target.version === undefined || target.version === version) &&
    (target.namespace === undefined || target.namespace === namespaceOf(object))
  );
}

// ---- RFC 6902 (add, remove, replace, test), in place ---------------------------------------------------

/** Applies `ops` to `document` in place; throws naming the failing operation. */
export function applyJsonPatch(document: JsonObject, ops: unknown, name = 'patch'): void {
  if (!Array.isArray(ops)) throw new Error(`${name}: an RFC 6902 patch is a list of operations`);
  ops.forEach((op, index) => {
    const where = `${name} operation ${index}`;
    if (!isObject(op) || typeof op.op !== 'string' || typeof op.path !== 'string')
      throw new Error(`${where}: needs "op" and "path"`);
    const tokens = parsePointer(op.path, where);
    const last = tokens.pop();
    if (last === undefined) throw new Error(`${where}: the whole document cannot be patched`);
    const parent = resolvePointer(document, tokens, `${where} (${op.path})`);
    const hasValue = 'value' in op;
    switch (op.op) {
      case 'add':
        if (!hasValue) throw new Error(`${where}: add needs a value`);
        if (Array.isArray(parent)) {
          const i = last === '-' ? parent.length : arrayIndex(last, parent.length + 1, where);
          parent.splice(i, 0, structuredClone(op.value));
        } else parent[last] = structuredClone(op.value);
        return;
      case 'remove':
      case 'replace': {
        if (Array.isArray(parent)) {
          const i = arrayIndex(last, parent.length, where);
          if (op.op === 'remove') parent.splice(i, 1);
          else if (!hasValue) throw new Error(`${where}: replace needs a value`);
          else parent[i] = structuredClone(op.value);
        } else {
          if (!(last in parent)) throw new Error(`${where}: ${op.path} does not exist`);
          if (op.op === 'remove') delete parent[last];
          else if (!hasValue) throw new Error(`${where}: replace needs a value`);
          else parent[last] = structuredClone(op.value);
        }
        return;
      }
      case 'test': {
        const actual = Array.isArray(parent) ? parent[arrayIndex(last, parent.length, where)] : parent[last];
        if (!isDeepStrictEqual(actual, op.value))
          throw new Error(
            `${where}: test failed at ${op.path}: ${JSON.stringify(actual)} ≠ ${JSON.stringify(op.value)}`,
          );
        return;
      }
      default:
        throw new Error(`${where}: unsupported op ${op.op}`);
    }
  });
}

function parsePointer(pointer: string, where: string): string[] {
  if (!pointer.startsWith('/')) throw new Error(`${where}: path must start with "/"`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function resolvePointer(document: JsonObject, tokens: string[], where: string): JsonObject | unknown[] {
  let node: unknown = document;
  for (const token of tokens) {
    if (Array.isArray(node)) node = node[arrayIndex(token, node.length, where)];
    else if (isObject(node) && token in node) node = node[token];
    else throw new Error(`${where}: no ${token}`);
  }
  if (!Array.isArray(node) && !isObject(node)) throw new Error(`${where}: parent is not a container`);
  return node;
}

function arrayIndex(token: string, limit: number, where: string): number {
  if (!/^(0|[1-9][0-9]*)$/.test(token) || Number(token) >= limit)
    throw new Error(`${where}: index ${token} out of range`);
  return Number(token);
}
