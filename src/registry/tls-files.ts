import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { ErrorCode } from '../errors/codes.ts';
import { FerryError } from '../errors/ferry-error.ts';

export interface TlsMaterial {
  /** Trusted CAs: the system roots plus the directory's `*.crt` files (undefined ⇒ Node's defaults). */
  readonly ca?: string[] | undefined;
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
}

/**
 * Read a containers/docker `certs.d`-style directory (containers-certs.d(5)): `*.crt` are CA
 * certificates, `*.cert` + `*.key` a client certificate pair (skopeo's `--cert-dir` uses
 * `client.cert`/`client.key`). Extra CAs are *added* to the system roots, as the Go tools do, instead of
 * replacing them (Node's `ca` option replaces by default).
 */
export async function loadCertDir(dir: string): Promise<TlsMaterial> {
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch (cause) {
    throw new FerryError(ErrorCode.Tls, `cannot read certificate directory ${dir}`, { cause });
  }
  const cas: string[] = [];
  let cert: string | undefined;
  let key: string | undefined;
  for (const name of names) {
    const path = join(dir, name);
    if (name.endsWith('.crt')) cas.push(await readFile(path, 'utf8'));
    else if (name.endsWith('.cert')) {
      cert = await readFile(path, 'utf8');
      const keyName = `${name.slice(0, -'.cert'.length)}.key`;
      if (!names.includes(keyName)) {
        throw new FerryError(
          ErrorCode.Tls,
          `client certificate ${path} has no matching ${keyName} in ${dir}`,
        );
      }
      key = await readFile(join(dir, keyName), 'utf8');
    }
  }
  return { ca: cas.length > 0 ? [...rootCertificates, ...cas] : undefined, cert, key };
}

/** A cert dir and/or CA files combined: every CA is added to the system roots. */
export async function loadTlsMaterial(
  certDir: string | undefined,
  caFiles: readonly string[] | undefined,
): Promise<TlsMaterial> {
  const fromDir: TlsMaterial = certDir ? await loadCertDir(certDir) : {};
  if (!caFiles || caFiles.length === 0) return fromDir;
  const extra: string[] = [];
  for (const file of caFiles) {
    try {
      extra.push(await readFile(file, 'utf8'));
    } catch (cause) {
      throw new FerryError(ErrorCode.Tls, `cannot read CA file ${file}`, { cause });
    }
  }
  return { ...fromDir, ca: [...(fromDir.ca ?? rootCertificates), ...extra] };
}
