import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import pg from 'pg';
import { killOnExit } from './kill-on-exit.ts';
import { freePort } from './ports.ts';
import { makeTempDir } from './temp-dir.ts';

/*
 * A throwaway PostgreSQL cluster for the store's tests: initdb in a temp dir, one `postgres` child on a
 * free loopback port, trust auth, fsync off. Needs the server binaries — Debian/Ubuntu package
 * `postgresql-15` (or any 13+; the highest /usr/lib/postgresql/N/bin is used, FERRY_PG_BIN overrides).
 */

export interface PostgresOptions {
  startTimeoutMs?: number;
}

export interface PostgresInstance {
  /** `postgres://ferry@127.0.0.1:PORT/postgres`: superuser, no password. */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** Server major version, e.g. 15. */
  readonly version: number;
  /** URL of another database on this cluster. */
  urlFor(database: string): string;
  /** Creates an empty database (default: a fresh unique name) and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /**
   * Creates a login role that must authenticate with `password` (scram-sha-256 over TCP, unlike the
   * trust-authenticated superuser) and an empty database it owns; returns `postgres://role:password@…`.
   */
  createPasswordDatabase(role: string, password: string): Promise<string>;
  /** `pg_dump` of a database (plain SQL, as the superuser). */
  dump(database: string): Promise<string>;
  /** Tail of the server log, for assertion messages. */
  logs(): string;
  /** Shuts the server down (fast), keeping its data: clients see a database that is down. */
  pause(): Promise<void>;
  /** Starts it again on the same port and data after pause(). */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

const SUPERUSER = 'ferry';
const LOG_TAIL_BYTES = 128 * 1024;
const READY = /database system is ready to accept connections/;

/** The directory holding initdb and postgres, or undefined when PostgreSQL is not installed. */
export async function findPostgresBinDir(): Promise<string | undefined> {
  const override = process.env['FERRY_PG_BIN'];
  if (override) return existsSync(join(override, 'initdb')) ? override : undefined;
  // Debian/Ubuntu keep the server binaries off PATH, one directory per major version.
  const debianRoot = '/usr/lib/postgresql';
  if (existsSync(debianRoot)) {
    const versions = (await readdir(debianRoot))
      .filter((v) => /^\d+$/.test(v) && existsSync(join(debianRoot, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(debianRoot, versions[0], 'bin');
  }
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const candidate = join(dir, 'initdb');
    if (dir && existsSync(candidate)) return dirname(await realpath(candidate));
  }
  return undefined;
}

interface RunAs {
  uid: number;
  gid: number;
}

/**
 * initdb and postgres refuse to run as root. As root, run them as the `postgres` system user when the
 * package created one, else as `nobody`; otherwise as ourselves.
 */
async function serverUser(): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = await readFile('/etc/passwd', 'utf8');
  const entries = new Map<string, RunAs>();
  for (const line of passwd.split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (name && uid && gid) entries.set(name, { uid: Number(uid), gid: Number(gid) });
  }
  const user = entries.get('postgres') ?? entries.get('nobody');
  if (!user) throw new Error('postgres rig: running as root but neither a postgres nor a nobody user exists');
  return user;
}

function run(file: string, args: readonly string[], opts: { cwd: string; as: RunAs | undefined }) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: opts.cwd,
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LANG: 'C', LC_ALL: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(opts.as ?? {}),
    });
    let output = '';
    const collect = (c: Buffer) => {
      output = (output + c.toString('utf8')).slice(-16_384);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${file} exited with ${code}: ${output.trim()}`)),
    );
  });
}

export async function startPostgres(opts: PostgresOptions = {}): Promise<PostgresInstance> {
  const binDir = await findPostgresBinDir();
  if (!binDir) {
    throw new Error('postgres rig: PostgreSQL server binaries not found (apt-get install postgresql-15)');
  }
  const as = await serverUser();
  const temp = await makeTempDir('postgres');
  try {
    const dataDir = join(temp.path, 'data');
    const socketDir = join(temp.path, 'socket');
    await mkdir(dataDir, { mode: 0o700 });
    await mkdir(socketDir, { mode: 0o700 });
    if (as) {
      // The server user must reach into root's 0700 temp dir and own what it writes.
      await chmod(temp.path, 0o711);
      await chown(dataDir, as.uid, as.gid);
      await chown(socketDir, as.uid, as.gid);
    }
    await run(
      join(binDir, 'initdb'),
      [
        '-D',
        dataDir,
        '-U',
        SUPERUSER,
        '--auth=trust',
        '--encoding=UTF8',
        '--locale=C',
        '--no-sync',
        '--no-instructions',
      ],
      { cwd: temp.path, as },
    );
    const version = Number(
      (await readFile(join(dataDir, 'PG_VERSION'), 'utf8').catch(() => '0')).trim().split('.')[0],
    );

    /** Starts the server on `port` and waits until it accepts connections. */
    const launch = async (port: number) => {
      const child = spawn(
        join(binDir, 'postgres'),
        [
          '-D',
          dataDir,
          '-p',
          String(port),
          '-k',
          socketDir,
          '-c',
          'listen_addresses=127.0.0.1',
          // Durability is pointless for a throwaway cluster and costs seconds per test file.
          '-c',
          'fsync=off',
          '-c',
          'synchronous_commit=off',
          '-c',
          'full_page_writes=off',
          '-c',
          'max_connections=200',
        ],
        {
          cwd: temp.path,
          env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LANG: 'C', LC_ALL: 'C' },
          stdio: ['ignore', 'pipe', 'pipe'],
          ...(as ?? {}),
        },
      );
      const unregister = killOnExit(child);
      let tail = '';
      const onData = (c: Buffer) => {
        tail = (tail + c.toString('utf8')).slice(-LOG_TAIL_BYTES);
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      try {
        await waitUntilReady(child, opts.startTimeoutMs ?? 15_000, () => tail);
      } catch (err) {
        await stopServer(child);
        unregister();
        throw Object.assign(err as Error, { logTail: tail });
      }
      return { child, unregister, logs: () => tail };
    };

    let lastError: Error | undefined;
    // freePort() can race with other processes grabbing the port; retry on a fresh one.
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      let server: Awaited<ReturnType<typeof launch>>;
      try {
        server = await launch(port);
      } catch (err) {
        lastError = err as Error;
        if (/could not bind|already in use/i.test((err as { logTail?: string }).logTail ?? '')) continue;
        throw err;
      }
      const urlFor = (database: string) =>
        `postgres://${SUPERUSER}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
      let counter = 0;
      let stopped = false;
      let running = true;
      return {
        url: urlFor('postgres'),
        port,
        dataDir,
        version,
        urlFor,
        async createDatabase(name?: string) {
          const db = name ?? `ferry_test_${process.pid}_${++counter}`;
          if (!/^[a-z_][a-z0-9_]{0,62}$/.test(db)) throw new Error(`postgres rig: bad database name ${db}`);
          const client = new pg.Client({ connectionString: urlFor('postgres') });
          await client.connect();
          try {
            // Identifiers cannot be bound as parameters; the name was validated above.
            await client.query(`CREATE DATABASE ${db}`);
          } finally {
            await client.end();
          }
          return urlFor(db);
        },
        async createPasswordDatabase(role: string, password: string) {
          if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role)) throw new Error(`postgres rig: bad role name ${role}`);
          const client = new pg.Client({ connectionString: urlFor('postgres') });
          await client.connect();
          try {
            // Identifiers cannot be bound as parameters; the name was validated above, the password quoted.
            const literal = client.escapeLiteral(password);
            await client.query(`CREATE ROLE ${role} LOGIN PASSWORD ${literal}`);
            await client.query(`CREATE DATABASE ${role} OWNER ${role}`);
            // pg_hba.conf is matched top down: this line must come before initdb's `trust` lines.
            const hba = join(dataDir, 'pg_hba.conf');
            const lines = await readFile(hba, 'utf8');
            await writeFile(hba, `host all ${role} 127.0.0.1/32 scram-sha-256\n${lines}`);
            await client.query('SELECT pg_reload_conf()');
          } finally {
            await client.end();
          }
          return `postgres://${role}:${encodeURIComponent(password)}@127.0.0.1:${port}/${role}`;
        },
        async dump(database: string) {
          const out = await new Promise<string>((resolve, reject) => {
            const child = spawn(join(binDir, 'pg_dump'), ['--dbname', urlFor(database)], {
              env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LANG: 'C' },
              stdio: ['ignore', 'pipe', 'pipe'],
            });
            const chunks: Buffer[] = [];
            let errors = '';
            child.stdout.on('data', (c: Buffer) => chunks.push(c));
            child.stderr.on('data', (c: Buffer) => {
              errors += c.toString();
            });
            child.once('error', reject);
            child.once('close', (code) =>
              code === 0
                ? resolve(Buffer.concat(chunks).toString('utf8'))
                : reject(new Error(`pg_dump exited with ${code}: ${errors.trim()}`)),
            );
          });
          return out;
        },
        logs: () => server.logs(),
        async pause() {
          if (!running) return;
          running = false;
          await stopServer(server.child);
          server.unregister();
        },
        async resume() {
          if (running || stopped) return;
          server = await launch(port);
          running = true;
        },
        async stop() {
          if (stopped) return;
          stopped = true;
          if (running) {
            await stopServer(server.child);
            server.unregister();
          }
          await temp.remove();
        },
      };
    }
    throw lastError ?? new Error('postgres rig: could not start');
  } catch (err) {
    await temp.remove();
    throw err;
  }
}

function waitUntilReady(child: ChildProcess, timeoutMs: number, logs: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      clearTimeout(timer);
      clearInterval(poll);
      child.removeListener('exit', onExit);
      if (err) reject(err);
      else resolve();
    };
    const onExit = (code: number | null) =>
      done(new Error(`postgres exited early (${code}): ${logs().trim()}`));
    const timer = setTimeout(
      () => done(new Error(`postgres not ready after ${timeoutMs} ms: ${logs().trim()}`)),
      timeoutMs,
    );
    // The server logs to stderr (no logging collector); readiness is its own announcement.
    const poll = setInterval(() => {
      if (READY.test(logs())) done();
    }, 20);
    child.once('exit', onExit);
  });
}

/** Fast shutdown (SIGINT: abort open sessions, no checkpoint wait), SIGKILL if it lingers. */
function stopServer(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGINT');
  });
}
