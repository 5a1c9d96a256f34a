import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  Kysely,
  PostgresDialect,
  SqliteAdapter,
  SqliteDriver,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import { Pool, types } from 'pg';
import type { Database } from './schema';

/** Which database engine a store runs on. */
export type DialectName = 'sqlite' | 'postgres';

/** File name of the embedded database inside the data folder. */
export const SQLITE_FILE = 'coordination.sqlite';

/**
 * SQLite transactions start with BEGIN IMMEDIATE: a deferred transaction that reads and then
 * writes fails at once with SQLITE_BUSY when another process wrote in between (the busy timeout
 * does not apply to that upgrade), whereas IMMEDIATE waits for the write lock up front.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/**
 * better-sqlite3 compiles a statement on every `prepare()`, and Kysely prepares every query it runs: compiling was
 * the largest single cost of sending an email through the outbox (bench/email.ts profile). The store's queries are a
 * small set of shapes, so each compiled statement is kept (the oldest dropped past `max`) and used again; a statement
 * still iterating a stream is busy, and then the query gets a fresh one.
 */
function withStatementCache(database: BetterSqlite3.Database, max = 1000) {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => database.close(),
    prepare(sql: string): BetterSqlite3.Statement {
      const kept = statements.get(sql);
      if (kept && !kept.busy) return kept;
      const statement = database.prepare(sql);
      if (!kept) {
        if (statements.size >= max) statements.delete(statements.keys().next().value!);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}

/** Opens the embedded SQLite file `<dataDir>/coordination.sqlite` in WAL mode with a busy timeout, so several processes can share it. */
export function openSqlite(dataDir: string): Kysely<Database> {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, SQLITE_FILE);
  const database = new BetterSqlite3(file, { timeout: 5000 });
  database.pragma('journal_mode = WAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  const config = { database: withStatementCache(database) };
  const dialect: Dialect = {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new ImmediateSqliteDriver(config),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  };
  return new Kysely<Database>({ dialect });
}

// Integers stay numbers: COUNT(*) and BIGINT come back as strings from pg by default.
types.setTypeParser(types.builtins.INT8, (v: string) => Number(v));

/** Opens a PostgreSQL pool for `DATABASE_URL`. */
export function openPostgres(databaseUrl: string, poolSize = 10): Kysely<Database> {
  const pool = new Pool({ connectionString: databaseUrl, max: poolSize });
  // An idle connection dropped by the server (restart, failover, admin termination) emits 'error' on the pool;
  // without a listener Node would crash the process. The pool discards that client and opens a new one on demand.
  pool.on('error', (err) => console.warn(`database: idle connection lost (${err.message}); it will be replaced`));
  // A connection lost while checked out (held by a transaction between two statements) emits 'error' on its client,
  // which the pool does not listen to then: without this listener the process would crash. The transaction's next
  // statement fails instead (its caller retries), and the pool discards the client when it is released.
  const lostInUse = (err: Error) =>
    console.warn(`database: connection lost in use (${err.message}); it will be replaced`);
  pool.on('acquire', (client) => client.on('error', lostInUse));
  pool.on('release', (_err, client) => client.removeListener('error', lostInUse));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
