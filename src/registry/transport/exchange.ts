/**
 * The request and response every transport layer passes on. Layers are functions from the next
 * round trip to a new one (`Layer`), composed in `registry-transport.ts` the way go-containerregistry
 * wraps `http.RoundTripper`s: retry ∘ redirects ∘ auth ∘ (scheme discovery + send).
 */
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';

export type HttpMethod = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

export interface RegistryRequest {
  readonly method: HttpMethod;
  /** A `/v2/…` path on this registry (its scheme is the transport's to find), or an absolute URL. */
  readonly url: string;
  readonly headers?: Record<string, string> | undefined;
  /** A Buffer is replayable (retried); a stream or iterable is not and is sent once. */
  readonly body?: Buffer | Readable | AsyncIterable<Buffer> | undefined;
  /** Token scopes the request needs (`repository:name:pull,push`). */
  readonly scopes: readonly string[];
  readonly signal?: AbortSignal | undefined;
  /**
   * Retry temporary failures here (default: when the body is replayable). Chunk PATCHes opt out: a
   * replay after a half-received body could append bytes twice, so they resume from the registry's
   * reported offset instead.
   */
  readonly retry?: boolean | undefined;
  /** Follow 3xx (blob GETs redirect to object storage). Default: GET/HEAD only. */
  readonly followRedirects?: boolean | undefined;
}

export interface RegistryResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Dispatcher.ResponseData['body'];
  /** The URL that answered (after redirects, with the scheme that was found). */
  readonly url: URL;
}

export type RoundTrip = (req: RegistryRequest) => Promise<RegistryResponse>;

export type Layer = (next: RoundTrip) => RoundTrip;

export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Whether a body can be sent again (nothing, or bytes in memory). */
export function isResendable(req: RegistryRequest): boolean {
  return req.body === undefined || Buffer.isBuffer(req.body);
}

/**
 * Let go of a response nobody will read. `dump()` reads a little and closes, with its own error
 * listener; a bare `body.destroy()` on an unread undici body emits RequestAbortedError with no
 * listener, which crashed the process (the "internal error: Request aborted" of `tls-verify=false`
 * against an HTTPS registry).
 */
export function discardResponse(res: Pick<RegistryResponse, 'body'>): Promise<void> {
  return res.body.dump().then(
    () => undefined,
    () => undefined,
  );
}
