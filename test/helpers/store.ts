/** Stores for tests: SQLite in a temp folder, or a fresh database on a real PostgreSQL server. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, type Store } from '../../src/store';
import { acquirePostgres } from './postgres';

/** A store for a test; `close()` also removes its folder or drops its database. */
export type TestStore = Store & { dataDir: string; databaseUrl?: string };

/** An empty SQLite store in a fresh temp folder. */
export async function createTestStore(): Promise<TestStore> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'coord-store-'));
  const store = await openStore({ dataDir });
  return {
    ...store,
    dataDir,
    async close() {
      await store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** An empty store on its own database of a real PostgreSQL server (started on demand, stopped after the last close). */
export async function createPostgresTestStore(): Promise<TestStore> {
  const { server, release } = await acquirePostgres();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'coord-store-'));
  try {
    const databaseUrl = await server.createDatabase();
    const store = await openStore({ dataDir, databaseUrl });
    return {
      ...store,
      dataDir,
      databaseUrl,
      async close() {
        try {
          await store.close();
          await server.dropDatabase(databaseUrl);
        } finally {
          fs.rmSync(dataDir, { recursive: true, force: true });
          await release();
        }
      },
    };
  } catch (err) {
    await release();
    throw err;
  }
}

/** Both kinds, for `describe.each`: every store test runs against SQLite and PostgreSQL. */
export const storeKinds: [string, () => Promise<TestStore>][] = [
  ['SQLite', createTestStore],
  ['PostgreSQL', createPostgresTestStore],
];

/** Keeps one PostgreSQL server up for the whole test file (call at the top of a file), instead of one per test. */
export function keepPostgresForThisFile(): void {
  let release: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    release = (await acquirePostgres()).release;
  }, 60_000);
  afterAll(async () => {
    await release?.();
  });
}
