import { rootCertificates } from 'node:tls';
import { describeReadError, readSmallFile } from '../../auth/read-small-file.ts';
import { BadUsageError } from '../../errors/kinds.ts';

/** CA bundles are a few KiB; a megabyte is generous (a distribution's whole bundle is ~200 KiB). */
const MAX_CA_FILE_BYTES = 1024 * 1024;

/**
 * `--cacert FILE`: PEM certificate(s) trusted for the server *in addition to* the system roots (Node's
 * `ca` option replaces the roots; a corporate proxy or a public endpoint must keep working).
 */
export async function readCaFile(path: string, flag = '--cacert'): Promise<string[]> {
  let text: string;
  try {
    text = Buffer.from(await readSmallFile(path, MAX_CA_FILE_BYTES)).toString('utf8');
  } catch (err) {
    throw new BadUsageError(`${flag} ${JSON.stringify(path)}: cannot read it: ${describeReadError(err)}`, {
      cause: err,
    });
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new BadUsageError(`${flag} ${JSON.stringify(path)} holds no PEM certificate`);
  }
  return [...rootCertificates, text];
}
