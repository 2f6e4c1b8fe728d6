/**
 * Which scheme a registry speaks when TLS verification is off. skopeo's `--tls-verify=false` means
 * "do not verify, and allow plain HTTP" (containers/image docker_client.go `detectPropertiesHelper`:
 * ping https, and on failure ping http). Learnt once per registry and kept.
 *
 * A credential-less GET or HEAD is itself the probe: it goes out over https and http at once and its
 * answer tells the scheme, so finding out costs no extra round trip on the critical path (a no-op
 * copy at 50 ms RTT is ~3 round trips in all). Requests that carry credentials or a body never go
 * out twice: they wait for a `GET /v2/` ping raced the same way.
 *
 * https is preferred: it wins whenever it produced an HTTP answer. http is taken only when the https
 * attempt shows the server speaks plain HTTP (the TLS layer read "HTTP/1.1 400…" as a record: wrong
 * version number), or failed at the connection while http got a real answer. The other attempt's
 * answer is always drained, never destroyed under a live request, and its failure is always handled:
 * a lost race cannot become an error of its own.
 */
import { ErrorCode } from '../../errors/codes.ts';
import { FerryError } from '../../errors/ferry-error.ts';
import { isTlsProtocolMismatch } from '../network-error.ts';
import { discardResponse, type RegistryRequest, type RegistryResponse } from './exchange.ts';

export type SendAt = (base: URL) => Promise<RegistryResponse>;

export interface SchemeDiscoveryOptions {
  /** Host (and port) of the registry's API. */
  readonly apiHost: string;
  /** true ⇒ https only, known without a round trip. */
  readonly tlsVerify: boolean;
  /** `GET /v2/` at `base` without credentials (spec "Determining support"). */
  readonly ping: (base: URL, signal: AbortSignal | undefined) => Promise<RegistryResponse>;
}

export class SchemeDiscovery {
  readonly #options: SchemeDiscoveryOptions;
  readonly #https: URL;
  readonly #http: URL;
  #known: URL | undefined;
  #probing: Promise<URL> | undefined;

  constructor(options: SchemeDiscoveryOptions) {
    this.#options = options;
    this.#https = new URL(`https://${options.apiHost}/`);
    this.#http = new URL(`http://${options.apiHost}/`);
    if (options.tlsVerify) this.#known = this.#https;
  }

  /** The base URL once known. */
  get known(): URL | undefined {
    return this.#known;
  }

  /** Send `req` (a path on the registry) with the right scheme, learning it first if need be. */
  async send(req: RegistryRequest, sendAt: SendAt): Promise<RegistryResponse> {
    if (this.#known) return sendAt(this.#known);
    if (isProbe(req)) {
      const { base, res } = await this.#race(sendAt);
      this.#known ??= base;
      return res;
    }
    return sendAt(await this.base(req.signal));
  }

  /** The base URL, pinging the registry if it is not known yet. Concurrent callers share one ping. */
  base(signal?: AbortSignal): Promise<URL> {
    if (this.#known) return Promise.resolve(this.#known);
    if (!this.#probing) {
      const probing = this.#race((base) => this.#options.ping(base, signal)).then(async ({ base, res }) => {
        await discardResponse(res);
        this.#known ??= base;
        return this.#known;
      });
      this.#probing = probing;
      // A failed ping is reported to its callers; the next request pings again.
      probing.then(
        () => undefined,
        () => {
          if (this.#probing === probing) this.#probing = undefined;
        },
      );
    }
    return this.#probing;
  }

  async #race(sendAt: SendAt): Promise<{ base: URL; res: RegistryResponse }> {
    const viaHttps = sendAt(this.#https);
    const viaHttp = sendAt(this.#http);
    // viaHttp is only awaited after viaHttps settles; if it fails first (e.g. the pools are destroyed
    // at the end of a no-op copy while a speculative request is still in flight) its rejection would
    // be reported as unhandled and end the process with "internal error". Seen in 3-5 of 30 no-op copies.
    viaHttp.catch(() => undefined);
    let httpsError: unknown;
    try {
      const res = await viaHttps;
      discard(viaHttp);
      return { base: this.#https, res };
    } catch (err) {
      httpsError = err;
    }
    const plainHttpServer = isTlsProtocolMismatch(httpsError);
    let res: RegistryResponse;
    try {
      res = await viaHttp;
    } catch (httpError) {
      // Both failed: the https failure is the one to report, unless https proved the server speaks
      // plain HTTP, in which case http's own failure is the real one.
      throw plainHttpServer ? httpError : httpsError;
    }
    // An HTTPS server answers plain HTTP with 400 ("Client sent an HTTP request to an HTTPS server"):
    // after an https failure that says nothing about the protocol, that is no evidence for http.
    if (plainHttpServer || (isConnectionLevel(httpsError) && res.status !== 400)) {
      return { base: this.#http, res };
    }
    await discardResponse(res);
    throw httpsError;
  }
}

/** A request that may go out over both schemes: nothing secret in it, nothing to send twice. */
function isProbe(req: RegistryRequest): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (req.body !== undefined) return false;
  return !Object.keys(req.headers ?? {}).some((name) => name.toLowerCase() === 'authorization');
}

function discard(pending: Promise<RegistryResponse>): void {
  pending.then(discardResponse, () => undefined);
}

function isConnectionLevel(err: unknown): boolean {
  return err instanceof FerryError && (err.code === ErrorCode.Network || err.code === ErrorCode.Timeout);
}
