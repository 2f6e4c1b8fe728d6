import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, test } from 'node:test';
import type { CliIo } from '../../src/cli/io.ts';
import { run } from '../../src/cli/program.ts';
import { EXAMPLE_CONFIG } from '../../src/service/config/example-config.ts';
import { freePort } from '../rig/ports.ts';
import { makeTempDir } from '../rig/temp-dir.ts';
import { startTestServer, writeServeConfig } from './serve-fixture.ts';

/*
 * `ferry serve` as the CLI starts it, in-process: which database it picks, the example config it
 * prints, and what a started embedded instance reports to probes and Prometheus.
 */

const temp = await makeTempDir('serve-start');
after(() => temp.remove());

interface Captured {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function ferry(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Captured> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  const io: CliIo = { stdout, stderr, stdin: new PassThrough(), env: { FERRY_LOG_LEVEL: 'silent', ...env } };
  const code = await run(args, io);
  return { code, stdout: out, stderr: err };
}

describe('ferry serve --print-example-config', () => {
  test('prints the example ferry.yaml to stdout, exits 0 and starts nothing', async () => {
    // No ferry.yaml where it would look: starting would fail with a config error.
    const result = await ferry([
      'serve',
      '--config',
      join(temp.path, 'missing.yaml'),
      '--print-example-config',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, EXAMPLE_CONFIG);
    assert.equal(result.stderr, '');
  });
});

describe('which database ferry serve uses', async () => {
  // Nothing listens on these ports: each start fails at once, naming the URL it tried.
  const [envPort, filePort, flagPort] = [await freePort(), await freePort(), await freePort()];
  // Never reached (the database fails first), but no test may bind the default 0.0.0.0:8080.
  const listen = ['--listen', `127.0.0.1:${await freePort()}`];
  const envUrl = `postgres://from-env@127.0.0.1:${envPort}/ferry`;
  const fileUrl = `postgres://from-file@127.0.0.1:${filePort}/ferry`;
  const flagUrl = `postgres://from-flag@127.0.0.1:${flagPort}/ferry`;
  const urlFile = join(temp.path, 'database-url');
  await writeFile(urlFile, `${fileUrl}\n`, { mode: 0o600 });
  const withFile = await writeServeConfig({
    dir: await makeTempDir('serve-db-file').then((d) => {
      after(() => d.remove());
      return d.path;
    }),
    server: { databaseUrl: { file: urlFile } },
  });
  const withoutFile = await writeServeConfig({
    dir: await makeTempDir('serve-db-none').then((d) => {
      after(() => d.remove());
      return d.path;
    }),
  });

  test('server.databaseUrl in ferry.yaml wins over FERRY_DATABASE_URL', async () => {
    const result = await ferry(['serve', '--config', withFile.path, ...listen], {
      FERRY_DATABASE_URL: envUrl,
    });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /from-file@/);
    assert.doesNotMatch(result.stderr, /from-env/);
  });

  test('--database-url wins over both', async () => {
    const result = await ferry(['serve', '--config', withFile.path, ...listen, '--database-url', flagUrl], {
      FERRY_DATABASE_URL: envUrl,
    });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /from-flag@/);
    assert.doesNotMatch(result.stderr, /from-(file|env)/);
  });

  test('FERRY_DATABASE_URL is the default when ferry.yaml names no database', async () => {
    const result = await ferry(['serve', '--config', withoutFile.path, ...listen], {
      FERRY_DATABASE_URL: envUrl,
    });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /from-env@/);
  });
});

describe('a started embedded instance', async () => {
  const { path } = await writeServeConfig({ dir: temp.path });
  const server = await startTestServer(path);
  after(() => server.close(0));

  test('is ready: /readyz checks the database and the queue and answers 200', async () => {
    assert.equal(server.database, 'embedded');
    const ready = await fetch(`${server.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready' });
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  });

  test('/metrics reports waiting and running promotion jobs apart', async () => {
    const body = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(body, /\nferry_queue_depth 0\n/);
    assert.match(body, /\nferry_promotions_running 0\n/);
  });
});
