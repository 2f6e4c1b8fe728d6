/**
 * The master key of the session cookies. From ferry.yaml (`auth.session.key`, a secret reference: any
 * string of at least 32 characters, e.g. `openssl rand -base64 32`) when set — needed when several
 * replicas serve the same users, since each must read the others' cookies. Otherwise generated once
 * into `<dataDir>/session.key` (32 random bytes, mode 0600) and reused on restart, so sessions survive
 * a restart of a single `ferry serve`. Changing or deleting the key signs everyone out.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const SESSION_KEY_FILE = 'session.key';
const MIN_KEY_BYTES = 32;

/** The configured secret as key material (at least 32 bytes), or a message naming what is wrong. */
export function keyFromSecret(secret: string): Buffer | string {
  const key = Buffer.from(secret, 'utf8');
  if (key.length < MIN_KEY_BYTES) {
    return `is ${key.length} bytes long; the session key needs at least ${MIN_KEY_BYTES} (e.g. openssl rand -base64 32)`;
  }
  return key;
}

/** The key in `<dataDir>/session.key`, created (0600) when missing. */
export async function loadOrCreateKeyFile(dataDir: string): Promise<Buffer> {
  const path = join(dataDir, SESSION_KEY_FILE);
  try {
    const existing = await readFile(path);
    if (existing.length >= MIN_KEY_BYTES) return existing;
    throw new Error(
      `${path} holds ${existing.length} bytes, not a session key; delete it to have a new one generated (everyone is signed out)`,
    );
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(MIN_KEY_BYTES);
  // `wx`: two processes starting at once must not overwrite each other's key after one has used it.
  try {
    await writeFile(path, key, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return readFile(path);
  }
}
