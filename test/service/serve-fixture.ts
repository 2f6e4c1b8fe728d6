/**
 * Test support for `ferry serve` in-process: a ferry.yaml written to disk (the file startServer and the
 * CLI read), API tokens of each role whose plaintext the tests hold, and server-sent events read from a
 * running instance. Everything goes through startServer (main.ts), so these tests see the composition
 * root's wiring: the update relay, readiness, metrics sources, pruning.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pino from 'pino';
import { stringify } from 'yaml';
import { hashToken } from '../../src/service/config/api-tokens.ts';
import { type RunningServer, startServer } from '../../src/service/main.ts';
import type { RegistryInstance } from '../rig/registry.ts';

export const TOKEN_NAMES = ['ci', 'alice', 'viewer', 'root'] as const;
const ROLES = { ci: 'promoter', alice: 'approver', viewer: 'viewer', root: 'admin' } as const;

export type TokenName = (typeof TOKEN_NAMES)[number];

export interface ServeConfigOptions {
  readonly dir: string;
  /** Rig registries; without them the environments name hosts nothing ever connects to. */
  readonly nonprod?: RegistryInstance | undefined;
  readonly prod?: RegistryInstance | undefined;
  readonly rules?: readonly Record<string, unknown>[] | undefined;
  /** Merged into `server:`. */
  readonly server?: Record<string, unknown> | undefined;
  /** Merged into `triggers:` (the API trigger is on). */
  readonly triggers?: Record<string, unknown> | undefined;
  /** Merged into each named environment (a new name adds an environment). */
  readonly environments?: Record<string, Record<string, unknown>> | undefined;
  /** `notify:` targets. */
  readonly notify?: readonly Record<string, unknown>[] | undefined;
  /** The `auth:` section (sign-in), when given. */
  readonly auth?: Record<string, unknown> | undefined;
}

export interface ServeConfig {
  readonly path: string;
  /** Plaintext API tokens by name. */
  readonly tokens: Readonly<Record<TokenName, string>>;
}

export async function writeServeConfig(options: ServeConfigOptions): Promise<ServeConfig> {
  const { dir, nonprod, prod } = options;
  const tokens = Object.fromEntries(
    TOKEN_NAMES.map((name) => [name, `${name}-${randomBytes(16).toString('hex')}`]),
  ) as Record<TokenName, string>;
  const environments: Record<string, unknown> = {
    nonprod: nonprod
      ? { registry: nonprod.host, tls: { verify: false }, credentials: { anonymous: true } }
      : { registry: 'nonprod.invalid', credentials: { anonymous: true } },
    prod: { registry: 'prod.invalid', credentials: { anonymous: true } },
  };
  if (prod !== undefined) {
    const passwordFile = join(dir, 'prod-password');
    await writeFile(passwordFile, prod.password ?? '', { mode: 0o600 });
    environments.prod = {
      registry: prod.host,
      tls: { certDir: prod.certDir },
      credentials: { username: prod.username, password: { file: passwordFile } },
    };
  }
  for (const [name, extra] of Object.entries(options.environments ?? {})) {
    environments[name] = { ...(environments[name] as Record<string, unknown> | undefined), ...extra };
  }
  const document = {
    version: 1,
    server: { dataDir: join(dir, 'data'), ...options.server },
    environments,
    promotions: options.rules ?? [
      { name: 'team-a', from: 'nonprod:team-a/*', to: 'prod:team-a/*', tags: '.+' },
    ],
    triggers: { api: { enabled: true }, ...options.triggers },
    apiTokens: TOKEN_NAMES.map((name) => ({ name, role: ROLES[name], sha256: hashToken(tokens[name]) })),
    ...(options.notify === undefined ? {} : { notify: options.notify }),
    ...(options.auth === undefined ? {} : { auth: options.auth }),
  };
  const path = join(dir, 'ferry.yaml');
  await writeFile(path, stringify(document));
  return { path, tokens };
}

/** startServer on a free loopback port, logging nothing. */
export function startTestServer(
  configPath: string,
  options: { databaseUrl?: string; dataDir?: string } = {},
): Promise<RunningServer> {
  return startServer({
    configPath,
    databaseUrl: options.databaseUrl,
    dataDir: options.dataDir,
    listen: { host: '127.0.0.1', port: 0 },
    env: {},
    version: '0.0.0-test',
    logger: pino({ level: 'silent' }),
    // Every answer these tests provoke is checked against the API contract (500 on a mismatch).
    checkResponses: true,
  });
}

export interface StreamEvent {
  readonly event: string;
  readonly data: Record<string, unknown>;
}

export interface EventStream {
  readonly events: StreamEvent[];
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  close(): void;
}

/** Opens `GET /api/v1/promotions/:id/events` and collects its events until the server ends it. */
export function openEventStream(baseUrl: string, id: string, token: string): Promise<EventStream> {
  return openStreamAt(baseUrl, `/api/v1/promotions/${id}/events`, token);
}

/**
 * Opens the event stream at `path` (`/api/v1/events`, `/api/v1/promotions/:id/events`) and collects its
 * events until the server ends it or `close` is called; resolves once the response headers arrived.
 */
export async function openStreamAt(baseUrl: string, path: string, token: string): Promise<EventStream> {
  const abort = new AbortController();
  const response = await fetch(`${baseUrl}${path}`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: abort.signal,
  });
  if (response.status !== 200 || response.body === null)
    throw new Error(`event stream: ${response.status} ${await response.text()}`);
  const events: StreamEvent[] = [];
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const ended = (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (event !== undefined && data !== undefined) events.push({ event, data: JSON.parse(data) });
        }
      }
    } catch (err) {
      if (!abort.signal.aborted) throw err;
    }
  })();
  return { events, ended, close: () => abort.abort() };
}

/** POST with a bearer token and an optional JSON body; the answer's status and JSON. */
export async function post(
  url: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}
