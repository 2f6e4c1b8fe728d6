/**
 * `ferry releases [list]` (`GET /api/v1/releases`, filters environment, repository, rule) and
 * `ferry releases show ENVIRONMENT REPOSITORY TAG` (one release and the history of its tag).
 */

import { environmentProblem } from '../../api/field-rules.ts';
import { PATHS, releasePath } from '../../api/paths.ts';
import {
  listReleasesQuerySchema,
  NO_ENVIRONMENT_SEGMENT,
  releaseDetailSchema,
  releaseListSchema,
} from '../../api/release.ts';
import { BadUsageError } from '../../errors/kinds.ts';
import { repositoryPathProblem, tagProblem } from '../../reference/index.ts';
import { type OperatorFlags, runOperatorCommand } from '../api-client/operator-command.ts';
import { quoteValue } from '../flags/quote-value.ts';
import { type CliIo, ExitCode } from '../io.ts';
import { releaseDetail, releaseTable } from './release-text.ts';

export interface ReleaseListFlags extends OperatorFlags {
  readonly environment?: string | undefined;
  readonly repository?: string | undefined;
  readonly rule?: string | undefined;
}

export function listReleases(flags: ReleaseListFlags, io: CliIo): Promise<number> {
  const query = { environment: flags.environment, repository: flags.repository, rule: flags.rule };
  return runOperatorCommand(
    flags,
    io,
    async (client, out) => {
      const body = await client.read(PATHS.releases, releaseListSchema, query);
      if (out.json) out.write(`${JSON.stringify(body, null, 2)}\n`);
      else if (body.releases.length === 0) out.note('no releases match\n');
      else out.write(releaseTable(body.releases, out.width));
      return ExitCode.Ok;
    },
    () => {
      const parsed = listReleasesQuerySchema.safeParse(
        Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)),
      );
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const name = String(issue.path[0] ?? '');
        throw new BadUsageError(
          `--${name} ${quoteValue(String(query[name as keyof typeof query] ?? ''))} is invalid: ${issue.message}`,
        );
      }
    },
  );
}

function checkArgument(name: string, value: string, problem: (v: string) => string | undefined): void {
  const reason = problem(value);
  if (reason !== undefined) throw new BadUsageError(`${name} ${quoteValue(value)} is invalid: ${reason}`);
}

export function showRelease(
  environment: string,
  repository: string,
  tag: string,
  flags: OperatorFlags,
  io: CliIo,
): Promise<number> {
  return runOperatorCommand(
    flags,
    io,
    async (client, out) => {
      const env = environment === NO_ENVIRONMENT_SEGMENT ? null : environment;
      const body = await client.read(releasePath(env, repository, tag), releaseDetailSchema);
      out.write(
        out.json
          ? `${JSON.stringify(body, null, 2)}\n`
          : releaseDetail(body.release, body.history, out.width),
      );
      return ExitCode.Ok;
    },
    () => {
      if (environment !== NO_ENVIRONMENT_SEGMENT)
        checkArgument('ENVIRONMENT', environment, environmentProblem);
      checkArgument('REPOSITORY', repository, repositoryPathProblem);
      checkArgument('TAG', tag, tagProblem);
    },
  );
}
