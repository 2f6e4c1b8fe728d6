/**
 * `ferry generate-sigstore-key --output-prefix P --passphrase-file F`: skopeo 1.11's command (skopeo
 * 1.9 has none; cosign's is `generate-key-pair`). Writes `P.private`, an ECDSA P-256 key encrypted the
 * way cosign and skopeo read it (cosign-private-key.ts), mode 0600, and `P.pub`, its PEM public key for
 * policy.json `keyPath` or `cosign verify --key`. Existing files are never overwritten. No prompt: the
 * passphrase comes from the first line of `--passphrase-file` (skopeo prompts on a terminal).
 */
import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { BadUsageError } from '../../errors/kinds.ts';
import type { CommandResult } from '../command-result.ts';
import { reportError } from '../error-report.ts';
import { readPassphraseFile } from '../flags/signing-options.ts';
import { readGlobalOptions } from '../global-options.ts';
import { type CliIo, ExitCode } from '../io.ts';

export function registerGenerateSigstoreKey(program: Command, io: CliIo, result: CommandResult): void {
  program
    .command('generate-sigstore-key')
    .description(
      'Generate a sigstore (cosign) key pair: PREFIX.private (encrypted) and PREFIX.pub, for copy --sign-by-sigstore-private-key and policy.json sigstoreSigned',
    )
    .option('--output-prefix <prefix>', 'write the keys to PREFIX.pub and PREFIX.private')
    .option(
      '--passphrase-file <path>',
      'read the passphrase for the private key from the first line of this file',
    )
    .action(async (opts: { outputPrefix?: string; passphraseFile?: string }, command: Command) => {
      try {
        if (opts.outputPrefix === undefined || opts.outputPrefix === '') {
          throw new BadUsageError(
            'Usage: generate-sigstore-key --output-prefix PREFIX --passphrase-file FILE',
          );
        }
        if (opts.passphraseFile === undefined) {
          throw new BadUsageError('--passphrase-file is required: ferry does not prompt for the passphrase');
        }
        const privatePath = `${opts.outputPrefix}.private`;
        const publicPath = `${opts.outputPrefix}.pub`;
        const passphrase = await readPassphraseFile(opts.passphraseFile);
        const { encryptCosignPrivateKey } = await import('../../signature/cosign-private-key.ts');
        const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        let pem: string;
        try {
          pem = await encryptCosignPrivateKey(privateKey, passphrase);
        } finally {
          passphrase.fill(0);
        }
        // 'wx': refuse to overwrite, atomically (skopeo checks first, then writes).
        await writeKeyFile(privatePath, pem, 0o600);
        await writeKeyFile(publicPath, publicKey.export({ type: 'spki', format: 'pem' }) as string, 0o644);
        io.stdout.write(`Key written to "${privatePath}" and "${publicPath}"\n`);
        result.exitCode = ExitCode.Ok;
      } catch (err) {
        const { exitCode, message } = reportError(err, 'generate-sigstore-key: ', readGlobalOptions(command));
        io.stderr.write(`${message}\n`);
        result.exitCode = exitCode;
      }
    });
}

async function writeKeyFile(path: string, content: string, mode: number): Promise<void> {
  try {
    await writeFile(path, content, { flag: 'wx', mode });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new BadUsageError(
      code === 'EEXIST'
        ? `Refusing to overwrite existing "${path}"`
        : `cannot write ${path}: ${code ?? 'error'}`,
    );
  }
}
