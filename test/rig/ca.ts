import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { runChecked } from './run-command.ts';

export interface ServerCert {
  certFile: string;
  keyFile: string;
  certPem: string;
  keyPem: string;
}

export interface TestCa {
  readonly dir: string;
  /** PEM file of the CA certificate (trust anchor for clients). */
  readonly caFile: string;
  readonly caPem: string;
  readonly keyFile: string;
  /**
   * Issues a P-256 server certificate signed by this CA. SANs always include IP:127.0.0.1 and
   * DNS:localhost (Go rejects certificates without SANs, so the CN is irrelevant).
   */
  issueServerCert(names?: readonly string[]): Promise<ServerCert>;
  /**
   * A directory holding only `ca.crt`: the layout skopeo's `--cert-dir` and ferry read
   * (every `*.crt` in it is a trusted CA). Created once per CA.
   */
  certDir(): Promise<string>;
}

const EC_KEY_ARGS = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/** A fresh CA per run, so no test ever trusts a long-lived key or the machine's trust store. */
export async function createTestCa(dir: string): Promise<TestCa> {
  await mkdir(dir, { recursive: true });
  const caFile = join(dir, 'ca.crt');
  const keyFile = join(dir, 'ca.key');
  const caConfig = join(dir, 'ca.cnf');
  // Own config so the system openssl.cnf defaults (v3_ca etc.) cannot change what we issue.
  await writeFile(
    caConfig,
    [
      '[req]',
      'distinguished_name = dn',
      'prompt = no',
      '[dn]',
      'CN = ferry rig test CA',
      '[ca_ext]',
      'basicConstraints = critical,CA:TRUE',
      'keyUsage = critical,keyCertSign,cRLSign',
      'subjectKeyIdentifier = hash',
      '',
    ].join('\n'),
  );
  await runChecked('openssl', [
    'req',
    '-x509',
    ...EC_KEY_ARGS,
    '-keyout',
    keyFile,
    '-out',
    caFile,
    '-days',
    '2',
    '-config',
    caConfig,
    '-extensions',
    'ca_ext',
    '-set_serial',
    serial(),
  ]);
  const caPem = await readFile(caFile, 'utf8');
  let issued = 0;
  let certDirPath: string | undefined;

  return {
    dir,
    caFile,
    caPem,
    keyFile,
    async issueServerCert(names = []) {
      issued += 1;
      const base = join(dir, `server-${issued}`);
      const ips = new Set(['127.0.0.1']);
      const dns = new Set(['localhost']);
      for (const name of names) (isIP(name) ? ips : dns).add(name);
      const alt = [
        ...[...ips].map((ip, i) => `IP.${i + 1} = ${ip}`),
        ...[...dns].map((d, i) => `DNS.${i + 1} = ${d}`),
      ];
      await writeFile(
        `${base}.cnf`,
        [
          '[req]',
          'distinguished_name = dn',
          'prompt = no',
          '[dn]',
          'CN = ferry rig server',
          '[server_ext]',
          'basicConstraints = critical,CA:FALSE',
          'keyUsage = critical,digitalSignature',
          'extendedKeyUsage = serverAuth',
          'subjectKeyIdentifier = hash',
          'authorityKeyIdentifier = keyid',
          'subjectAltName = @alt',
          '[alt]',
          ...alt,
          '',
        ].join('\n'),
      );
      await runChecked('openssl', [
        'req',
        '-new',
        ...EC_KEY_ARGS,
        '-keyout',
        `${base}.key`,
        '-out',
        `${base}.csr`,
        '-config',
        `${base}.cnf`,
      ]);
      await runChecked('openssl', [
        'x509',
        '-req',
        '-in',
        `${base}.csr`,
        '-CA',
        caFile,
        '-CAkey',
        keyFile,
        '-set_serial',
        serial(),
        '-days',
        '2',
        '-extfile',
        `${base}.cnf`,
        '-extensions',
        'server_ext',
        '-out',
        `${base}.crt`,
      ]);
      return {
        certFile: `${base}.crt`,
        keyFile: `${base}.key`,
        certPem: await readFile(`${base}.crt`, 'utf8'),
        keyPem: await readFile(`${base}.key`, 'utf8'),
      };
    },
    async certDir() {
      if (certDirPath === undefined) {
        certDirPath = join(dir, 'cert-dir');
        await writeCertDir(certDirPath, caPem);
      }
      return certDirPath;
    },
  };
}

/** Writes `<dir>/ca.crt`; the shape of a skopeo `--cert-dir` and of a ferry CA directory. */
export async function writeCertDir(dir: string, caPem: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'ca.crt'), caPem);
  return dir;
}

/** Writes `<root>/<host:port>/ca.crt`, the containers `certs.d` layout (per-registry CA dirs). */
export async function writeCertsD(root: string, host: string, caPem: string): Promise<string> {
  return writeCertDir(join(root, host), caPem);
}

function serial(): string {
  // Positive 64-bit serial; unique so clients caching by issuer+serial never get confused.
  return `0x${(randomBytes(8)[0]! & 0x7f).toString(16).padStart(2, '0')}${randomBytes(7).toString('hex')}`;
}
