import { type Command, Option } from 'commander';
import type { LoadPolicyOptions } from '../../policy/load-policy.ts';
import { parseBool } from './bool-flags.ts';

/**
 * skopeo's `--policy FILE` and `--insecure-policy`, accepted on the command as well as (once the global
 * options land) before it. Hidden: skopeo documents them as global options.
 */
export function addPolicyOptions(cmd: Command): void {
  cmd
    .addOption(new Option('--policy <file>', 'containers signature policy (policy.json)').hideHelp())
    .addOption(
      new Option('--insecure-policy <bool>', 'accept any image, ignoring the signature policy')
        .argParser(parseBool)
        .hideHelp(),
    );
}

export function readPolicyOptions(opts: Record<string, unknown>, env: NodeJS.ProcessEnv): LoadPolicyOptions {
  return {
    policyPath: opts.policy as string | undefined,
    insecurePolicy: opts.insecurePolicy === true,
    env,
  };
}
