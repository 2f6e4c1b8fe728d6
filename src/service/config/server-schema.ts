/** The `server:` section of ferry.yaml: where ferry listens, stores its state, and how replicas fail over. */
import { z } from 'zod';
import { httpUrl, type SchemaParts } from './schema-parts.ts';

export function serverSchema({ filePath, secretRef }: SchemaParts) {
  const server = z
    .strictObject({
      // Address the HTTP server binds: "host:port", "[v6]:port" or ":port" (all interfaces).
      // Default "0.0.0.0:8080".
      listen: z
        .string()
        .transform((value, ctx): ListenAddress => {
          const parsed = parseListen(value);
          if (typeof parsed === 'string') {
            ctx.issues.push({ code: 'custom', message: parsed, input: value });
            return z.NEVER;
          }
          return parsed;
        })
        .prefault('0.0.0.0:8080'),
      // External base URL of ferry (approval links, notification payloads). Default: links are omitted.
      publicUrl: httpUrl('publicUrl')
        .transform((url) => url.replace(/\/+$/, ''))
        .optional(),
      // Directory for the embedded database and runtime state. Default "./ferry-data" (next to ferry.yaml).
      dataDir: filePath.prefault('./ferry-data'),
      // PostgreSQL URL (a secret: it usually holds a password). Default: the FERRY_DATABASE_URL
      // environment variable when set, else the embedded database in dataDir.
      databaseUrl: secretRef.optional(),
      // Failover: a replica renews the lease of each promotion it runs every heartbeatSeconds; when a
      // replica dies, its promotions are resumed elsewhere about leaseSeconds later (plus up to one
      // heartbeat interval and the first retry delay, 5 s). Shorter: faster failover, more database
      // writes, and a replica stalled longer than the lease (a long GC pause, a frozen VM) loses its
      // promotions to another one, which then copies them again. Defaults 15 and 5.
      leaseSeconds: z.int().min(10).max(3600).default(15),
      heartbeatSeconds: z.int().min(1).max(1200).default(5),
      // Blobs of at least minBlobMiB are uploaded to the destination in chunkMiB chunks, each
      // checkpointed in the store, so a promotion interrupted by a crash or a failover continues the
      // registry's upload session instead of sending the blob again. Memory: two chunks per such blob
      // in flight. enabled: false uploads every blob in one request. Defaults true, 64 and 16.
      resumableUploads: z
        .strictObject({
          enabled: z.boolean().default(true),
          minBlobMiB: z
            .int()
            .min(1)
            .max(1024 * 1024)
            .default(64),
          chunkMiB: z.int().min(1).max(1024).default(16),
        })
        .prefault({}),
    })
    .check((ctx) => {
      if (ctx.value.heartbeatSeconds * 2 > ctx.value.leaseSeconds) {
        ctx.issues.push({
          code: 'custom',
          path: ['heartbeatSeconds'],
          message: `must be at most half of leaseSeconds (${ctx.value.leaseSeconds}): one late heartbeat must not lose the lease`,
          input: ctx.value.heartbeatSeconds,
        });
      }
    })
    .prefault({});

  return server;
}

export interface ListenAddress {
  /** Host or IP to bind, without brackets. */
  readonly host: string;
  readonly port: number;
}

function parseListen(value: string): ListenAddress | string {
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]*):([0-9]{1,5})$/.exec(value);
  if (match === null) return 'must be "host:port", "[ipv6]:port" or ":port"';
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return `port ${match[2]} is out of range (1-65535)`;
  const host = match[1]!.replace(/^\[(.*)\]$/, '$1');
  return { host: host === '' ? '0.0.0.0' : host, port };
}
