/**
 * The shell scripts of each CI example, with the variables the example defines for them, so the
 * `ferry …` lines inside can be expanded and checked. Each CI system's own textual substitution
 * (GitHub `${{ … }}`, Tekton `$(params.…)`) is done here; the shell's is shell-commands.ts's.
 */
import { isObject, type JsonObject } from './repo-files.ts';

export interface CiScript {
  /** Where the script is, for messages. */
  readonly where: string;
  readonly script: string;
  /** Variables the shell sees (defined by the example or by the CI system, placeholders for the latter). */
  readonly vars: Record<string, string>;
  /** Variables that hold secrets: they may reach ferry only through its environment, never argv. */
  readonly secretVars: string[];
  /** Problems found while extracting (a secret expression in a script, an unknown expression). */
  readonly problems: string[];
}

/** A full git commit, as CI systems provide it. */
export const PLACEHOLDER_SHA = 'f00dfacef00dfacef00dfacef00dfacef00dface';

// ---- Jenkins (declarative pipeline) ------------------------------------------------------------------

const JENKINS_BUILTINS: Record<string, string> = {
  GIT_COMMIT: PLACEHOLDER_SHA,
  BUILD_URL: 'https://jenkins.example.com/job/team-a-app/42/',
  BRANCH_NAME: 'main',
};

/** `sh` steps of a Jenkinsfile; `quote` tells whether Groovy interpolates the string. */
export function jenkinsScripts(
  jenkinsfile: string,
  name: string,
  extraVars: Record<string, string> = {},
): (CiScript & { quote: string })[] {
  const vars: Record<string, string> = { ...JENKINS_BUILTINS, ...extraVars };
  const environment = /environment\s*\{([\s\S]*?)\n\s*\}/.exec(jenkinsfile);
  for (const m of environment?.[1]?.matchAll(/^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*'([^']*)'/gm) ?? [])
    vars[m[1]!] = m[2]!;
  const secretVars = [...jenkinsfile.matchAll(/variable:\s*'([A-Za-z_][A-Za-z0-9_]*)'/g)].map((m) => m[1]!);
  for (const secret of secretVars) vars[secret] = 'secret-from-jenkins-credentials';
  const out: (CiScript & { quote: string })[] = [];
  for (const m of jenkinsfile.matchAll(/\bsh\s*\(?\s*('''|"""|'|")([\s\S]*?)\1/g)) {
    const line = jenkinsfile.slice(0, m.index).split('\n').length;
    out.push({ where: `${name}:${line}`, script: m[2]!, vars, secretVars, problems: [], quote: m[1]! });
  }
  return out;
}

/** The text between the `{` after `start` and its matching `}` (braces in strings and comments ignored). */
export function blockAfter(text: string, start: number): string | undefined {
  const open = text.indexOf('{', start);
  if (open === -1) return undefined;
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end;
    } else if (c === "'" || c === '"') {
      const quote = text.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      const end = text.indexOf(quote, i + quote.length);
      if (end === -1) return undefined;
      i = end + quote.length - 1;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return text.slice(open + 1, i);
  }
  return undefined;
}

// ---- GitHub Actions ------------------------------------------------------------------------------------

const GITHUB_CONTEXT: Record<string, string> = {
  'github.sha': PLACEHOLDER_SHA,
  'github.ref': 'refs/heads/main',
  'github.repository': 'team-a/app',
  'github.server_url': 'https://github.com',
  'github.run_id': '4242',
};
const GITHUB_DEFAULT_ENV: Record<string, string> = {
  GITHUB_SHA: PLACEHOLDER_SHA,
  GITHUB_REF: 'refs/heads/main',
  GITHUB_REPOSITORY: 'team-a/app',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_RUN_ID: '4242',
};

function stringMap(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}

/** `run` scripts of every job's steps, `${{ … }}` expanded the way GitHub does before the shell runs. */
export function githubScripts(workflow: JsonObject, name: string): CiScript[] {
  const out: CiScript[] = [];
  const jobs = isObject(workflow.jobs) ? workflow.jobs : {};
  for (const [jobName, job] of Object.entries(jobs)) {
    if (!isObject(job) || !Array.isArray(job.steps)) continue;
    job.steps.forEach((step: unknown, index) => {
      if (!isObject(step) || typeof step.run !== 'string') return;
      const problems: string[] = [];
      const env = { ...stringMap(workflow.env), ...stringMap(job.env), ...stringMap(step.env) };
      const expand = (text: string, allowSecrets: boolean): string =>
        text.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, expr: string) => {
          if (expr.startsWith('secrets.')) {
            if (!allowSecrets) problems.push(`\${{ ${expr} }} pasted into a script (use env:)`);
            return 'secret-from-github';
          }
          if (expr.startsWith('env.')) return env[expr.slice(4)] ?? `<undefined ${expr}>`;
          const value = GITHUB_CONTEXT[expr];
          if (value === undefined) problems.push(`unknown expression \${{ ${expr} }}`);
          return value ?? '';
        });
      const vars: Record<string, string> = { ...GITHUB_DEFAULT_ENV };
      const secretVars: string[] = [];
      for (const [key, value] of Object.entries(env)) {
        vars[key] = expand(value, true);
        if (/\$\{\{\s*secrets\./.test(value)) secretVars.push(key);
      }
      out.push({
        where: `${name} jobs.${jobName}.steps[${index}]`,
        script: expand(step.run, false),
        vars,
        secretVars,
        problems,
      });
    });
  }
  return out;
}

// ---- Tekton --------------------------------------------------------------------------------------------

interface TektonParam {
  name: string;
  default?: unknown;
}
interface TektonStep {
  name: string;
  script?: string;
  env?: { name: string; value?: string; valueFrom?: unknown }[];
}

/**
 * Step scripts of each Task. A step's env may take `$(params.x)`: its value is the param's default, or
 * the literal a Pipeline in the same file passes, or a commit-like placeholder (what the Pipeline's own
 * params carry here).
 */
export function tektonScripts(docs: JsonObject[], name: string): CiScript[] {
  const out: CiScript[] = [];
  const pipelines = docs.filter((d) => d.kind === 'Pipeline');
  for (const task of docs.filter((d) => d.kind === 'Task')) {
    const taskName = isObject(task.metadata) ? String(task.metadata.name) : '?';
    const spec = task.spec as { params?: TektonParam[]; steps: TektonStep[] };
    const passed = (param: string): string | undefined => {
      for (const pipeline of pipelines) {
        const tasks = (
          pipeline.spec as {
            tasks: { taskRef: { name: string }; params?: { name: string; value: unknown }[] }[];
          }
        ).tasks;
        for (const t of tasks.filter((t) => t.taskRef.name === taskName)) {
          const value = t.params?.find((p) => p.name === param)?.value;
          if (typeof value === 'string') return value.includes('$(') ? PLACEHOLDER_SHA : value;
        }
      }
      return undefined;
    };
    const paramValue = (param: string): string | undefined => {
      const declared = spec.params?.find((p) => p.name === param);
      if (declared === undefined) return undefined;
      return passed(param) ?? (declared.default === undefined ? undefined : String(declared.default));
    };
    for (const step of spec.steps) {
      if (step.script === undefined) continue;
      const problems: string[] = [];
      if (/\$\(params\./.test(step.script))
        problems.push('$(params.…) pasted into the script (pass it through env)');
      const vars: Record<string, string> = {};
      const secretVars: string[] = [];
      for (const variable of step.env ?? []) {
        if (variable.valueFrom !== undefined) {
          vars[variable.name] = 'secret-from-kubernetes';
          secretVars.push(variable.name);
          continue;
        }
        vars[variable.name] = (variable.value ?? '').replace(
          /\$\(params\.([A-Za-z0-9_-]+)\)/g,
          (_, p: string) => {
            const value = paramValue(p);
            if (value === undefined)
              problems.push(`$(params.${p}) is neither declared with a default nor passed`);
            return value ?? '';
          },
        );
      }
      out.push({
        where: `${name} Task ${taskName} step ${step.name}`,
        script: step.script,
        vars,
        secretVars,
        problems,
      });
    }
  }
  return out;
}

// ---- Markdown ------------------------------------------------------------------------------------------

/** Fenced code blocks with their language. */
export function fencedBlocks(markdown: string): { lang: string; code: string; line: number }[] {
  return [...markdown.matchAll(/^```([a-z]*)\n([\s\S]*?)^```$/gm)].map((m) => ({
    lang: m[1]!,
    code: m[2]!,
    line: markdown.slice(0, m.index).split('\n').length,
  }));
}
