import {
  createServer,
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * - `reset-mid-body`: forward the response, but close the client connection after `afterBytes`
 *   body bytes (default: half of Content-Length), so the client sees a truncated body.
 * - `reset-mid-request`: forward `afterBytes` of the request body (default half), then drop both
 *   connections: an upload interrupted half way.
 * - `reset`: drop the client connection without any response (EOF / ECONNRESET).
 * - `status`: answer `status` (default 500) with a distribution-style JSON error, not forwarded.
 * - `429`: answer 429 with `Retry-After: retryAfter` (default 1) and a plain-text body.
 * - `corrupt`: forward, flipping one body byte in the middle; Content-Length is kept, so only a
 *   digest check can tell.
 * - `delay`: wait `delayMs` (default 1000) before forwarding.
 * - `respond`: answer `status` (default 200) with `body` and `headers` as given, not forwarded: for
 *   registry behaviour the rig's registry lacks (distribution 2.8 ignores `n` on tags/list, so it never
 *   paginates).
 * - `stall-mid-body`: forward the response, but stop after `afterBytes` body bytes (default half) and
 *   hold the connection open: a source that hangs mid-blob.
 * - `stall-mid-request`: forward `afterBytes` of the request body (default half), then stop reading it
 *   and hold both connections open; when the client goes away, the upstream request is cut there too.
 */
export type FaultKind =
  | 'reset-mid-body'
  | 'reset-mid-request'
  | 'reset'
  | 'status'
  | '429'
  | 'corrupt'
  | 'delay'
  | 'respond'
  | 'stall-mid-body'
  | 'stall-mid-request';

export interface FaultRule {
  /** Upper-case HTTP method; any when omitted. */
  method?: string;
  /** Matched against the request target (path plus query string). */
  path: RegExp;
  /** How many matching requests this rule applies to. Default 1; Infinity for all. */
  times?: number;
  /** Matching requests let through untouched before the rule applies (e.g. 3: the fourth PATCH). */
  skip?: number;
  kind: FaultKind;
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  retryAfter?: number | string;
  afterBytes?: number;
  delayMs?: number;
  /** For the reset kinds: send TCP RST instead of a FIN (the client sees ECONNRESET). */
  rst?: boolean;
}

export interface ActiveFault {
  readonly rule: FaultRule;
  /** Matching requests that still get the fault. */
  remaining: number;
  /** Matching requests still to let through before it applies. */
  skipping: number;
  /** Requests that got it so far. */
  hits: number;
}

export interface ProxiedRequest {
  method: string;
  path: string;
  /** Undefined when the connection was dropped before a status was sent. */
  status: number | undefined;
  fault: FaultKind | undefined;
  /** Request body bytes passed on to the registry so far. */
  bytesIn: number;
}

export interface FaultProxyOptions {
  /** Trust anchor for an https upstream. */
  caFile?: string;
  caPem?: string;
}

export interface FaultProxy {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly upstream: string;
  readonly requests: ProxiedRequest[];
  addFault(rule: FaultRule): ActiveFault;
  clearFaults(): void;
  stop(): Promise<void>;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'upgrade',
]);

/** Plain-HTTP reverse proxy that injects faults in front of a registry. Streams; never buffers bodies. */
export async function startFaultProxy(
  upstreamUrl: string,
  opts: FaultProxyOptions = {},
): Promise<FaultProxy> {
  const upstream = new URL(upstreamUrl);
  const upstreamOrigin = upstream.origin;
  const isHttps = upstream.protocol === 'https:';
  let ca = opts.caPem;
  if (ca === undefined && opts.caFile !== undefined) {
    const { readFile } = await import('node:fs/promises');
    ca = await readFile(opts.caFile, 'utf8');
  }
  const agent = isHttps ? new HttpsAgent({ keepAlive: true, ca }) : new HttpAgent({ keepAlive: true });
  const faults: ActiveFault[] = [];
  const requests: ProxiedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let proxyOrigin = '';

  const takeFault = (method: string, path: string): FaultRule | undefined => {
    for (const f of faults) {
      if (f.remaining <= 0) continue;
      if (f.rule.method !== undefined && f.rule.method.toUpperCase() !== method) continue;
      f.rule.path.lastIndex = 0;
      if (!f.rule.path.test(path)) continue;
      if (f.skipping > 0) {
        f.skipping -= 1;
        continue;
      }
      f.remaining -= 1;
      f.hits += 1;
      return f.rule;
    }
    return undefined;
  };

  const forward = (
    req: IncomingMessage,
    res: ServerResponse,
    entry: ProxiedRequest,
    rule: FaultRule | undefined,
  ) => {
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    // The registry builds absolute Location URLs from Host and X-Forwarded-Proto: keep the
    // client's Host (our address) and say the client spoke plain http to us.
    headers['x-forwarded-proto'] = 'http';
    const upstreamReq = (isHttps ? httpsRequest : httpRequest)({
      protocol: upstream.protocol,
      hostname: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers,
      agent,
    });
    upstreamReq.on('response', (upRes) => {
      entry.status = upRes.statusCode;
      res.writeHead(upRes.statusCode ?? 502, responseHeaders(upRes.headers, upstreamOrigin, proxyOrigin));
      const length = Number(upRes.headers['content-length'] ?? Number.NaN);
      if (rule?.kind === 'reset-mid-body') {
        const cut = rule.afterBytes ?? (Number.isFinite(length) ? Math.floor(length / 2) : 0);
        forwardTruncated(upRes, res, cut, rule.rst);
        return;
      }
      if (rule?.kind === 'stall-mid-body') {
        forwardStalled(upRes, res, rule.afterBytes ?? (Number.isFinite(length) ? Math.floor(length / 2) : 0));
        return;
      }
      if (rule?.kind === 'corrupt') {
        const at = Number.isFinite(length) ? Math.floor(length / 2) : 0;
        pipeline(upRes, flipByteAt(at), res).catch(() => {});
        return;
      }
      pipeline(upRes, res).catch(() => {});
    });
    upstreamReq.on('error', (err) => {
      if (!res.headersSent) {
        entry.status = 502;
        sendJson(res, 502, 'UNKNOWN', `fault proxy: upstream error: ${err.message}`);
      } else {
        res.destroy();
      }
    });
    if (rule?.kind === 'stall-mid-request') {
      const length = Number(req.headers['content-length'] ?? Number.NaN);
      const cut = rule.afterBytes ?? (Number.isFinite(length) ? Math.floor(length / 2) : 0);
      req.on('data', (chunk: Buffer) => {
        const part = chunk.subarray(0, Math.max(0, cut - entry.bytesIn));
        if (part.length > 0) {
          entry.bytesIn += part.length;
          upstreamReq.write(part);
        }
        if (entry.bytesIn >= cut) req.pause();
      });
      // The client gave up (or died): the registry sees its request end mid-body.
      req.socket.once('close', () => upstreamReq.destroy());
      return;
    }
    if (rule?.kind === 'reset-mid-request') {
      const length = Number(req.headers['content-length'] ?? Number.NaN);
      const cut = rule.afterBytes ?? (Number.isFinite(length) ? Math.floor(length / 2) : 0);
      let seen = 0;
      req.on('data', (chunk: Buffer) => {
        if (seen >= cut) return;
        const part = chunk.subarray(0, cut - seen);
        seen += part.length;
        upstreamReq.write(part);
        if (seen >= cut) {
          req.pause();
          upstreamReq.destroy();
          drop(req.socket, rule.rst);
        }
      });
      req.once('end', () => {
        // Body shorter than the cut point: still drop, as promised.
        upstreamReq.destroy();
        drop(req.socket, rule.rst);
      });
      return;
    }
    req.on('data', (chunk: Buffer) => {
      entry.bytesIn += chunk.length;
    });
    pipeline(req, upstreamReq).catch(() => {});
    res.once('close', () => {
      if (!res.writableFinished) upstreamReq.destroy();
    });
  };

  const server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const rule = takeFault(method, path);
    const entry: ProxiedRequest = { method, path, status: undefined, fault: rule?.kind, bytesIn: 0 };
    requests.push(entry);
    switch (rule?.kind) {
      case 'status': {
        req.resume();
        const status = rule.status ?? 500;
        entry.status = status;
        sendJson(res, status, status === 401 ? 'UNAUTHORIZED' : 'UNKNOWN', rule.body, rule.headers);
        return;
      }
      case 'respond': {
        req.resume();
        const status = rule.status ?? 200;
        entry.status = status;
        const body = Buffer.from(rule.body ?? '');
        res.writeHead(status, { 'Content-Length': body.length, ...rule.headers });
        res.end(body);
        return;
      }
      case '429': {
        req.resume();
        entry.status = 429;
        const body = Buffer.from(rule.body ?? 'Too Many Requests (injected by ferry fault proxy)\n');
        res.writeHead(429, {
          'Content-Type': 'text/plain; charset=utf-8',
          'Content-Length': body.length,
          'Retry-After': String(rule.retryAfter ?? 1),
          ...rule.headers,
        });
        res.end(body);
        return;
      }
      case 'reset':
        drop(req.socket, rule.rst);
        return;
      case 'delay': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!req.destroyed) forward(req, res, entry, rule);
        }, rule.delayMs ?? 1000);
        timers.add(timer);
        return;
      }
      default:
        forward(req, res, entry, rule);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  proxyOrigin = `http://127.0.0.1:${port}`;

  return {
    url: proxyOrigin,
    host: `127.0.0.1:${port}`,
    port,
    upstream: upstreamOrigin,
    requests,
    addFault(rule) {
      const active: ActiveFault = { rule, remaining: rule.times ?? 1, skipping: rule.skip ?? 0, hits: 0 };
      faults.push(active);
      return active;
    },
    clearFaults() {
      faults.length = 0;
    },
    async stop() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      agent.destroy();
    },
  };
}

function responseHeaders(headers: IncomingHttpHeaders, upstreamOrigin: string, proxyOrigin: string) {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    // Absolute upload URLs must keep the client on the proxy, or faults would be bypassed.
    out[name] =
      name === 'location' && typeof value === 'string' && value.startsWith(upstreamOrigin)
        ? proxyOrigin + value.slice(upstreamOrigin.length)
        : value;
  }
  return out;
}

function sendJson(
  res: ServerResponse,
  status: number,
  code: string,
  message = `injected by ferry fault proxy (HTTP ${status})`,
  headers: Record<string, string> = {},
) {
  const body = Buffer.from(JSON.stringify({ errors: [{ code, message, detail: null }] }));
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': body.length, ...headers });
  res.end(body);
}

function drop(socket: Socket, rst: boolean | undefined) {
  if (rst) socket.resetAndDestroy();
  else socket.destroySoon();
}

/**
 * Writes the first `limit` body bytes, then closes the client socket once they are flushed,
 * without ever ending the HTTP response: the client sees a body shorter than announced.
 */
function forwardTruncated(
  upRes: IncomingMessage,
  res: ServerResponse,
  limit: number,
  rst: boolean | undefined,
) {
  let passed = 0;
  let cut = false;
  const cutNow = () => {
    if (cut) return;
    cut = true;
    upRes.destroy();
    const socket = res.socket;
    if (!socket) return;
    if (rst) socket.resetAndDestroy();
    else socket.destroySoon();
  };
  res.flushHeaders();
  if (limit <= 0) {
    cutNow();
    return;
  }
  upRes.on('data', (chunk: Buffer) => {
    if (cut) return;
    const part = chunk.subarray(0, limit - passed);
    passed += part.length;
    if (passed >= limit) {
      res.write(part, () => cutNow());
      upRes.pause();
    } else if (!res.write(part)) {
      upRes.pause();
      res.once('drain', () => upRes.resume());
    }
  });
  upRes.once('end', cutNow);
  upRes.once('error', cutNow);
}

/** Writes the first `limit` body bytes, then nothing more: the response stays open until the client goes. */
function forwardStalled(upRes: IncomingMessage, res: ServerResponse, limit: number) {
  let passed = 0;
  res.flushHeaders();
  res.once('close', () => upRes.destroy());
  upRes.on('data', (chunk: Buffer) => {
    const part = chunk.subarray(0, Math.max(0, limit - passed));
    passed += part.length;
    if (part.length > 0 && !res.write(part) && passed < limit) {
      upRes.pause();
      res.once('drain', () => upRes.resume());
    }
    if (passed >= limit) upRes.pause();
  });
}

function flipByteAt(offset: number): Transform {
  let seen = 0;
  return new Transform({
    transform(this: Transform, chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      if (offset >= seen && offset < seen + chunk.length) {
        const copy = Buffer.from(chunk);
        copy[offset - seen] = (copy[offset - seen] ?? 0) ^ 0xff;
        chunk = copy;
      }
      seen += chunk.length;
      cb(null, chunk);
    },
  });
}
