import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const FERRY_BIN = fileURLToPath(new URL('../../bin/ferry', import.meta.url));

export interface FerryRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run the real `bin/ferry` (bundle on the pinned runtime) with a hermetic environment. */
export function runFerry(
  args: readonly string[],
  options: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {},
) {
  return new Promise<FerryRun>((resolve, reject) => {
    const child = spawn(FERRY_BIN, args, {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: '/nonexistent',
        REGISTRY_AUTH_FILE: '/nonexistent/auth.json',
        ...options.env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
      // A hung ferry must not outlive its test.
      timeout: options.timeoutMs ?? 120_000,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
