/**
 * The frame every operator command (`ferry promotions …`, `ferry releases …`) runs in: check the
 * connection flags, read the API token (file or FERRY_TOKEN, never argv), open one connection, run the
 * command's body with an ApiClient, and turn any failure into `ferry: <message> [<code>]` with the exit
 * code it means (api-client-error.ts), the token cut out of anything printed.
 */
import { BadUsageError } from '../../errors/kinds.ts';
import { openConnection, type ServerConnection } from '../api-client/open-connection.ts';
import { reportError } from '../error-report.ts';
import type { CliIo } from '../io.ts';
import { ApiClient } from './api-client.ts';
import {
  readConnectionFlags,
  readToken,
  refuseTokenFlag,
  type ServerFlags,
  TOKEN_ENV,
} from './server-options.ts';

export interface OperatorFlags extends ServerFlags {
  readonly json?: boolean | undefined;
}

/** Where a command writes: the `--json` switch and whether stdout is a terminal (tables fit its width). */
export interface OperatorOutput {
  readonly json: boolean;
  /** Terminal width, or undefined when stdout is not a terminal (nothing is cut). */
  readonly width: number | undefined;
  write(text: string): void;
  /** Notes for people (pagination hints): stderr, so stdout stays parseable. */
  note(text: string): void;
}

export async function runOperatorCommand(
  flags: OperatorFlags,
  io: CliIo,
  body: (client: ApiClient, out: OperatorOutput) => Promise<number>,
  /** Checks of the command's own flags and arguments, run before anything is read or sent. */
  validate?: () => void,
): Promise<number> {
  let token: string | undefined;
  let server: ServerConnection | undefined;
  try {
    refuseTokenFlag(flags);
    validate?.();
    const settings = await readConnectionFlags(flags, io.env);
    token = await readToken(flags, io.env);
    if (token === undefined) {
      throw new BadUsageError(
        `no API token: pass --token-file PATH or set ${TOKEN_ENV} (never on the command line)`,
      );
    }
    server = await openConnection(settings, io);
    const client = new ApiClient({ http: server.http, token });
    return await body(client, {
      json: flags.json === true,
      width: io.stdout.isTTY === true ? io.stdout.columns : undefined,
      write: (text) => io.stdout.write(text),
      note: (text) => io.stderr.write(text),
    });
  } catch (err) {
    const { exitCode, message } = reportError(err, '');
    io.stderr.write(
      `${token !== undefined && token.length >= 4 ? message.split(token).join('***') : message}\n`,
    );
    return exitCode;
  } finally {
    await server?.close();
  }
}
