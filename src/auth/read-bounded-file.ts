import { open } from 'node:fs/promises';

/**
 * Read at most `limit` bytes of a small file (token, secret, key, CA bundle). Returns the bytes and
 * whether the file was longer than `limit`, so callers can refuse it with their own error: a path that
 * points at a log file or a device by mistake must fail clearly, not fill memory. The buffer starts
 * small and grows, so reading a 40-byte secret on every request costs 4 KiB, not the limit.
 */
export async function readBoundedFile(
  path: string,
  limit: number,
): Promise<{ bytes: Buffer; tooLarge: boolean }> {
  const handle = await open(path, 'r');
  try {
    let buffer = Buffer.allocUnsafe(Math.min(limit + 1, 4096));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (buffer.length > limit) break;
        const grown = Buffer.allocUnsafe(Math.min(limit + 1, buffer.length * 4));
        buffer.copy(grown, 0, 0, length);
        buffer = grown;
      }
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return length > limit
      ? { bytes: Buffer.alloc(0), tooLarge: true }
      : { bytes: Buffer.from(buffer.subarray(0, length)), tooLarge: false };
  } finally {
    await handle.close();
  }
}
