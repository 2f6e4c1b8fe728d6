/**
 * The `--src yaml` file of `ferry sync`: skopeo's sync format (skopeo-sync(1) "YAML file content"),
 * read strictly, plus ferry's extensions. Top-level keys are registries:
 *
 *   registry.example.com:
 *     images:                       # repository → tags or digests; empty/null = every tag
 *       busybox: []
 *       team-a/app: ["1.0", "sha256:…"]
 *     images-by-tag-regex:          # repository → regex (unanchored, as in skopeo)
 *       nginx: ^1\.2[0-9]\.
 *     images-by-semver:             # repository → Masterminds constraint
 *       alpine: ">= 3.18, < 4"
 *     credentials: { username: u, password: p }   # skopeo's inline form; ferry also takes password-file
 *     tls-verify: true
 *     cert-dir: /etc/ferry/certs
 *     platforms: [linux/amd64]      # ferry: copy only these platforms (changes digests)
 *     rename:                       # ferry: destination path templates, first match wins
 *       team-a/*: prod/team-a/*
 *
 * Problems are collected and reported together as `file:line:col: key: message` (SyncConfigError).
 * Unknown keys are errors: a misspelt `image:` silently copying nothing is the worst outcome of a sync.
 */
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { type PlatformSpec, parsePlatform } from '../oci/platform.ts';
import { DIGEST_ALGORITHM_RE, TAG_RE } from '../reference/grammar.ts';
import { tryParseReference } from '../reference/parse-reference.ts';
import { checkRepositoryPattern, wildcardsOf } from '../reference/repository-pattern.ts';
import { type KeyPath, locate } from '../yaml/yaml-positions.ts';
import { SyncConfigError, type SyncFileProblem } from './sync-config-error.ts';
import { checkTagRegex, semverRange } from './tag-filters.ts';

export interface RenameRule {
  readonly from: string;
  readonly to: string;
}

/** How one repository's tags are chosen. */
export type TagSelection =
  | { readonly kind: 'list'; readonly references: readonly string[] }
  | { readonly kind: 'all' }
  | { readonly kind: 'regex'; readonly pattern: string }
  | { readonly kind: 'semver'; readonly constraint: string };

export interface SyncRepository {
  readonly repository: string;
  readonly selection: TagSelection;
}

export interface SyncRegistry {
  readonly registry: string;
  readonly repositories: readonly SyncRepository[];
  readonly credentials?:
    | { readonly username: string; readonly password?: string; readonly passwordFile?: string }
    | undefined;
  readonly tlsVerify?: boolean | undefined;
  readonly certDir?: string | undefined;
  readonly platforms?: readonly PlatformSpec[] | undefined;
  readonly rename: readonly RenameRule[];
}

export interface SyncSpec {
  readonly registries: readonly SyncRegistry[];
}

const MAX_ALIAS_COUNT = 100;

const repositoryMap = <T extends z.ZodType>(value: T) => z.record(z.string(), value);

/** Keys a registry entry may have; anything else is reported (not stripped) before the schema runs. */
const REGISTRY_KEYS = new Set([
  'images',
  'images-by-tag-regex',
  'images-by-semver',
  'credentials',
  'tls-verify',
  'cert-dir',
  'platforms',
  'rename',
]);

const registrySchema = z.object({
  images: repositoryMap(z.array(z.string()).nullable()).optional(),
  'images-by-tag-regex': repositoryMap(z.string()).optional(),
  'images-by-semver': repositoryMap(z.string()).optional(),
  credentials: z
    .strictObject({
      username: z.string().min(1),
      password: z.string().optional(),
      'password-file': z.string().min(1).optional(),
    })
    .optional(),
  'tls-verify': z.boolean().optional(),
  'cert-dir': z.string().min(1).optional(),
  platforms: z.array(z.string()).optional(),
  rename: z.record(z.string(), z.string()).optional(),
});

const fileSchema = z.record(z.string(), registrySchema.nullable());

/** Parse sync YAML text; `file` names it in problems and anchors relative `cert-dir`/`password-file`. */
export function parseSyncFile(text: string, file: string): SyncSpec {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: SyncFileProblem[] = [];
  const at = (path: KeyPath, message: string) => {
    const position = locate(doc, lineCounter, path);
    problems.push({ key: path.join('.'), message, line: position?.line, column: position?.column });
  };
  for (const error of doc.errors) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    // The YAML library's own wording, minus the source excerpt (it may show a password).
    problems.push({ key: '', message: error.message.split('\n')[0]!, line, column: col });
  }
  if (problems.length > 0) throw new SyncConfigError(file, problems);
  if (!isMap(doc.contents)) {
    throw new SyncConfigError(file, [
      { key: '', message: 'expected a mapping of registries (e.g. "registry.example.com:")' },
    ]);
  }
  for (const item of doc.contents.items) {
    if (!isScalar(item.key) || typeof item.key.value !== 'string') at([], 'registry keys must be strings');
  }
  const json: unknown = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  // Unknown keys first, without failing: the rest of the file is still checked, so one run lists all.
  for (const [registry, entry] of Object.entries(json as Record<string, unknown>)) {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) continue;
    for (const key of Object.keys(entry)) if (!REGISTRY_KEYS.has(key)) at([registry, key], 'unknown key');
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      // Point at the unknown key itself, not at the mapping that holds it.
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) at([...(issue.path as KeyPath), key], 'unknown key');
      } else at(issue.path as KeyPath, describe(issue, valueAt(json, issue.path as KeyPath)));
    }
    throw new SyncConfigError(file, problems);
  }

  const registries: SyncRegistry[] = [];
  for (const [registry, entry] of Object.entries(parsed.data)) {
    const hostProbe = tryParseReference(`${registry}/x`);
    if (!hostProbe.ok || registry.includes('/')) {
      at([registry], 'not a registry host[:port]');
      continue;
    }
    if (entry === null) {
      at([registry], 'lists no images (add "images:", "images-by-tag-regex:" or "images-by-semver:")');
      continue;
    }
    const repositories: SyncRepository[] = [];
    const checkRepo = (key: string, repo: string): boolean => {
      const probe = tryParseReference(`${registry}/${repo}`);
      if (!probe.ok || probe.ref.tag !== undefined || probe.ref.digest !== undefined) {
        at([registry, key, repo], `"${repo}" is not a repository name`);
        return false;
      }
      return true;
    };
    for (const [repo, refs] of Object.entries(entry.images ?? {})) {
      if (!checkRepo('images', repo)) continue;
      const bad = (refs ?? []).findIndex((r) => !isTagOrDigest(r));
      if (bad !== -1) {
        at([registry, 'images', repo, bad], 'not a tag or a digest (sha256:…)');
        continue;
      }
      repositories.push({
        repository: repo,
        selection: refs?.length ? { kind: 'list', references: refs } : { kind: 'all' },
      });
    }
    for (const [repo, pattern] of Object.entries(entry['images-by-tag-regex'] ?? {})) {
      if (!checkRepo('images-by-tag-regex', repo)) continue;
      const reason = checkTagRegex(pattern);
      if (reason) at([registry, 'images-by-tag-regex', repo], reason);
      else repositories.push({ repository: repo, selection: { kind: 'regex', pattern } });
    }
    for (const [repo, constraint] of Object.entries(entry['images-by-semver'] ?? {})) {
      if (!checkRepo('images-by-semver', repo)) continue;
      if (semverRange(constraint) === undefined)
        at([registry, 'images-by-semver', repo], 'not a semver constraint (e.g. ">= 1.2.0, < 2")');
      else repositories.push({ repository: repo, selection: { kind: 'semver', constraint } });
    }
    if (repositories.length === 0 && problems.length === 0) {
      at([registry], 'lists no images (add "images:", "images-by-tag-regex:" or "images-by-semver:")');
    }
    const credentials = entry.credentials;
    if (
      credentials &&
      (credentials.password === undefined) === (credentials['password-file'] === undefined)
    ) {
      at([registry, 'credentials'], 'give exactly one of "password" and "password-file"');
    }
    const platforms: PlatformSpec[] = [];
    (entry.platforms ?? []).forEach((value, i) => {
      try {
        platforms.push(parsePlatform(value));
      } catch {
        at([registry, 'platforms', i], 'expected os/arch[/variant], e.g. linux/arm64');
      }
    });
    const rename: RenameRule[] = [];
    for (const [from, to] of Object.entries(entry.rename ?? {})) {
      const reason =
        checkRepositoryPattern(from) ??
        checkRepositoryPattern(to) ??
        (wildcardsOf(from).join() !== wildcardsOf(to).join()
          ? 'the destination must use the same wildcards in the same order as the source pattern'
          : undefined);
      if (reason) at([registry, 'rename', from], reason);
      else rename.push({ from, to });
    }
    registries.push({
      registry: hostProbe.ref.registry,
      repositories,
      credentials: credentials && {
        username: credentials.username,
        ...(credentials.password === undefined ? {} : { password: credentials.password }),
        ...(credentials['password-file'] === undefined ? {} : { passwordFile: credentials['password-file'] }),
      },
      tlsVerify: entry['tls-verify'],
      certDir: entry['cert-dir'],
      platforms: platforms.length > 0 ? platforms : undefined,
      rename,
    });
  }
  if (problems.length > 0) throw new SyncConfigError(file, problems);
  if (registries.length === 0) {
    throw new SyncConfigError(file, [{ key: '', message: 'lists no registries' }]);
  }
  return { registries };
}

function isTagOrDigest(value: string): boolean {
  if (TAG_RE.test(value)) return true;
  const colon = value.indexOf(':');
  return (
    colon > 0 &&
    DIGEST_ALGORITHM_RE.test(value.slice(0, colon)) &&
    /^[a-f0-9]{32,}$/.test(value.slice(colon + 1))
  );
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  record: 'a mapping',
  object: 'a mapping',
  array: 'a list',
  boolean: 'true or false',
  string: 'a string',
};

function valueAt(root: unknown, path: KeyPath): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

/** Operator wording; never the value (it may be a password typed under the wrong key). */
function describe(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return 'required key is missing';
      return `expected ${TYPE_WORDS[issue.expected] ?? issue.expected}`;
    case 'too_small':
      return 'must not be empty';
    default:
      return issue.message;
  }
}
