import { type AddressInfo, connect, createServer, type Socket } from 'node:net';

export interface LatencyProxyOptions {
  /** One-way delay applied to every chunk in each direction (25 ⇒ +50 ms round trip). */
  delayMs: number;
  /** Bytes in flight per direction before the source is paused (bounds memory). Default 64 MiB. */
  maxBufferedBytes?: number;
}

export interface LatencyProxy {
  readonly host: string;
  readonly port: number;
  readonly target: string;
  /** Connections accepted so far. */
  readonly stats: { connections: number };
  stop(): Promise<void>;
}

/**
 * TCP delay line. Each chunk is written `delayMs` after it arrived; waits overlap, so
 * throughput is unchanged and only latency grows. TLS passes through untouched.
 */
export async function startLatencyProxy(target: string, opts: LatencyProxyOptions): Promise<LatencyProxy> {
  const colon = target.lastIndexOf(':');
  const targetHost = target.slice(0, colon);
  const targetPort = Number(target.slice(colon + 1));
  const sockets = new Set<Socket>();
  const stats = { connections: 0 };
  const limit = opts.maxBufferedBytes ?? 64 * 1024 * 1024;

  // allowHalfOpen: a FIN is just another event on the delay line, forwarded late like data.
  const server = createServer({ allowHalfOpen: true }, (client) => {
    stats.connections += 1;
    const upstream = connect({ host: targetHost, port: targetPort, allowHalfOpen: true });
    sockets.add(client);
    sockets.add(upstream);
    const cancels = [
      delayLine(client, upstream, opts.delayMs, limit),
      delayLine(upstream, client, opts.delayMs, limit),
    ];
    const destroyBoth = () => {
      for (const cancel of cancels) cancel();
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.once('error', destroyBoth);
    upstream.once('error', destroyBoth);
    // Once one side is fully closed, give in-flight bytes for the other one time to land.
    const closeLater = () => {
      const timer = setTimeout(destroyBoth, opts.delayMs + 50);
      timer.unref();
      cancels.push(() => clearTimeout(timer));
    };
    client.once('close', closeLater);
    upstream.once('close', closeLater);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    port,
    target,
    stats,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
        sockets.clear();
      });
    },
  };
}

/** Moves bytes from `from` to `to` with a fixed delay, preserving order. Returns a canceller. */
function delayLine(from: Socket, to: Socket, delayMs: number, maxBuffered: number): () => void {
  const queue: Array<{ due: number; chunk: Buffer | null }> = [];
  let queued = 0;
  let timer: NodeJS.Timeout | undefined;
  let cancelled = false;

  // Memory bound: bytes waiting in the line plus bytes the destination has not flushed yet.
  const maybeResume = () => {
    if (!cancelled && from.isPaused() && queued + to.writableLength < maxBuffered / 2) from.resume();
  };
  const pump = () => {
    timer = undefined;
    const now = performance.now();
    while (queue.length > 0 && queue[0]!.due <= now + 0.5) {
      const { chunk } = queue.shift()!;
      if (chunk === null) {
        if (!to.destroyed) to.end();
        return;
      }
      queued -= chunk.length;
      if (!to.destroyed) to.write(chunk);
    }
    maybeResume();
    schedule();
  };
  const schedule = () => {
    if (cancelled || timer !== undefined || queue.length === 0) return;
    timer = setTimeout(pump, Math.max(0, queue[0]!.due - performance.now()));
  };

  from.on('data', (chunk: Buffer) => {
    queue.push({ due: performance.now() + delayMs, chunk });
    queued += chunk.length;
    if (queued + to.writableLength >= maxBuffered) from.pause();
    schedule();
  });
  from.once('end', () => {
    queue.push({ due: performance.now() + delayMs, chunk: null });
    schedule();
  });
  to.on('drain', maybeResume);
  return () => {
    cancelled = true;
    if (timer) clearTimeout(timer);
    queue.length = 0;
  };
}
