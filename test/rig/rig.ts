import { join } from 'node:path';
import { createTestCa, type TestCa } from './ca.ts';
import { type FaultProxy, type FaultProxyOptions, startFaultProxy } from './fault-proxy.ts';
import { type BuildImageOptions, type BuiltImage, buildImage } from './fixtures.ts';
import { type LatencyProxy, type LatencyProxyOptions, startLatencyProxy } from './latency-proxy.ts';
import { type RegistryInstance, type RegistryOptions, startRegistry } from './registry.ts';
import { makeTempDir } from './temp-dir.ts';
import { startTokenIssuer, type TokenIssuer, type TokenIssuerOptions } from './token-issuer.ts';

export interface RigOptions {
  /** Plain-http registry without auth. */
  anonymous?: boolean;
  /** https (per-run CA) registry with an htpasswd user. */
  basicTls?: boolean;
  /** Registry with bearer-token auth through the rig's issuer (a service-account token works as password). */
  token?: boolean;
  /** Serve the token registry and its issuer over https with the rig CA. Default false. */
  tokenTls?: boolean;
  issuer?: Omit<TokenIssuerOptions, 'ca' | 'dir'>;
}

export interface Rig {
  /** Temp dir for everything the rig makes (CA, fixtures); removed on stop. */
  readonly dir: string;
  readonly ca: TestCa;
  readonly anonymous: RegistryInstance | undefined;
  readonly basicTls: RegistryInstance | undefined;
  readonly token: RegistryInstance | undefined;
  readonly issuer: TokenIssuer | undefined;
  /** Accepted by the issuer with any username (OpenShift service-account token style). */
  readonly saToken: string | undefined;
  /** More servers, all stopped with the rig. TLS registries default to the rig CA. */
  startRegistry(opts?: RegistryOptions): Promise<RegistryInstance>;
  startFaultProxy(upstreamUrl: string, opts?: FaultProxyOptions): Promise<FaultProxy>;
  startLatencyProxy(target: string, opts: LatencyProxyOptions): Promise<LatencyProxy>;
  /** buildImage with large layers under the rig dir, so stop() cleans them up. */
  buildImage(opts: BuildImageOptions): Promise<BuiltImage>;
  stop(): Promise<void>;
}

/** Starts the requested registries (all three when no option is given), in parallel. */
export async function startRig(opts: RigOptions = {}): Promise<Rig> {
  const none = opts.anonymous === undefined && opts.basicTls === undefined && opts.token === undefined;
  const want = {
    anonymous: none || opts.anonymous === true,
    basicTls: none || opts.basicTls === true,
    token: none || opts.token === true,
  };
  const temp = await makeTempDir('rig');
  const stoppers: Array<() => Promise<void>> = [];
  let fixtureCount = 0;
  const stopAll = async () => {
    // Servers in parallel (each kills its own children), then the shared temp dir.
    const results = await Promise.allSettled(stoppers.splice(0).map((s) => s()));
    await temp.remove();
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };
  const track = <T extends { stop(): Promise<void> }>(server: T): T => {
    stoppers.push(() => server.stop());
    return server;
  };

  try {
    const ca = await createTestCa(join(temp.path, 'ca'));
    const startTracked = async (o: RegistryOptions = {}) => track(await startRegistry({ ca, ...o }));

    let issuer: TokenIssuer | undefined;
    let saToken: string | undefined;
    if (want.token) {
      issuer = track(
        await startTokenIssuer({
          ...opts.issuer,
          ...(opts.tokenTls ? { ca } : {}),
          dir: join(temp.path, 'issuer'),
        }),
      );
      saToken = issuer.addServiceAccountToken();
    }
    const [anonymous, basicTls, token] = await Promise.all([
      want.anonymous ? startTracked({ auth: 'none' }) : undefined,
      want.basicTls ? startTracked({ auth: 'basic', tls: true }) : undefined,
      want.token && issuer ? startTracked({ auth: 'token', issuer, tls: opts.tokenTls ?? false }) : undefined,
    ]);

    return {
      dir: temp.path,
      ca,
      anonymous,
      basicTls,
      token,
      issuer,
      saToken,
      startRegistry: startTracked,
      startFaultProxy: async (url, o) => track(await startFaultProxy(url, o)),
      startLatencyProxy: async (target, o) => track(await startLatencyProxy(target, o)),
      buildImage(o) {
        fixtureCount += 1;
        return buildImage({ dir: join(temp.path, `fixtures-${fixtureCount}`), ...o });
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll().catch(() => {});
    throw err;
  }
}

/** Hook-registering variant: `const rig = await withRig(t, {...})` stops it in `t.after`. */
export async function withRig(
  ctx: { after(fn: () => Promise<void>): unknown },
  opts: RigOptions = {},
): Promise<Rig> {
  const rig = await startRig(opts);
  ctx.after(() => rig.stop());
  return rig;
}
