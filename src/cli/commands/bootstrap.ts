/**
 * `ferry bootstrap openshift|kubernetes --role source|target`: prints the objects for one side of the
 * promotion flow as multi-document YAML on stdout (pipe it into `oc apply -f -`). Registration only;
 * the generator and the yaml library load when the command runs.
 */
import type { Command } from 'commander';
import type { CommandResult } from '../command-result.ts';
import { reportError } from '../error-report.ts';
import { collect } from '../flags/bool-flags.ts';
import { type CliIo, ExitCode } from '../io.ts';
import { VERSION } from '../version.ts';

export function registerBootstrap(program: Command, io: CliIo, result: CommandResult): void {
  program
    .command('bootstrap')
    .description(
      'Print Kubernetes/OpenShift YAML for one side of a promotion: a pull-only account on the source cluster (--role source), ferry serve on the target (--role target)',
    )
    .argument('<platform>', 'openshift or kubernetes')
    .option('--role <role>', 'source (the non-production cluster) or target (production)')
    .option(
      '--namespace <name>',
      'namespace of the service account and of ferry (default: source: the first --source-namespace; target: --target-namespace)',
    )
    .option(
      '--source-namespace <name>',
      'namespace (OpenShift project, registry namespace) images come from; repeatable with --role source',
      collect,
    )
    .option('--target-namespace <name>', 'namespace images are promoted to')
    .option('--name <name>', 'base name of the generated objects', 'ferry')
    .option(
      '--service-account <name>',
      'service account name (default: source: <name>-image-puller; target: <name>)',
    )
    .option(
      '--source-registry <host[:port]>',
      'registry images are pulled from, e.g. default-route-openshift-image-registry.apps.nonprod.example',
    )
    .option('--target-registry <host[:port]>', 'registry images are pushed to')
    .option('--create-namespace', 'also print the Namespace object')
    .option('--image <reference>', `ferry image (default: ghcr.io/ferry-dev/ferry:${VERSION})`)
    .option('--route-host <host>', 'host of the OpenShift Route (default: assigned by the router)')
    .option('--public-url <url>', "ferry's external https URL (default: https://<route host> when given)")
    .option('--tags <regex>', 'tags the promotion rule allows (default: git SHAs, [0-9a-f]{7,40})')
    .option(
      '--source-auth <kind>',
      "token (the source side's service-account token) or auth-file (a robot account); default: openshift token, kubernetes auth-file",
    )
    .option(
      '--target-auth <kind>',
      "service-account (ferry's own, push-only) or auth-file (a robot account); default: openshift service-account, kubernetes auth-file",
    )
    .option('--source-ca-configmap <name>', 'ConfigMap with a ca.crt to trust for the source registry')
    .option(
      '--target-ca-configmap <name>',
      "ConfigMap with a ca.crt to trust for the target registry (openshift default: the cluster's service CA, injected into ConfigMap <name>-service-ca)",
    )
    .option('--storage-size <size>', 'size of the data volume (default: 1Gi)')
    .option('--storage-class <name>', 'storage class of the data volume (default: the cluster default)')
    .option(
      '--viewer-token-sha256 <hex>',
      'SHA-256 of an API token the non-prod CI reads promotions with (ferry trigger --wait)',
    )
    .action(async (platform: string, opts: Record<string, unknown>) => {
      result.exitCode = await runBootstrap(platform, opts, io);
    });
}

async function runBootstrap(platform: string, opts: Record<string, unknown>, io: CliIo): Promise<number> {
  try {
    const { generateBootstrap, parseBootstrapOptions } = await import('../../bootstrap/index.ts');
    const options = parseBootstrapOptions({ ...opts, platform }, VERSION);
    io.stdout.write(generateBootstrap(options));
    return ExitCode.Ok;
  } catch (err) {
    const { exitCode, message } = reportError(err, 'bootstrap: ');
    io.stderr.write(`${message}\n`);
    return exitCode;
  }
}
