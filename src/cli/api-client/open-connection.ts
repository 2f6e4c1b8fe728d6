/**
 * The HTTP client for the server the connection flags name (server-options.ts): one undici pool, TLS
 * verified against the system roots plus `--cacert`, or not at all with `--insecure` (with a warning).
 */
import type { Dispatcher } from 'undici';
import { createDispatcher } from '../../registry/dispatcher.ts';
import type { CliIo } from '../io.ts';
import { VERSION } from '../version.ts';
import type { ApiHttp } from './api-http.ts';

/** One request's budget (connect to last byte). */
export const REQUEST_TIMEOUT_MS = 30_000;

export interface ServerConnection {
  readonly http: ApiHttp;
  close(): Promise<void>;
}

/** An HTTP client for the server the flags name; warns on stderr when verification is off. */
export async function openConnection(
  settings: { server: URL; ca: string[] | undefined; insecure: boolean },
  io: CliIo,
  options: { connections?: number; requestTimeoutMs?: number } = {},
): Promise<ServerConnection> {
  if (settings.insecure)
    io.stderr.write('ferry: warning: --insecure: the server certificate is not verified\n');
  const requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const dispatcher: Dispatcher = await createDispatcher({
    tls: { ca: settings.ca },
    rejectUnauthorized: !settings.insecure,
    connections: options.connections ?? 2,
    connectTimeoutMs: 10_000,
    headersTimeoutMs: requestTimeoutMs,
    bodyTimeoutMs: requestTimeoutMs,
    env: io.env,
  });
  return {
    http: { server: settings.server, dispatcher, userAgent: `ferry/${VERSION}`, requestTimeoutMs },
    close: () => dispatcher.close().catch(() => undefined),
  };
}
