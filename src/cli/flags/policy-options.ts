import type { LoadPolicyOptions } from '../../policy/load-policy.ts';
import type { GlobalOptions } from '../global-options.ts';

/**
 * skopeo's `--policy FILE` and `--insecure-policy` are global options (before or after the command,
 * see global-options.ts); copy and sync hand them to the policy loader.
 */
export function readPolicyOptions(globals: GlobalOptions, env: NodeJS.ProcessEnv): LoadPolicyOptions {
  return { policyPath: globals.policyPath, insecurePolicy: globals.insecurePolicy, env };
}
