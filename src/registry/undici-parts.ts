/**
 * The parts of undici ferry uses, loaded from their own modules. undici's index evaluates everything
 * it offers (fetch, WebSocket, caches, mocks, SOCKS): measured ~40 ms of start-up on these machines, the
 * largest cost of a short command such as a no-op copy. The Agent and `request` alone cost ~18 ms.
 * The modules are undici's own, at the version pinned by the lockfile.
 */
import type { Dispatcher } from 'undici';
import requestModule from 'undici/lib/api/api-request.js';
import AgentModule from 'undici/lib/dispatcher/agent.js';

export type UndiciAgentOptions = ConstructorParameters<typeof import('undici').Agent>[0];

export const Agent = AgentModule as unknown as typeof import('undici').Agent;

const requestFn = requestModule as unknown as (
  this: Dispatcher,
  options: Dispatcher.RequestOptions,
) => Promise<Dispatcher.ResponseData>;

/** `dispatcher.request(options)`, without needing undici's index to patch Dispatcher.prototype. */
export function httpRequest(
  dispatcher: Dispatcher,
  options: Dispatcher.RequestOptions,
): Promise<Dispatcher.ResponseData> {
  return requestFn.call(dispatcher, options);
}

/**
 * The proxy-aware agent, loaded only when proxy variables are set. It needs the whole of undici (its
 * tunnelling uses Dispatcher.prototype.connect, which undici's index installs), so it comes from there.
 */
export async function loadEnvHttpProxyAgent(): Promise<typeof import('undici').EnvHttpProxyAgent> {
  const mod = (await import('undici')) as typeof import('undici') & { default?: typeof import('undici') };
  // Bundled, the CommonJS index arrives as `default` (esbuild's interop); unbundled, as named exports.
  return mod.EnvHttpProxyAgent ?? mod.default!.EnvHttpProxyAgent;
}
