/**
 * The CI side: `ferry trigger --wait`, exactly as a pipeline runs it (secrets from files, never argv),
 * run in the config's directory so the command shown is short and is the command run. Its lines are
 * shown as they come; the last `promotion <id> <status>` line is the outcome (the format is made to be
 * grepped), and the exit code says whether it succeeded.
 */
import { basename, dirname } from 'node:path';
import type { DemoConfig } from './demo-config.ts';
import { runFerryCli } from './run-ferry-cli.ts';

export interface TriggerOutcome {
  /** ferry trigger's exit code: 0 only if the promotion succeeded. */
  readonly code: number;
  /** The promotion's id and last status, when the server accepted the request. */
  readonly promotion: { readonly id: string; readonly status: string } | undefined;
}

export interface TriggerInput {
  readonly server: string;
  readonly image: string;
  readonly tag: string;
  readonly config: DemoConfig;
  readonly say: (line: string) => void;
  readonly signal: AbortSignal;
}

export async function triggerPromotion(input: TriggerInput): Promise<TriggerOutcome> {
  const { config } = input;
  const args = [
    'trigger',
    '--server',
    input.server,
    '--image',
    input.image,
    '--tag',
    input.tag,
    '--from',
    'nonprod',
    '--wait',
    '--timeout',
    '2m',
    '--secret-file',
    basename(config.webhookSecretFile),
    '--token-file',
    basename(config.viewerTokenFile),
  ];
  input.say(`$ ferry ${args.join(' ')}`);
  const run = await runFerryCli(args, {
    cwd: dirname(config.webhookSecretFile),
    signal: input.signal,
    onLine: (line) => input.say(`  ${line}`),
  });
  // None when refused before a promotion existed: stderr said why.
  const last = [...run.stdout.matchAll(/^promotion (\S+) ([a-z_]+)\b/gm)].at(-1);
  return { code: run.code, promotion: last ? { id: last[1]!, status: last[2]! } : undefined };
}
