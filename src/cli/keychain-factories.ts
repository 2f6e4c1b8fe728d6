import { homedir } from 'node:os';
import { AuthFileKeychain } from '../auth/auth-file-keychain.ts';
import { TokenFileKeychain } from '../auth/token-file-keychain.ts';
import type { KeychainFactories } from './flags/side-flags.ts';
import type { CliIo } from './io.ts';

/** The CLI's composition of credential sources (the only place that picks implementations). */
export function keychainFactories(io: CliIo): KeychainFactories {
  let stdin: Promise<string> | undefined;
  return {
    authFile: ({ authFile }) =>
      new AuthFileKeychain({ authFile, env: io.env, homeDir: io.env.HOME ?? homedir() }),
    tokenFile: ({ path, username }) => new TokenFileKeychain({ path, username }),
    readStdin: () => {
      stdin ??= (async () => {
        const chunks: Buffer[] = [];
        for await (const chunk of io.stdin) chunks.push(Buffer.from(chunk as Buffer));
        return Buffer.concat(chunks).toString('utf8');
      })();
      return stdin;
    },
  };
}
