import { rootCertificates } from 'node:tls';
import { BadUsageError } from '../../errors/kinds.ts';
import { describeReadError, readSmallFile } from '../../service/config/read-small-file.ts';

/**
 * `--cacert FILE`: PEM certificate(s) trusted for the server *in addition to* the system roots (Node's
 * `ca` option replaces the roots; a corporate proxy or a public endpoint must keep working).
 */
export async function readCaFile(path: string): Promise<string[]> {
  let text: string;
  try {
    text = Buffer.from(await readSmallFile(path)).toString('utf8');
  } catch (err) {
    throw new BadUsageError(`--cacert ${JSON.stringify(path)}: cannot read it: ${describeReadError(err)}`, {
      cause: err,
    });
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new BadUsageError(`--cacert ${JSON.stringify(path)} holds no PEM certificate`);
  }
  return [...rootCertificates, text];
}
