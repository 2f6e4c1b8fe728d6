/**
 * Reading deploy/Dockerfile, .dockerignore and package-lock.json the way docker and npm would, as far
 * as the tests need: instructions with continuations and stages, the ignore patterns' matching, and
 * the package set `npm ci --omit=dev` installs.
 */
import { isObject } from './repo-files.ts';

export interface Instruction {
  readonly keyword: string;
  /** The rest of the line, continuations joined. */
  readonly args: string;
  readonly line: number;
}

export interface Stage {
  readonly image: string;
  readonly name: string | undefined;
  readonly instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults (usable in FROM lines). */
  readonly globalArgs: Record<string, string>;
  readonly stages: Stage[];
}

export function parseDockerfile(text: string): Dockerfile {
  const instructions: Instruction[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const first = lines[n]!;
    if (/^\s*(#.*)?$/.test(first)) continue;
    const start = n;
    let joined = first;
    // A trailing backslash continues the instruction; comment lines inside it are skipped.
    while (/\\\s*$/.test(joined) && n + 1 < lines.length) {
      joined = joined.replace(/\\\s*$/, ' ');
      n++;
      if (!/^\s*#/.test(lines[n]!)) joined += lines[n]!;
    }
    const m = /^\s*([A-Za-z]+)\s*(.*)$/.exec(joined);
    if (m === null) throw new Error(`Dockerfile line ${start + 1}: not an instruction`);
    instructions.push({ keyword: m[1]!.toUpperCase(), args: m[2]!.trim(), line: start + 1 });
  }
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      if (m === null) throw new Error(`Dockerfile line ${ins.line}: cannot read FROM`);
      const image = m[1]!.replace(
        /\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g,
        (_, name: string) => globalArgs[name] ?? '',
      );
      stages.push({ image, name: m[2], instructions: [] });
    } else if (stages.length === 0) {
      if (ins.keyword !== 'ARG') throw new Error(`Dockerfile line ${ins.line}: only ARG may precede FROM`);
      const [name, value] = ins.args.split('=', 2);
      globalArgs[name!] = value ?? '';
    } else {
      stages.at(-1)!.instructions.push(ins);
    }
  }
  return { globalArgs, stages };
}

export interface CopyInstruction {
  readonly from: string | undefined;
  readonly sources: string[];
  readonly destination: string;
  readonly line: number;
}

/** COPY/ADD with their `--from` and sources (shell or JSON form); other flags dropped. */
export function copies(stage: Stage): CopyInstruction[] {
  return stage.instructions
    .filter((ins) => ins.keyword === 'COPY' || ins.keyword === 'ADD')
    .map((ins) => {
      let from: string | undefined;
      const words: string[] = [];
      const rest = ins.args.replace(/^((?:--\S+\s+)*)/, (flags: string) => {
        for (const flag of flags.trim().split(/\s+/)) {
          const m = /^--from=(\S+)$/.exec(flag);
          if (m !== null) from = m[1];
        }
        return '';
      });
      if (rest.startsWith('[')) words.push(...(JSON.parse(rest) as string[]));
      else words.push(...rest.split(/\s+/));
      const destination = words.pop();
      if (destination === undefined || words.length === 0)
        throw new Error(`Dockerfile line ${ins.line}: COPY needs a source and a destination`);
      return { from, sources: words, destination, line: ins.line };
    });
}

/** The exec-form (JSON array) arguments of ENTRYPOINT/CMD, or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  const value: unknown = JSON.parse(args);
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
}

// ---- .dockerignore -----------------------------------------------------------------------------------

/**
 * Whether `path` (relative to the context, `/`-separated) is left out of the build context: the last
 * matching pattern wins, `!` re-includes, `*` and `?` stay within a path segment, `**` spans segments,
 * and a pattern matching a directory leaves out everything below it.
 */
export function isIgnored(path: string, dockerignore: string): boolean {
  const patterns = dockerignore
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const segments = path.split('/');
  let ignored = false;
  for (const raw of patterns) {
    const negate = raw.startsWith('!');
    const pattern = (negate ? raw.slice(1) : raw).replace(/^\/+/, '').replace(/\/+$/, '');
    const re = globToRegExp(pattern);
    // The path itself or any of its parent directories.
    const matches = segments.some((_, i) => re.test(segments.slice(0, i + 1).join('/')));
    if (matches) ignored = !negate;
  }
  return ignored;
}

function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      // `**/` matches zero or more directories; a trailing `**` anything.
      if (pattern[i + 2] === '/') {
        re += '(?:.*/)?';
        i += 2;
      } else {
        re += '.*';
        i += 1;
      }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

// ---- package-lock.json -------------------------------------------------------------------------------

/**
 * Names of the packages `npm ci --omit=dev` installs from a lockfile (v2/v3 `packages`): every entry
 * except the root and those marked `dev: true` (only reachable from devDependencies). Optional
 * entries (`optional`, `devOptional`) are installed when their platform fits, so they count.
 */
export function productionPackages(lock: unknown): Set<string> {
  if (!isObject(lock) || !isObject(lock.packages)) throw new Error('package-lock.json without "packages"');
  const names = new Set<string>();
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || !isObject(entry) || entry.dev === true) continue;
    const name =
      typeof entry.name === 'string' ? entry.name : path.slice(path.lastIndexOf('node_modules/') + 13);
    names.add(name);
  }
  return names;
}

/** Packages that are optional peer dependencies of a production package: loaded only if installed. */
export function optionalPeers(lock: unknown, production: Set<string>): Set<string> {
  const peers = new Set<string>();
  if (!isObject(lock) || !isObject(lock.packages)) return peers;
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || !isObject(entry) || entry.dev === true) continue;
    const name = path.slice(path.lastIndexOf('node_modules/') + 13);
    if (!production.has(name) || !isObject(entry.peerDependenciesMeta)) continue;
    for (const [peer, meta] of Object.entries(entry.peerDependenciesMeta))
      if (isObject(meta) && meta.optional === true) peers.add(peer);
  }
  return peers;
}

/**
 * Production packages that declare `name` as a dependency (regular, optional or peer): why a package
 * that is also a devDependency of the project is installed in production anyway.
 */
export function requiredBy(lock: unknown, name: string): string[] {
  if (!isObject(lock) || !isObject(lock.packages)) return [];
  const out: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || !isObject(entry) || entry.dev === true) continue;
    const declared = [entry.dependencies, entry.optionalDependencies, entry.peerDependencies];
    if (declared.some((deps) => isObject(deps) && name in deps))
      out.push(path.slice(path.lastIndexOf('node_modules/') + 13));
  }
  return out;
}

/** The `external: [...]` package names of scripts/build.mjs. */
export function bundleExternals(buildScript: string): string[] {
  const m = /external:\s*\[([^\]]*)\]/.exec(buildScript);
  if (m === null) throw new Error('scripts/build.mjs has no external: [...] list');
  return [...m[1]!.matchAll(/['"]([^'"]+)['"]/g)].map((x) => x[1]!);
}
