/**
 * One HTTP exchange with `ferry serve` (`ferry trigger`, the operator commands), over undici's Agent and `request` alone (undici-parts.ts:
 * the CLI's start-up budget). JSON in, JSON (or nothing) out; network failures become FerryErrors that
 * name the request, never its headers.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { ErrorCode } from '../../errors/codes.ts';
import { FerryError } from '../../errors/ferry-error.ts';
import { errorCodeOf, wrapNetworkError } from '../../registry/network-error.ts';
import { redactUrl } from '../../registry/redact-url.ts';
import { httpRequest } from '../../registry/undici-parts.ts';

/** Answers are a page of promotions at most (500 of ~1.5 KiB): far smaller than this. A bigger one is not ferry. */
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

export interface ApiHttp {
  /** ferry's base URL, ending in `/`. */
  readonly server: URL;
  readonly dispatcher: Dispatcher;
  readonly userAgent: string;
  /** Per request, to the last byte; the overall deadline comes in as `signal`. */
  readonly requestTimeoutMs: number;
}

export interface JsonRequest {
  readonly method: 'GET' | 'POST';
  /** Absolute path under the server's base URL, e.g. `/hooks/standard`. */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly body?: string | undefined;
  readonly signal: AbortSignal;
}

export interface JsonResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The parsed body; undefined when it is empty, not JSON, or too large. */
  readonly json: unknown;
}

/** `path` under the base URL, keeping a path prefix (`https://host/ferry/` + `/hooks/standard`). */
export function endpointUrl(server: URL, path: string): URL {
  return new URL(path.replace(/^\/+/, ''), server);
}

async function readLimited(body: Dispatcher.ResponseData['body']): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    size += buffer.length;
    if (size > MAX_RESPONSE_BYTES) {
      body.destroy();
      return undefined;
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined || text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Sends one request; throws a FerryError (temporary for connection trouble) when no answer arrives. */
export async function requestJson(http: ApiHttp, req: JsonRequest): Promise<JsonResponse> {
  const url = endpointUrl(http.server, req.path);
  const signal = AbortSignal.any([req.signal, AbortSignal.timeout(http.requestTimeoutMs)]);
  try {
    const res = await httpRequest(http.dispatcher, {
      origin: url.origin,
      path: url.pathname + url.search,
      method: req.method,
      headers: { accept: 'application/json', 'user-agent': http.userAgent, ...req.headers },
      body: req.body,
      signal,
    });
    const text = await readLimited(res.body);
    return { status: res.statusCode, headers: res.headers, json: parseJson(text) };
  } catch (err) {
    if (!req.signal.aborted && signal.aborted) {
      // Our own per-request timeout surfaces as an abort; it is a timeout, and worth another try.
      throw new FerryError(
        ErrorCode.Timeout,
        `${req.method} ${redactUrl(url)}: no answer within ${http.requestTimeoutMs} ms`,
        { cause: err, temporary: true },
      );
    }
    const wrapped = wrapNetworkError(err, req.method, redactUrl(url));
    if (wrapped.code === ErrorCode.Tls) {
      // wrapNetworkError's advice names the copy flags; this command has its own.
      throw new FerryError(
        ErrorCode.Tls,
        `${req.method} ${redactUrl(url)}: TLS certificate not trusted (${errorCodeOf(err)}); pass the server's CA with --cacert FILE, or --insecure for a test server`,
        { cause: err },
      );
    }
    throw wrapped;
  }
}
