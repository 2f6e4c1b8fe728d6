import type { Dispatcher } from 'undici';
import type { TlsMaterial } from './tls-files.ts';
import { Agent, loadEnvHttpProxyAgent } from './undici-parts.ts';

export interface DispatcherOptions {
  readonly tls: TlsMaterial;
  readonly rejectUnauthorized: boolean;
  /** Max connections per origin; further requests queue (per-host concurrency limit). */
  readonly connections: number;
  readonly connectTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * One keep-alive pool set per registry endpoint (TLS settings differ per endpoint). Proxy variables
 * (HTTPS_PROXY / HTTP_PROXY / NO_PROXY) are honoured through undici's EnvHttpProxyAgent, which applies
 * NO_PROXY per request; without them a plain Agent avoids the proxy machinery on the hot path.
 */
export async function createDispatcher(options: DispatcherOptions): Promise<Dispatcher> {
  const connect = {
    // Verification off: no certificate is checked, so no CA is needed, and an empty list spares Node
    // from loading its bundled root store at the first TLS connection (~3 ms, on the critical path of
    // the https/http race against an insecure registry).
    ca: options.rejectUnauthorized ? options.tls.ca : [],
    cert: options.tls.cert,
    key: options.tls.key,
    rejectUnauthorized: options.rejectUnauthorized,
    timeout: options.connectTimeoutMs,
  };
  const common = {
    connections: options.connections,
    headersTimeout: options.headersTimeoutMs,
    bodyTimeout: options.bodyTimeoutMs,
    keepAliveTimeout: 30_000,
    connect,
  };
  const env = options.env;
  const hasProxy = Boolean(env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy);
  if (hasProxy) {
    const EnvHttpProxyAgent = await loadEnvHttpProxyAgent();
    return new EnvHttpProxyAgent({
      ...common,
      httpProxy: env.HTTP_PROXY ?? env.http_proxy,
      httpsProxy: env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy,
      noProxy: env.NO_PROXY ?? env.no_proxy,
      // The CA bundle must also apply to the TLS session tunnelled through the proxy.
      requestTls: connect,
    });
  }
  return new Agent(common);
}
