import { chown, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { authJson } from '../test/rig/skopeo.ts';
import { makeTempDir } from '../test/rig/temp-dir.ts';

const NOBODY = 65534;

/** Give a directory to the user the tools run as (see runsAsNobody). */
export async function giveToToolUser(path: string): Promise<void> {
  if (runsAsNobody()) await chown(path, NOBODY, NOBODY);
}

/**
 * As root, skopeo keeps its blob-info cache in /var/lib/containers/cache, whatever HOME says (the
 * rig's runSkopeo isolates HOME only). That cache remembers which destination repositories hold
 * which blobs, so from the second "fresh" copy on skopeo would cross-repo mount instead of
 * uploading. Run as `nobody` the cache lives under our per-run HOME and starts empty, as ferry
 * (which keeps no state between runs) always does. Both tools get the same treatment.
 */
export function runsAsNobody(): boolean {
  return process.getuid?.() === 0;
}

export interface Command {
  readonly file: string;
  readonly args: readonly string[];
}

/** A per-run hermetic environment shared by both tools; created and removed outside the timing. */
export interface ToolEnv {
  readonly env: NodeJS.ProcessEnv;
  /** Global skopeo flags pointing at our policy and an empty registries.d. */
  readonly skopeoGlobalArgs: readonly string[];
  /** Wraps a command so it runs with the environment's user. */
  command(file: string, args: readonly string[]): Command;
  remove(): Promise<void>;
}

export interface ToolEnvOptions {
  /**
   * Node's compile cache (NODE_COMPILE_CACHE) kept across runs. ferry stores V8 code cache in
   * os.tmpdir() by default, which a machine keeps between invocations; the per-run TMPDIR here would
   * throw it away every time and bill ferry a cold start (~20 ms) on every run, which no user sees
   * twice. skopeo, a Go binary, has its machine code on disk either way. Ignored by skopeo.
   */
  readonly compileCacheDir?: string | undefined;
}

/** Same layout as the rig's runSkopeo (own policy, empty auth file, registries.conf, XDG dirs). */
export async function createToolEnv(options: ToolEnvOptions = {}): Promise<ToolEnv> {
  const temp = await makeTempDir('bench-tool', { scratch: true });
  try {
    const d = temp.path;
    const dirs = ['run', 'config', 'docker', 'tmp', 'registries.d'].map((name) => join(d, name));
    await Promise.all(dirs.map((dir) => mkdir(dir, { mode: 0o700 })));
    const policy = join(d, 'policy.json');
    const authFile = join(d, 'auth.json');
    const registriesConf = join(d, 'registries.conf');
    await writeFile(policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
    await writeFile(authFile, JSON.stringify(authJson({})), { mode: 0o600 });
    await writeFile(registriesConf, '');
    const nobody = runsAsNobody();
    if (nobody) {
      for (const path of [d, ...dirs, policy, authFile, registriesConf]) await chown(path, NOBODY, NOBODY);
    }
    return {
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: d,
        XDG_RUNTIME_DIR: join(d, 'run'),
        XDG_CONFIG_HOME: join(d, 'config'),
        DOCKER_CONFIG: join(d, 'docker'),
        REGISTRY_AUTH_FILE: authFile,
        CONTAINERS_REGISTRIES_CONF: registriesConf,
        TMPDIR: join(d, 'tmp'),
        ...(options.compileCacheDir ? { NODE_COMPILE_CACHE: options.compileCacheDir } : {}),
      },
      skopeoGlobalArgs: ['--policy', policy, '--registries.d', join(d, 'registries.d')],
      command(file, args) {
        if (!nobody) return { file, args };
        // setpriv execs the tool: same pid, so wait4/rusage still see the tool itself.
        return {
          file: 'setpriv',
          args: [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', file, ...args],
        };
      },
      remove: () => temp.remove(),
    };
  } catch (err) {
    await temp.remove();
    throw err;
  }
}
