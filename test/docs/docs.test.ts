/**
 * Checks that keep docs/ honest against the code:
 *
 *   1. every key path of the ferry.yaml schema appears in docs/configuration.md, and every key path the
 *      page mentions exists in the schema; every `ferry serve` flag is documented there;
 *   2. every relative link in docs/*.md points to an existing file (and heading, for `#anchors`);
 *   3. every `ferry …` command line in a ```sh block parses with ferry's real command tree (and, for
 *      `ferry trigger`, passes its flag validation), so examples cannot drift from the CLI;
 *   4. every Prometheus metric name in docs/operations.md is one ferry exports, and every ferry_* metric
 *      is documented;
 *   5. every ```yaml block that is a whole ferry.yaml (it has a top-level `promotions:`) is a valid config.
 */
import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { CliIo } from '../../src/cli/io.ts';
import { buildProgram, COMMAND_NAMES, parseCommandLine } from '../../src/cli/program.ts';
import { parseTriggerFlags, type TriggerFlags } from '../../src/cli/trigger/trigger-flags.ts';
import { parseConfig } from '../../src/service/config/load-config.ts';
import { configSchemas } from '../../src/service/config/schema.ts';
import { allowedKeysAt } from '../../src/service/config/schema-keys.ts';
import { createMetrics } from '../../src/service/http/metrics.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCS = join(ROOT, 'docs');

async function docFiles(): Promise<string[]> {
  return (await readdir(DOCS)).filter((name) => name.endsWith('.md')).sort();
}

async function readDoc(name: string): Promise<string> {
  return readFile(join(DOCS, name), 'utf8');
}

interface Fence {
  readonly lang: string;
  readonly body: string;
  /** 1-based line of the opening fence, for messages. */
  readonly line: number;
}

function fences(markdown: string): Fence[] {
  const out: Fence[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\S*)\s*$/.exec(lines[i]!);
    if (open === null) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    out.push({ lang: open[2]!, body: body.join('\n'), line: start + 1 });
  }
  return out;
}

/** Markdown with fenced blocks blanked out (links and headings inside code are not links). */
function prose(markdown: string): string {
  return markdown.replace(/^\s*```[\s\S]*?^\s*```\s*$/gm, '');
}

// ---------------------------------------------------------------------------------------------------
// 1. Configuration keys

/** Keys of a secret reference: such objects are documented once, not under every key that takes one. */
const SECRET_REF_KEYS = 'file,env,value';

/**
 * Every key path of the schema, rendered as the docs write them: `server.listen`,
 * `environments.<name>.tls.verify`, `promotions[].approvals.required`. Walks the schema with
 * allowedKeysAt; a map (z.record) accepts a string segment, a list only a number, which tells them apart.
 */
function schemaKeyPaths(): string[] {
  const { config } = configSchemas({ baseDir: '/' });
  const keysAt = (path: readonly (string | number)[]) => allowedKeysAt(config, path);
  const out: string[] = [];
  const walk = (path: readonly (string | number)[], rendered: string): void => {
    for (const key of keysAt(path) ?? []) {
      const childPath = [...path, key];
      const child = rendered === '' ? key : `${rendered}.${key}`;
      out.push(child);
      const objectKeys = keysAt(childPath);
      if (objectKeys !== undefined) {
        if (objectKeys.join(',') !== SECRET_REF_KEYS) walk(childPath, child);
        continue;
      }
      if (keysAt([...childPath, '<name>']) !== undefined) {
        out.push(`${child}.<name>`);
        walk([...childPath, '<name>'], `${child}.<name>`);
        continue;
      }
      const elementKeys = keysAt([...childPath, 0]);
      if (elementKeys !== undefined && elementKeys.join(',') !== SECRET_REF_KEYS) {
        walk([...childPath, 0], `${child}[]`);
      }
    }
  };
  walk([], '');
  return out;
}

test('the schema walk finds the keys it should (guards the walk itself)', () => {
  const paths = schemaKeyPaths();
  for (const expected of [
    'version',
    'server.databaseUrl',
    'environments.<name>.tls.certDir',
    'environments.<name>.credentials.tokenFile',
    'promotions[].approvals.allowSelfApproval',
    'triggers.harbor.authorization',
    'notify[].events',
    'apiTokens[].sha256',
  ]) {
    assert.ok(paths.includes(expected), `schema walk misses ${expected}: ${paths.join(', ')}`);
  }
  assert.ok(!paths.some((p) => p.endsWith('.file')), 'secret references must not be expanded');
});

test('docs/configuration.md documents every configuration key, and only real ones', async () => {
  const doc = await readDoc('configuration.md');
  const paths = schemaKeyPaths();
  const missing = paths.filter((path) => !doc.includes(`\`${path}\``));
  assert.deepEqual(missing, [], 'keys missing from docs/configuration.md (write them as `key.path`)');
  for (const key of SECRET_REF_KEYS.split(',')) {
    assert.ok(doc.includes(`| \`${key}\` |`), `secret reference key ${key} is not in the table`);
  }
  const known = new Set(paths);
  const topLevel = (allowedKeysAt(configSchemas({ baseDir: '/' }).config, []) ?? []).join('|');
  const mentioned = new RegExp(`\`((?:${topLevel})(?:\\.|\\[\\])[^\`\\s]*)\``, 'g');
  const unknown = [...doc.matchAll(mentioned)].map((m) => m[1]!).filter((path) => !known.has(path));
  assert.deepEqual(unknown, [], 'docs/configuration.md names key paths the schema does not have');
});

function silentIo(): CliIo {
  const sink = { write: () => true };
  return { stdout: sink, stderr: sink, stdin: process.stdin, env: {} } as unknown as CliIo;
}

test('docs/configuration.md documents every flag of ferry serve', async () => {
  const doc = await readDoc('configuration.md');
  const program = await buildProgram(silentIo(), { exitCode: 0 });
  const serve = program.commands.find((c: Command) => c.name() === 'serve');
  assert.ok(serve, 'ferry has no serve command');
  const flags = serve.options.map((o) => o.long).filter((f): f is string => f !== undefined);
  assert.ok(flags.length >= 4);
  const missing = flags.filter((flag) => !doc.includes(`\`${flag}`) && !doc.includes(`, ${flag} `));
  assert.deepEqual(missing, [], 'ferry serve flags missing from docs/configuration.md');
});

// ---------------------------------------------------------------------------------------------------
// 2. Links

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const m of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = m[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    anchors.add(slug);
  }
  return anchors;
}

test('every relative link in docs/*.md points to an existing file and heading', async () => {
  const problems: string[] = [];
  let checked = 0;
  for (const name of await docFiles()) {
    const text = await readDoc(name);
    for (const m of prose(text).matchAll(/\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = m[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
      checked++;
      const [file, fragment] = target.split('#', 2) as [string, string | undefined];
      const path = file === '' ? join(DOCS, name) : resolve(DOCS, file);
      try {
        await stat(path);
      } catch {
        problems.push(`${name}: ${target}: no such file`);
        continue;
      }
      if (fragment !== undefined && path.endsWith('.md')) {
        const anchors = anchorsOf(await readFile(path, 'utf8'));
        if (!anchors.has(fragment)) problems.push(`${name}: ${target}: no heading #${fragment}`);
      }
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(checked >= 10, `only ${checked} relative links found; is the link pattern broken?`);
});

// ---------------------------------------------------------------------------------------------------
// 3. Command lines

/** What `$VAR`, `${VAR}` and `$(…)` become: valid as a tag, a git commit, a label value and a path. */
const PLACEHOLDER = 'a1b2c3d4';

/**
 * Shell words of one logical line, enough of sh for documentation: quotes, backslash escapes,
 * parameter and command substitution (→ PLACEHOLDER), comments, and the operators that separate commands
 * (returned as their own words).
 */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  const push = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  const substitution = (at: number): number => {
    // Returns the index after `$…` starting at `at` (which holds `$`).
    const next = line[at + 1];
    if (next === '(') {
      let depth = 0;
      for (let j = at + 1; j < line.length; j++) {
        if (line[j] === '(') depth++;
        else if (line[j] === ')' && --depth === 0) return j + 1;
      }
      return line.length;
    }
    if (next === '{') return line.indexOf('}', at) + 1 || line.length;
    const m = /^[A-Za-z_][A-Za-z0-9_]*|^[0-9?#@*$!-]/.exec(line.slice(at + 1));
    return m === null ? at + 1 : at + 1 + m[0].length;
  };
  for (let i = 0; i < line.length; ) {
    const c = line[i]!;
    if (/\s/.test(c)) {
      push();
      i++;
    } else if (c === '#' && word === undefined) {
      break;
    } else if (word === undefined && /[;&|]/.test(c)) {
      const op = /^(&&|\|\||;|\||&)/.exec(line.slice(i))![0];
      words.push(op);
      i += op.length;
    } else if (word === undefined && /[<>]/.test(c)) {
      // A redirection: its own word, so that ferryCommands can drop it with its target.
      const op = /^(>>|>|<)/.exec(line.slice(i))![0];
      words.push(op);
      i += op.length;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      word = (word ?? '') + line.slice(i + 1, end === -1 ? undefined : end);
      i = end === -1 ? line.length : end + 1;
    } else if (c === '"') {
      word ??= '';
      for (i++; i < line.length && line[i] !== '"'; ) {
        if (line[i] === '\\' && i + 1 < line.length) {
          word += line[i + 1];
          i += 2;
        } else if (line[i] === '$') {
          const end = substitution(i);
          word += end === i + 1 ? '$' : PLACEHOLDER;
          i = end;
        } else {
          word += line[i];
          i++;
        }
      }
      i++;
    } else if (c === '\\' && i + 1 < line.length) {
      word = (word ?? '') + line[i + 1];
      i += 2;
    } else if (c === '$') {
      const end = substitution(i);
      word = (word ?? '') + (end === i + 1 ? '$' : PLACEHOLDER);
      i = end;
    } else {
      word = (word ?? '') + c;
      i++;
    }
  }
  push();
  return words;
}

/** Logical lines of a shell block: continuations joined, here-document bodies skipped. */
function shellLines(block: string): string[] {
  const out: string[] = [];
  const physical = block.replace(/\\\n/g, ' ').split('\n');
  for (let i = 0; i < physical.length; i++) {
    const line = physical[i]!;
    out.push(line);
    const heredoc = /<<-?\s*(['"]?)([A-Za-z_]+)\1/.exec(line);
    if (heredoc !== null) {
      while (i + 1 < physical.length && physical[i + 1]!.trim() !== heredoc[2]) i++;
      i++;
    }
  }
  return out;
}

/** The argument lists of every `ferry …` (or `…/ferry …`) command in a shell block. */
function ferryCommands(block: string): string[][] {
  const commands: string[][] = [];
  for (const line of shellLines(block)) {
    let segment: string[] = [];
    const flush = () => {
      const words = [...segment];
      while (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!)) words.shift();
      if (words.length > 0 && /(^|\/)ferry$/.test(words[0]!)) commands.push(words.slice(1));
      segment = [];
    };
    let redirect = false;
    for (const word of shellWords(line)) {
      if (redirect) redirect = false;
      else if (['>', '>>', '<'].includes(word)) redirect = true;
      else if (['&&', '||', ';', '|', '&'].includes(word)) flush();
      else segment.push(word);
    }
    flush();
  }
  return commands;
}

test('the shell-word splitter handles what the docs use', () => {
  assert.deepEqual(
    ferryCommands(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax under test, not a template
      'FERRY_TOKEN=x bin/ferry trigger --tag "$GIT_COMMIT" \\\n  --label ci.url=${BUILD_URL} # note\n' +
        "cat > f <<'EOF'\nferry not-a-command\nEOF\necho ok && ferry digest 'docker://r.example/a:b'\n" +
        "ferry bootstrap kubernetes --role source > out.yaml\nferry digest 'docker://r.example/a:>b' >>log",
    ),
    [
      ['trigger', '--tag', PLACEHOLDER, '--label', `ci.url=${PLACEHOLDER}`],
      ['digest', 'docker://r.example/a:b'],
      ['bootstrap', 'kubernetes', '--role', 'source'],
      ['digest', 'docker://r.example/a:>b'],
    ],
  );
});

/**
 * `ferry --version` and `ferry [command] --help` print instead of parsing to an action: false when argv
 * is neither, else undefined when the command exists, or the problem.
 */
function infoProblem(argv: readonly string[]): string | undefined | false {
  if (argv.length === 1 && ['--version', '-v'].includes(argv[0]!)) return undefined;
  if (!argv.includes('--help') && !argv.includes('-h')) return false;
  const command = argv.find((word) => !word.startsWith('-'));
  if (command === undefined) return undefined;
  return COMMAND_NAMES.includes(command)
    ? undefined
    : `ferry has no command "${command}" (write it in a text block until it exists)`;
}

/** Value checks the parser leaves to the command's action, run here without running the action. */
function checkValues(command: readonly string[], args: readonly string[], options: Record<string, unknown>) {
  if (command[0] === 'trigger') {
    // trigger accepts unknown options into args (to refuse them without echoing a secret).
    assert.deepEqual(args, [], 'unexpected arguments or unknown options');
    parseTriggerFlags(options as unknown as TriggerFlags, {});
  }
  if (command[0] === 'serve' && options['grace'] !== undefined) {
    const grace = Number(options['grace']);
    assert.ok(Number.isFinite(grace) && grace >= 0, '--grace must be a number of seconds');
  }
}

test('every ferry command line in ```sh blocks parses with the real CLI', async () => {
  const problems: string[] = [];
  let checked = 0;
  for (const name of await docFiles()) {
    for (const fence of fences(await readDoc(name))) {
      if (!['sh', 'bash', 'shell'].includes(fence.lang)) continue;
      for (const argv of ferryCommands(fence.body)) {
        checked++;
        const where = `${name}:${fence.line}: ferry ${argv.join(' ')}`;
        const info = infoProblem(argv);
        if (info !== false) {
          if (info !== undefined) problems.push(`${where}\n    ${info}`);
          continue;
        }
        const parsed = await parseCommandLine(argv);
        if (!parsed.ok) {
          problems.push(`${where}\n    ${parsed.error}`);
          continue;
        }
        try {
          checkValues(parsed.command, parsed.args, { ...parsed.options });
        } catch (err) {
          problems.push(`${where}\n    ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(checked >= 10, `only ${checked} ferry command lines found in sh blocks`);
});

// ---------------------------------------------------------------------------------------------------
// 4. Metrics

/** Names shaped like metrics that the page uses for something else, and the source that defines each. */
const NOT_METRICS: Readonly<Record<string, { file: string; text: string }>> = {
  // pg-boss's schema (the job queue's tables).
  ferry_jobs: { file: 'src/service/queue/pg-boss-job-queue.ts', text: "options.schema ?? 'ferry_jobs'" },
};

test('docs/operations.md names only metrics ferry exports, and every ferry_* metric', async () => {
  for (const [name, { file, text }] of Object.entries(NOT_METRICS)) {
    assert.ok((await readFile(join(ROOT, file), 'utf8')).includes(text), `${name} is no longer ${file}'s`);
  }
  const metrics = createMetrics({ processMetrics: true, queueDepth: () => 0 });
  const exported = await metrics.registry.getMetricsAsJSON();
  metrics.registry.clear();
  const names = new Set(exported.map((m) => m.name));
  const histograms = new Set(exported.filter((m) => String(m.type) === 'histogram').map((m) => m.name));
  const exists = (name: string) =>
    names.has(name) ||
    ['_bucket', '_sum', '_count'].some(
      (suffix) => name.endsWith(suffix) && histograms.has(name.slice(0, -suffix.length)),
    );

  const doc = await readDoc('operations.md');
  const mentioned = new Set([...doc.matchAll(/\b(?:ferry|process|nodejs)_[a-z0-9_]+\b/g)].map((m) => m[0]));
  assert.ok(mentioned.size >= 5, 'operations.md mentions hardly any metrics');
  const invented = [...mentioned].filter((name) => !exists(name) && !Object.hasOwn(NOT_METRICS, name));
  assert.deepEqual(invented, [], 'metric names in docs/operations.md that ferry does not export');
  const undocumented = [...names].filter((name) => name.startsWith('ferry_') && !mentioned.has(name));
  assert.deepEqual(undocumented, [], 'ferry metrics missing from docs/operations.md');
});

// ---------------------------------------------------------------------------------------------------
// 5. Example configurations

test('every complete ferry.yaml example in docs is a valid configuration', async () => {
  const problems: string[] = [];
  let checked = 0;
  for (const name of await docFiles()) {
    for (const fence of fences(await readDoc(name))) {
      if (!['yaml', 'yml'].includes(fence.lang) || !/^promotions:/m.test(fence.body)) continue;
      checked++;
      try {
        await parseConfig(fence.body, {
          file: `docs/${name}:${fence.line}`,
          baseDir: dirname(join(DOCS, name)),
          env: {},
          checkSources: false,
        });
      } catch (err) {
        problems.push(err instanceof Error ? err.message : String(err));
      }
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(checked >= 2, `only ${checked} complete ferry.yaml examples found`);
});
