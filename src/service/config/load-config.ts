/**
 * Loads ferry.yaml: YAML → schema → cross-references → the files and variables it points at. Every
 * problem found on the way is collected and thrown as one ConfigError, each entry as
 * `file:line:col: key.path: message`, so an operator fixes the whole file in one go.
 *
 * The YAML is parsed with `parseDocument` (not `parse`) to keep node positions: schema problems come
 * back as key paths, and yaml-positions.ts maps those paths to the line and column of the key.
 * YAML 1.2 core schema: `yes`/`no`/`on` are strings, not booleans, so `verify: no` is a type error
 * instead of a silent `true`-looking string.
 */
import { readdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { type Document, LineCounter, parseDocument } from 'yaml';
import { locate } from '../../yaml/yaml-positions.ts';
import { AttestationKeyCache } from './attestation-key-cache.ts';
import { checkReferences } from './check-references.ts';
import { checkSources, type ReadDir } from './check-sources.ts';
import { ConfigError, type ConfigProblem } from './config-error.ts';
import { collectPieces, formatKeyPath, type KeyPath } from './config-pieces.ts';
import { externalSources } from './config-sources.ts';
import { describeIssue } from './describe-issue.ts';
import { describeReadError, type ReadFile, readSmallFile } from './read-small-file.ts';
import type { Env } from './resolve-secret.ts';
import { type ConfigSchemas, configSchemas, type FerryConfig } from './schema.ts';
import { allowedKeysAt, closestKey } from './schema-keys.ts';

/** Read when ferry.yaml sets no `server.databaseUrl`. */
export const DATABASE_URL_ENV = 'FERRY_DATABASE_URL';

/** YAML aliases expand on conversion; a small cap stops a "billion laughs" file from exhausting memory. */
const MAX_ALIAS_COUNT = 100;

export interface LoadConfigOptions {
  /** Environment for `env:` secret references and FERRY_DATABASE_URL (pass process.env in production). */
  readonly env: Env;
  /** Reads ferry.yaml and the files it references. Default: bounded reads from the file system. */
  readonly readFile?: ReadFile | undefined;
  /** Lists a directory (to check `certDir`). Default: fs.readdir. */
  readonly readDir?: ReadDir | undefined;
  /**
   * Check that referenced files are readable and `env:` variables set. Default true; false validates the
   * file alone (e.g. linting a config in CI, away from the cluster's mounts).
   */
  readonly checkSources?: boolean | undefined;
  /**
   * Decrypts and keeps the attestation keys checked at start; pass the engine's, so a server decrypts
   * each cosign key once. Default: a cache of this call's own.
   */
  readonly attestationKeys?: AttestationKeyCache | undefined;
}

export interface ParseConfigOptions extends LoadConfigOptions {
  /** How problems name the file (usually the path it was read from). */
  readonly file: string;
  /** Directory relative paths in the config resolve against. Default: the directory of `file`. */
  readonly baseDir?: string | undefined;
}

export interface LoadedConfig {
  readonly config: FerryConfig;
  /** Legal settings that weaken production (TLS off, inline secrets …); log them at start. */
  readonly warnings: readonly ConfigProblem[];
}

/** Reads and validates the config file at `path`; throws ConfigError listing every problem. */
export async function loadConfig(path: string, options: LoadConfigOptions): Promise<LoadedConfig> {
  const readFile = options.readFile ?? ((file: string) => readSmallFile(file));
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(await readFile(path));
  } catch (err) {
    const message =
      err instanceof TypeError ? 'is not valid UTF-8' : `cannot read config file: ${describeReadError(err)}`;
    throw new ConfigError([{ file: path, path: '', message }], { cause: err });
  }
  return parseConfig(text, { ...options, file: path });
}

/** Validates config text; `options.file` names it in problems and anchors relative paths. */
export async function parseConfig(text: string, options: ParseConfigOptions): Promise<LoadedConfig> {
  const lineCounter = new LineCounter();
  // prettyErrors would append the offending source line to messages, and that line may hold a secret.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: ConfigProblem[] = [];
  const at = (path: KeyPath, message: string, code?: string): ConfigProblem => {
    const position = locate(doc, lineCounter, path);
    return {
      file: options.file,
      path: formatKeyPath(path),
      message,
      line: position?.line,
      column: position?.column,
      ...(code === undefined ? {} : { code }),
    };
  };
  const atOffset = (offset: number, message: string): ConfigProblem => {
    const { line, col } = lineCounter.linePos(offset);
    return { file: options.file, path: '', message, line, column: col };
  };

  for (const error of doc.errors) problems.push(atOffset(error.pos[0], `YAML: ${error.message}`));
  // Warnings are unresolved tags (`!foo`, `!!js/function`): the value would silently become a string.
  for (const warning of doc.warnings) problems.push(atOffset(warning.pos[0], `YAML: ${warning.message}`));
  if (doc.errors.length > 0) throw new ConfigError(problems);

  const raw = toPlainData(doc, options.file);
  if (raw === null || raw === undefined) throw new ConfigError([at([], 'the file is empty')]);

  const baseDir = options.baseDir ?? dirname(resolve(options.file));
  const schemas = configSchemas({ baseDir });
  const parsed = schemas.config.safeParse(raw, { error: describeIssue });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(...issueProblems(issue, schemas, at));
  }

  const pieces = collectPieces(raw, schemas);
  const references = checkReferences(pieces);
  problems.push(...references.problems.map((p) => at(p.path, p.message)));
  if (options.checkSources !== false) {
    const sourceProblems = await checkSources(externalSources(pieces), {
      env: options.env,
      readFile: options.readFile ?? ((file) => readSmallFile(file)),
      readDir: options.readDir ?? defaultReadDir,
      attestationKeys: options.attestationKeys ?? new AttestationKeyCache(),
    });
    problems.push(...sourceProblems.map((p) => at(p.path, p.message, p.code)));
  }

  if (problems.length > 0 || !parsed.success) throw new ConfigError(sortByPosition(problems));
  return {
    config: withDatabaseUrlDefault(parsed.data, options.env),
    warnings: sortByPosition(references.warnings.map((p) => at(p.path, p.message))),
  };
}

function toPlainData(doc: Document, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    // yaml throws a ReferenceError for excessive or unresolvable aliases.
    const message = err instanceof Error ? err.message : 'cannot be converted';
    throw new ConfigError([{ file, path: '', message: `YAML: ${message}` }], { cause: err });
  }
}

/** One problem per zod issue; an unrecognized_keys issue becomes one per key, positioned at that key. */
function issueProblems(
  issue: {
    readonly code: string;
    readonly path: readonly PropertyKey[];
    readonly message: string;
    readonly keys?: readonly string[];
  },
  schemas: ConfigSchemas,
  at: (path: KeyPath, message: string) => ConfigProblem,
): ConfigProblem[] {
  const path = issue.path.map((segment) => (typeof segment === 'number' ? segment : String(segment)));
  if (issue.code !== 'unrecognized_keys' || issue.keys === undefined) return [at(path, issue.message)];
  const allowed = allowedKeysAt(schemas.config, path) ?? [];
  return issue.keys.map((key) => {
    const suggestion = closestKey(key, allowed);
    const hint =
      suggestion !== undefined
        ? `; did you mean "${suggestion}"?`
        : allowed.length > 0
          ? ` (allowed: ${allowed.join(', ')})`
          : '';
    return at([...path, key], `unknown key${hint}`);
  });
}

function withDatabaseUrlDefault(config: FerryConfig, env: Env): FerryConfig {
  if (config.server.databaseUrl !== undefined || !env[DATABASE_URL_ENV]) return config;
  return { ...config, server: { ...config.server, databaseUrl: { env: DATABASE_URL_ENV } } };
}

function sortByPosition(problems: readonly ConfigProblem[]): ConfigProblem[] {
  const key = (p: ConfigProblem): number =>
    p.line === undefined ? Number.MAX_SAFE_INTEGER : p.line * 100_000 + (p.column ?? 0);
  return problems
    .map((problem, order) => ({ problem, order }))
    .sort((a, b) => key(a.problem) - key(b.problem) || a.order - b.order)
    .map(({ problem }) => problem);
}

function defaultReadDir(path: string): Promise<readonly string[]> {
  return readdir(path);
}
