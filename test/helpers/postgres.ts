/**
 * A real PostgreSQL server for tests. With `DATABASE_URL_ADMIN` (a URL with rights to create
 * databases) the tests use that server; otherwise a throwaway server is started from the Debian
 * binaries (/usr/lib/postgresql/<newest>/bin) in a temp folder on a free port and stopped at the end.
 * Missing binaries FAIL the test with the apt-get command to run: never skipped.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

/** A running server tests can create databases on. */
export interface PostgresServer {
  /** URL of the `postgres` maintenance database, with rights to create databases. */
  adminUrl: string;
  /** Creates a fresh empty database and returns its URL. */
  createDatabase(): Promise<string>;
  /** Drops a database created by createDatabase (closing any connection left to it). */
  dropDatabase(url: string): Promise<void>;
  /** Stops a server this helper started (no-op for DATABASE_URL_ADMIN). */
  stop(): Promise<void>;
  /**
   * Crashes and restarts a server this helper started (`pg_ctl stop -m immediate`, then start on the same port):
   * every connection is cut, and the server is back once it has replayed its log; `downForMs` keeps it down that
   * long first (connections are refused meanwhile). Throws for DATABASE_URL_ADMIN.
   */
  restart(options?: { downForMs?: number }): Promise<void>;
}

/** The newest PostgreSQL bin folder installed by Debian packages, or undefined. */
export function findPostgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return undefined;
  const versions = fs
    .readdirSync(root)
    .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] && path.join(root, versions[0], 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function admin<T>(adminUrl: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

function databaseOps(adminUrl: string) {
  return {
    async createDatabase(): Promise<string> {
      const name = `test_${randomBytes(6).toString('hex')}`;
      await admin(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async dropDatabase(dbUrl: string): Promise<void> {
      const name = new URL(dbUrl).pathname.slice(1);
      if (!/^test_[0-9a-f]+$/.test(name))
        throw new Error(`refusing to drop a database the tests did not create: ${name}`);
      await admin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** Starts (or connects to) a PostgreSQL server; throws with `apt-get install postgresql` when none is available. */
export async function startPostgres(): Promise<PostgresServer> {
  const given = process.env.DATABASE_URL_ADMIN;
  if (given) {
    const restart = async () => {
      throw new Error('cannot restart a PostgreSQL server named by DATABASE_URL_ADMIN');
    };
    return { adminUrl: given, ...databaseOps(given), stop: async () => {}, restart };
  }

  const bin = findPostgresBin();
  if (!bin) {
    throw new Error(
      'PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin. Install them with `apt-get install postgresql` ' +
        '(or set DATABASE_URL_ADMIN to a server where the tests may create databases).',
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coord-pg-'));
  // PostgreSQL refuses to run as root: run its binaries as the `postgres` user, which must own the folder.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    fs.chownSync(dir, uid, gid);
  }
  const run = (cmd: string, args: string[]) => {
    const [file, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args]]
      : [path.join(bin, cmd), args];
    const r = spawnSync(file, argv, { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr || r.stdout}`);
  };
  const data = path.join(dir, 'data');
  run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  // Fast but crash-safe for a process crash (what restart() does): no fsync (the machine does not lose power in a
  // test), but each commit's WAL is written to the OS before the commit returns (synchronous_commit on), so a
  // crashed server replays every acknowledged commit. With synchronous_commit off a crash loses the last commits.
  const start = () =>
    run('pg_ctl', [
      '-D',
      data,
      '-l',
      path.join(dir, 'server.log'),
      '-w',
      '-t',
      '60',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=400`,
      'start',
    ]);
  start();
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    adminUrl,
    ...databaseOps(adminUrl),
    async restart(options = {}) {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      if (options.downForMs) await new Promise((r) => setTimeout(r, options.downForMs));
      start();
    },
    async stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

let shared: { server: Promise<PostgresServer>; users: number } | undefined;

/** A server shared by the tests of this process; release it when done (the last release stops it). */
export async function acquirePostgres(): Promise<{ server: PostgresServer; release: () => Promise<void> }> {
  if (!shared) shared = { server: startPostgres(), users: 0 };
  const entry = shared;
  entry.users++;
  let server: PostgresServer;
  try {
    server = await entry.server;
  } catch (err) {
    entry.users--;
    if (shared === entry) shared = undefined;
    throw err;
  }
  let released = false;
  return {
    server,
    async release() {
      if (released) return;
      released = true;
      entry.users--;
      if (entry.users === 0 && shared === entry) {
        shared = undefined;
        await server.stop();
      }
    },
  };
}
