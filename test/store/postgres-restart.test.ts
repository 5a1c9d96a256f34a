/**
 * The records' PostgreSQL crashes and comes back (a restart, a failover): a process using the store keeps running,
 * what was in flight fails (its caller retries), and the store works again without a restart of the process.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openStore, type Store } from '../../src/store';
import { startPostgres, type PostgresServer } from '../helpers/postgres';

let postgres: PostgresServer;
let store: Store;
let dataDir: string;

beforeAll(async () => {
  postgres = await startPostgres();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'coord-pg-restart-'));
  store = await openStore({ dataDir, databaseUrl: await postgres.createDatabase() });
}, 60_000);

afterAll(async () => {
  await store?.close();
  await postgres?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

it('keeps the process alive when the server crashes while a transaction holds a connection, and works after it', async () => {
  const warnings: string[] = [];
  const warn = jest.spyOn(console, 'warn').mockImplementation((line: string) => void warnings.push(line));
  try {
    const transaction = store.db.transaction().execute(async (trx) => {
      await sql`select 1`.execute(trx);
      // The connection is checked out and idle (no statement running) when the server goes away.
      await postgres.restart();
      await sql`select 1`.execute(trx);
    });
    await expect(transaction).rejects.toThrow();
    const { rows } = await sql<{ n: number }>`select count(*) as n from schema_migrations`.execute(store.db);
    expect(Number(rows[0].n)).toBeGreaterThan(0);
  } finally {
    warn.mockRestore();
  }
  expect(warnings.some((w) => w.includes('connection lost in use'))).toBe(true);
}, 60_000);
