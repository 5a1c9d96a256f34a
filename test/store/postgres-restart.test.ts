/**
 * The records' PostgreSQL crashes and comes back (a restart, a failover): a process using the store keeps running,
 * what was in flight fails (its caller retries), and the store works again without a restart of the process.
 */
import { sql } from 'kysely';
import { acquirePostgres, type PostgresServer } from '../helpers/postgres';
import { createPostgresTestStore, type TestStore } from '../helpers/store';

let postgres: { server: PostgresServer; release: () => Promise<void> };
let store: TestStore;

beforeAll(async () => {
  // The file's own server (the helper's shared one, held here so that the test can crash and restart it).
  postgres = await acquirePostgres();
  store = await createPostgresTestStore();
}, 60_000);

afterAll(async () => {
  await store?.close();
  await postgres?.release();
});

it('keeps the process alive when the server crashes while a transaction holds a connection, and works after it', async () => {
  const warnings: string[] = [];
  const warn = jest.spyOn(console, 'warn').mockImplementation((line: string) => void warnings.push(line));
  try {
    const transaction = store.db.transaction().execute(async (trx) => {
      await sql`select 1`.execute(trx);
      // The connection is checked out and idle (no statement running) when the server goes away.
      await postgres.server.restart();
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
