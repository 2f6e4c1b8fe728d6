import { startLatencyProxy } from '../test/rig/latency-proxy.ts';
import { type RegistryInstance, startRegistry } from '../test/rig/registry.ts';
import type { CleanupStack } from './cleanup.ts';

/** 25 ms each way through the rig's TCP delay line: a 50 ms round trip, like a nearby region. */
export const ONE_WAY_DELAY_MS = 25;

export type Network = 'direct' | 'rtt50';

/** How a tool (and the rig client) reaches a registry: `host` for image references, `url` for HTTP. */
export interface Endpoint {
  readonly host: string;
  readonly url: string;
}

/** One registry, reachable directly and through its own latency proxy. */
export interface BenchRegistry {
  readonly name: string;
  readonly direct: Endpoint;
  readonly rtt50: Endpoint;
  readonly instance: RegistryInstance;
  endpoint(network: Network): Endpoint;
  stop(): Promise<void>;
}

/**
 * Starts an anonymous plain-HTTP `docker-registry` plus a latency proxy in front of it. The proxy
 * works on TCP, so the registry sees the proxy's Host header and its upload Locations keep the
 * client on the delayed path.
 */
export async function startBenchRegistry(name: string, cleanup: CleanupStack): Promise<BenchRegistry> {
  const instance = await startRegistry({ auth: 'none' });
  let proxy: Awaited<ReturnType<typeof startLatencyProxy>>;
  try {
    proxy = await startLatencyProxy(instance.host, { delayMs: ONE_WAY_DELAY_MS });
  } catch (err) {
    await instance.stop();
    throw err;
  }
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await proxy.stop();
    await instance.stop();
  };
  cleanup.defer(`registry ${name}`, stop);
  const direct = { host: instance.host, url: instance.url };
  const rtt50 = { host: proxy.host, url: `http://${proxy.host}` };
  return {
    name,
    direct,
    rtt50,
    instance,
    endpoint: (network) => (network === 'direct' ? direct : rtt50),
    stop,
  };
}
