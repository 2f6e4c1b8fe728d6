/**
 * Which policy a copy runs under, found as skopeo 1.9 finds it (cmd/skopeo/main.go getPolicyContext
 * and containers/image signature.DefaultPolicy):
 *
 * 1. `--insecure-policy`: accept anything, no file read;
 * 2. `--policy FILE`: that file;
 * 3. otherwise `$HOME/.config/containers/policy.json` when it exists, else `/etc/containers/policy.json`.
 *
 * A missing or invalid file is an error, never a silent fallback: containers/image says "DO NOT
 * hard-code fallback policies in your application", and a pipeline that believed it enforced
 * signatures must not quietly copy unsigned images.
 */
import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readBoundedFile } from '../auth/read-bounded-file.ts';
import { describeReadError } from './describe-read-error.ts';
import { parsePolicy } from './parse-policy.ts';
import { PolicyConfigError } from './policy-errors.ts';
import { ACCEPT_ANYTHING, type Policy } from './policy-types.ts';

/** containers/image systemDefaultPolicyPath (Linux builds). */
export const SYSTEM_POLICY_PATH = '/etc/containers/policy.json';

/** A policy of a few kilobytes is large; megabytes means the wrong file. */
const MAX_POLICY_BYTES = 4 * 1024 * 1024;

export interface LoadPolicyOptions {
  /** `--policy FILE`. */
  readonly policyPath?: string | undefined;
  /** `--insecure-policy`: accept anything (wins over policyPath, as in skopeo). */
  readonly insecurePolicy?: boolean | undefined;
  /** For `HOME`. */
  readonly env: NodeJS.ProcessEnv;
  /** Overrides SYSTEM_POLICY_PATH (tests). */
  readonly systemPolicyPath?: string | undefined;
}

export interface LoadedPolicy {
  readonly policy: Policy;
  /** The file it came from; undefined for --insecure-policy. */
  readonly file: string | undefined;
}

export async function loadPolicy(options: LoadPolicyOptions): Promise<LoadedPolicy> {
  if (options.insecurePolicy === true) return { policy: ACCEPT_ANYTHING, file: undefined };
  const explicit = options.policyPath !== undefined && options.policyPath !== '';
  const file = explicit ? options.policyPath! : await defaultPolicyPath(options);
  let text: string;
  try {
    const { bytes, tooLarge } = await readBoundedFile(file, MAX_POLICY_BYTES);
    if (tooLarge) throw Object.assign(new Error(`${file} is larger than 4 MiB`), { code: 'EFBIG' });
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (err) {
    const hint = explicit
      ? ''
      : ' (write one, or pass --policy FILE, or --insecure-policy to accept any image)';
    throw PolicyConfigError.unreadable(file, `${describeReadError(err)}${hint}`, { cause: err });
  }
  return { policy: parsePolicy(text, file), file };
}

/** containers/image defaultPolicyPathWithHomeDir: the user's file only if it exists. */
async function defaultPolicyPath(options: LoadPolicyOptions): Promise<string> {
  // containers/storage homedir.Get(): $HOME, else the account's home directory.
  const home = options.env.HOME || homedir();
  const user = join(home, '.config/containers/policy.json');
  try {
    await stat(user);
    return user;
  } catch {
    return options.systemPolicyPath ?? SYSTEM_POLICY_PATH;
  }
}
