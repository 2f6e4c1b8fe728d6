/**
 * How to create the Secrets the target Deployment mounts. Every value travels through a file created
 * under `umask 077` and `--from-file`, never `--from-literal` or a `$(…)` argument: argv is visible in
 * the process list, shell history and CI command echo (the seed leaked its tokens exactly that way).
 */
import type { TargetOptions } from './bootstrap-options.ts';
import { DOCKER_CONFIG_KEY, TOKEN_KEY, WEBHOOK_KEY } from './mount-paths.ts';
import { cliName, targetNames } from './object-meta.ts';

const DOCKER_CONFIG_TYPE = 'kubernetes.io/dockerconfigjson';

export function secretInstructions(options: TargetOptions): string[] {
  const cli = `${cliName(options.platform)} -n ${options.namespace}`;
  const names = targetNames(options.name);
  const lines = [
    'Before applying, create the Secrets it mounts. Values go through files only you can read, never',
    'through a command line (the commands below print nothing secret):',
    '  umask 077',
    '',
  ];

  if (options.sourceAuth === 'token') {
    lines.push(
      `1. The pull-only token of the non-prod cluster, as file nonprod-token (see \`ferry bootstrap ${options.platform} --role source\`):`,
      `     ${cli} create secret generic ${names.sourceToken} --from-file=${TOKEN_KEY}=nonprod-token`,
      '     rm -f nonprod-token',
    );
  } else {
    lines.push(
      '1. A pull-only robot account of the source registry, as an auth file (the password is read from stdin):',
      `     skopeo login --authfile nonprod-auth.json --username <robot> --password-stdin ${options.sourceRegistry} < <password file>`,
      `     ${cli} create secret generic ${names.sourceAuth} --type=${DOCKER_CONFIG_TYPE} --from-file=${DOCKER_CONFIG_KEY}=nonprod-auth.json`,
      '     rm -f nonprod-auth.json',
    );
  }
  if (options.targetAuth === 'auth-file') {
    lines.push(
      `   A robot account of the target registry that may push to ${options.targetNamespace} only:`,
      `     skopeo login --authfile prod-auth.json --username <robot> --password-stdin ${options.targetRegistry} < <password file>`,
      `     ${cli} create secret generic ${names.targetAuth} --type=${DOCKER_CONFIG_TYPE} --from-file=${DOCKER_CONFIG_KEY}=prod-auth.json`,
      '     rm -f prod-auth.json',
    );
  }
  lines.push(
    '2. The Standard Webhooks secret that signs triggers; the non-prod CI needs the same file',
    "   (`ferry trigger --secret-file`), so store it in the CI's secret store before removing it:",
    '     { printf whsec_; openssl rand -base64 32; } > webhook-secret',
    `     ${cli} create secret generic ${names.webhook} --from-file=${WEBHOOK_KEY}=webhook-secret`,
    '     rm -f webhook-secret',
    '',
    'Rotation: rerun a `create secret` command with `--dry-run=client -o yaml | ' +
      `${cliName(options.platform)} apply -f -\` appended;`,
    'ferry re-reads mounted files, no restart needed.',
  );
  return lines;
}
