/**
 * What each registry now says, asked with `ferry digest` (one HEAD each): the tag's digest on nonprod
 * and on prod, and whether the signature tag reached prod. prod is reached as ferry serve reaches it:
 * through the per-run CA, with the password from its file (on stdin, never in argv).
 */
import { readFile } from 'node:fs/promises';
import type { RegistryInstance } from '../../test/rig/registry.ts';
import type { DemoConfig } from './demo-config.ts';
import { runFerryCli } from './run-ferry-cli.ts';

export interface Digests {
  readonly nonprod: string | undefined;
  readonly prod: string | undefined;
  readonly signatureOnProd: boolean;
  /** What a failed `ferry digest` said (the signature check's "not found" is an answer, not a problem). */
  readonly problems: readonly string[];
}

export async function readDigests(input: {
  readonly nonprod: RegistryInstance;
  readonly prod: RegistryInstance;
  readonly config: DemoConfig;
  readonly repository: string;
  readonly tag: string;
  readonly signatureTag: string;
}): Promise<Digests> {
  const password = await readFile(input.config.prodPasswordFile, 'utf8');
  const prodDigest = (tag: string) =>
    runFerryCli(
      [
        'digest',
        '--cert-dir',
        input.prod.certDir!,
        '--username',
        input.prod.username!,
        '--password-stdin',
        `docker://${input.prod.host}/${input.repository}:${tag}`,
      ],
      { input: password },
    );
  const [nonprod, prod, signature] = await Promise.all([
    runFerryCli([
      'digest',
      '--tls-verify=false',
      `docker://${input.nonprod.host}/${input.repository}:${input.tag}`,
    ]),
    prodDigest(input.tag),
    prodDigest(input.signatureTag),
  ]);
  const digestOf = (run: { code: number; stdout: string }) =>
    run.code === 0 ? run.stdout.trim() : undefined;
  return {
    nonprod: digestOf(nonprod),
    prod: digestOf(prod),
    signatureOnProd: signature.code === 0,
    problems: [nonprod, prod].filter((run) => run.code !== 0).map((run) => run.stderr.trim()),
  };
}
