import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { createTestCa, type TestCa } from './ca.ts';
import { killOnExit, terminate } from './kill-on-exit.ts';
import { freePort } from './ports.ts';
import { runChecked } from './run-command.ts';
import { makeTempDir } from './temp-dir.ts';
import { startTokenIssuer, type TokenIssuer } from './token-issuer.ts';

export type RegistryAuth = 'none' | 'basic' | 'token';

export interface RegistryUser {
  username: string;
  password: string;
}

export interface RegistryOptions {
  auth?: RegistryAuth;
  tls?: boolean;
  /** CA for the TLS certificate; a private one is created (and removed on stop) when omitted. */
  ca?: TestCa;
  /** htpasswd users for auth 'basic'; one random user when omitted. */
  users?: RegistryUser[];
  /** Token issuer for auth 'token'; a private one is started (and stopped) when omitted. */
  issuer?: TokenIssuer;
  /** Token `service` (JWT audience). Default `ferry-rig-<port>`, unique per registry. */
  service?: string;
  /** Reuse storage across restarts; it is then NOT removed on stop. */
  storageDir?: string;
  /**
   * `notifications.endpoints`: the registry POSTs an events envelope for every push/pull to `url`, with
   * `Authorization: <authorization>` (what `ferry serve`'s `triggers.distribution` checks).
   */
  notifications?: { url: string; authorization: string };
  startTimeoutMs?: number;
}

export interface RegistryInstance {
  /** `127.0.0.1:PORT`, the registry part of an image reference. */
  readonly host: string;
  readonly url: string;
  readonly port: number;
  readonly tls: boolean;
  readonly auth: RegistryAuth;
  readonly caFile: string | undefined;
  readonly caPem: string | undefined;
  /** Directory with `ca.crt`, for skopeo `--cert-dir` and ferry. */
  readonly certDir: string | undefined;
  /** First user (basic auth). */
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly users: readonly RegistryUser[];
  readonly issuer: TokenIssuer | undefined;
  readonly service: string | undefined;
  readonly storageDir: string;
  readonly configFile: string;
  readonly pid: number;
  /** Tail of the registry's stderr (level warn), for assertion messages. */
  logs(): string;
  stop(): Promise<void>;
}

const LOG_TAIL_BYTES = 256 * 1024;

export async function startRegistry(opts: RegistryOptions = {}): Promise<RegistryInstance> {
  const auth = opts.auth ?? 'none';
  const tls = opts.tls ?? false;
  const temp = await makeTempDir('registry');
  const cleanups: Array<() => Promise<void>> = [() => temp.remove()];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await fn();
  };
  try {
    let ca = opts.ca;
    if (tls && !ca) ca = await createTestCa(join(temp.path, 'ca'));
    const cert = tls && ca ? await ca.issueServerCert() : undefined;
    const certDir = tls && ca ? await ca.certDir() : undefined;

    const users = auth === 'basic' ? (opts.users ?? [{ username: 'ferry', password: randomSecret() }]) : [];
    let htpasswdFile: string | undefined;
    if (auth === 'basic') {
      htpasswdFile = join(temp.path, 'htpasswd');
      // Must exist: 2.8 otherwise invents a random "docker" user. Passwords go via stdin (-i).
      const lines: string[] = [];
      for (const u of users) {
        const { stdout } = await runChecked('htpasswd', ['-iBn', u.username], { input: u.password });
        lines.push(stdout.trim());
      }
      await writeFile(htpasswdFile, `${lines.join('\n')}\n`);
    }

    let issuer = opts.issuer;
    if (auth === 'token' && !issuer) {
      const own = await startTokenIssuer({ dir: join(temp.path, 'issuer') });
      cleanups.push(() => own.stop());
      issuer = own;
    }

    const storageDir = opts.storageDir ?? join(temp.path, 'storage');
    await mkdir(storageDir, { recursive: true });
    const configFile = join(temp.path, 'config.yml');

    let lastError: Error | undefined;
    // freePort() can race with other processes grabbing the port; retry on a fresh one.
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const service = opts.service ?? `ferry-rig-${port}`;
      await writeFile(
        configFile,
        renderConfig({
          port,
          storageDir,
          cert,
          htpasswdFile,
          token: auth === 'token' && issuer ? { issuer, service } : undefined,
          notifications: opts.notifications,
        }),
      );
      const child = spawn('docker-registry', ['serve', configFile], {
        // Fresh env: REGISTRY_* variables would silently override our config.
        env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: temp.path },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const unregister = killOnExit(child);
      let tail = '';
      const onData = (c: Buffer) => {
        tail = (tail + c.toString('utf8')).slice(-LOG_TAIL_BYTES);
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
      try {
        await waitUntilServing(child, url, ca?.caPem, opts.startTimeoutMs ?? 10_000, () => tail);
      } catch (err) {
        await terminate(child, 500);
        unregister();
        lastError = err as Error;
        if (/address already in use/.test(tail)) continue;
        throw err;
      }
      let stopped = false;
      return {
        host: `127.0.0.1:${port}`,
        url,
        port,
        tls,
        auth,
        caFile: tls ? ca?.caFile : undefined,
        caPem: tls ? ca?.caPem : undefined,
        certDir,
        username: users[0]?.username,
        password: users[0]?.password,
        users,
        issuer,
        service: auth === 'token' ? service : undefined,
        storageDir,
        configFile,
        pid: child.pid ?? -1,
        logs: () => tail,
        async stop() {
          if (stopped) return;
          stopped = true;
          await terminate(child);
          unregister();
          await cleanup();
        },
      };
    }
    throw lastError ?? new Error('startRegistry: could not bind a port');
  } catch (err) {
    await cleanup();
    throw err;
  }
}

interface ConfigInput {
  port: number;
  storageDir: string;
  cert: { certFile: string; keyFile: string } | undefined;
  htpasswdFile: string | undefined;
  token: { issuer: TokenIssuer; service: string } | undefined;
  notifications: { url: string; authorization: string } | undefined;
}

function renderConfig(c: ConfigInput): string {
  // JSON strings are valid YAML double-quoted scalars, so paths need no further escaping.
  const q = (s: string) => JSON.stringify(s);
  const lines = [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  formatter: text',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${q(c.storageDir)}`,
    '  delete:',
    '    enabled: true',
    // No background goroutine walking storage while tests run.
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: ${q(`127.0.0.1:${c.port}`)}`,
    // Fixed per instance: without it 2.8 warns and generates one (fine for a single instance).
    `  secret: ${q(randomSecret())}`,
    '  headers:',
    '    X-Content-Type-Options: [nosniff]',
  ];
  if (c.cert) {
    lines.push('  tls:', `    certificate: ${q(c.cert.certFile)}`, `    key: ${q(c.cert.keyFile)}`);
  }
  if (c.htpasswdFile || c.token) lines.push('auth:');
  if (c.htpasswdFile) {
    lines.push('  htpasswd:', '    realm: "ferry-rig"', `    path: ${q(c.htpasswdFile)}`);
  }
  if (c.token) {
    lines.push(
      '  token:',
      `    realm: ${q(c.token.issuer.realm)}`,
      `    service: ${q(c.token.service)}`,
      `    issuer: ${q(c.token.issuer.issuer)}`,
      `    rootcertbundle: ${q(c.token.issuer.certFile)}`,
    );
  }
  if (c.notifications) {
    // Short timeout and backoff: a test waits for the delivery, and an endpoint that is not up yet
    // (ferry starting) is retried soon instead of after distribution's default of seconds.
    lines.push(
      'notifications:',
      '  endpoints:',
      '    - name: ferry',
      `      url: ${q(c.notifications.url)}`,
      '      headers:',
      `        Authorization: [${q(c.notifications.authorization)}]`,
      '      timeout: 2s',
      '      threshold: 5',
      '      backoff: 200ms',
    );
  }
  return `${lines.join('\n')}\n`;
}

async function waitUntilServing(
  child: ChildProcess,
  url: string,
  caPem: string | undefined,
  timeoutMs: number,
  logs: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  child.once('error', () => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited) throw new Error(`docker-registry exited during startup (${url}):\n${logs()}`);
    const status = await probe(`${url}/v2/`, caPem);
    if (status === 200 || status === 401) return;
    await new Promise((r) => setTimeout(r, 15));
  }
  throw new Error(`docker-registry did not answer ${url}/v2/ within ${timeoutMs} ms:\n${logs()}`);
}

function probe(url: string, caPem: string | undefined): Promise<number | undefined> {
  return new Promise((resolve) => {
    const onRes = (res: { statusCode?: number; resume(): void }) => {
      res.resume();
      resolve(res.statusCode);
    };
    const req = url.startsWith('https:')
      ? httpsRequest(url, { ca: caPem, agent: false, timeout: 1000 }, onRes)
      : httpRequest(url, { agent: false, timeout: 1000 }, onRes);
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(undefined));
    req.end();
  });
}

function randomSecret(): string {
  return randomBytes(18).toString('base64url');
}
