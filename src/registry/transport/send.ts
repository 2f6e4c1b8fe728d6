/**
 * The bottom of the stack: one HTTP exchange through undici. Paths on the registry get their scheme
 * from scheme discovery; absolute URLs (upload locations, redirect targets, token realms) go as they
 * are. Requests to the registry's own host name, whatever the port, use its pool (its TLS settings):
 * registries commonly serve their token realm from the same host on another port, and with
 * `tls-verify=false` skopeo does not verify that realm either (containers/image sends token requests
 * through the registry's own client). Any other host gets the foreign pool, which always verifies
 * TLS: a registry cannot make ferry send credentials to an unverified third party. Socket failures
 * become FerryErrors that name the request, never its credentials.
 */
import type { Dispatcher } from 'undici';
import { wrapNetworkError } from '../network-error.ts';
import { redactUrl } from '../redact-url.ts';
import { httpRequest } from '../undici-parts.ts';
import type { RegistryRequest, RegistryResponse, RoundTrip } from './exchange.ts';
import { SchemeDiscovery } from './scheme-discovery.ts';

/**
 * undici closes the connection after every HEAD unless told otherwise (client-h1: "interop with
 * misbehaving servers that may send a body"), so each blob/manifest HEAD cost a new TCP (and TLS)
 * connection. Registries answer HEAD per the spec; keep the connection.
 */
const KEEP_ALIVE_AFTER_HEAD = false;

export interface SendOptions {
  readonly apiHost: string;
  readonly tlsVerify: boolean;
  readonly dispatcher: Dispatcher;
  /** For other hosts (token realms, redirect targets): always verifies TLS. */
  readonly foreignDispatcher: Dispatcher;
  readonly userAgent: string;
}

export interface Sender {
  readonly send: RoundTrip;
  readonly scheme: SchemeDiscovery;
}

export function createSender(options: SendOptions): Sender {
  const hostname = new URL(`https://${options.apiHost}/`).hostname;
  const exchange = async (url: URL, req: RegistryRequest): Promise<RegistryResponse> => {
    try {
      const res = await httpRequest(
        url.hostname === hostname ? options.dispatcher : options.foreignDispatcher,
        {
          origin: url.origin,
          path: url.pathname + url.search,
          method: req.method,
          headers: { 'user-agent': options.userAgent, ...req.headers },
          // undici writes async iterables natively (client-h1 writeIterable); its types omit them.
          body: req.body as Dispatcher.RequestOptions['body'],
          signal: req.signal,
          reset: KEEP_ALIVE_AFTER_HEAD,
        },
      );
      return { status: res.statusCode, headers: res.headers, body: res.body, url };
    } catch (err) {
      throw wrapNetworkError(err, req.method, redactUrl(url));
    }
  };
  const scheme = new SchemeDiscovery({
    apiHost: options.apiHost,
    tlsVerify: options.tlsVerify,
    ping: (base, signal) =>
      exchange(new URL('/v2/', base), { method: 'GET', url: '/v2/', scopes: [], signal }),
  });
  const send: RoundTrip = (req) => {
    if (/^https?:\/\//i.test(req.url)) return exchange(new URL(req.url), req);
    return scheme.send(req, (base) => exchange(new URL(req.url, base), req));
  };
  return { send, scheme };
}
