import { type Kysely, sql } from 'kysely';
import type { DialectName } from '../dialect';
import type { Database } from '../schema';
import type { Migration } from './migration';

/** Arbitrary constant: the PostgreSQL advisory lock that serialises migrations across processes. */
const MIGRATION_LOCK = 4_240_001;

/**
 * Applies the migrations not yet recorded, in order, in one transaction. Safe when several
 * processes start at once: PostgreSQL takes an advisory lock, SQLite a write lock (BEGIN IMMEDIATE),
 * so the second process waits and then finds nothing left to do. Returns the names applied.
 */
export async function runMigrations(
  db: Kysely<Database>,
  dialect: DialectName,
  migrations: Migration[],
): Promise<string[]> {
  const names = new Set<string>();
  for (const m of migrations) {
    if (names.has(m.name)) throw new Error(`duplicate migration name: ${m.name}`);
    names.add(m.name);
  }
  await db.schema
    .createTable('schema_migrations')
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('applied_at', 'text', (c) => c.notNull())
    .execute()
    .catch(async (err: unknown) => {
      // Two PostgreSQL processes racing on CREATE TABLE IF NOT EXISTS can collide on the catalog; the table exists then.
      const exists = await db
        .selectFrom('schema_migrations')
        .select('name')
        .limit(1)
        .execute()
        .then(
          () => true,
          () => false,
        );
      if (!exists) throw err;
    });
  return db.transaction().execute(async (trx) => {
    if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(trx);
    const done = new Set((await trx.selectFrom('schema_migrations').select('name').execute()).map((r) => r.name));
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.name)) continue;
      await m.up(trx, dialect);
      await trx
        .insertInto('schema_migrations')
        .values({ name: m.name, applied_at: new Date().toISOString() })
        .execute();
      applied.push(m.name);
    }
    return applied;
  });
}
