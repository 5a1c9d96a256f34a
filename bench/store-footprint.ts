/** What the records take in the store: rows and bytes per table, read from SQLite itself. */
import { sql } from 'kysely';
import type { Store } from '../src/store';

/** Per table, its indexes included. */
export interface TableFootprint {
  rows: number;
  /** Bytes of the records themselves (`dbstat.payload`): what each row adds, whatever the pages' free space. */
  bytes: number;
  /** Bytes of the pages on disk (`dbstat.pgsize`): whole pages, so a few rows more may add nothing or 4 KiB. */
  diskBytes: number;
}

/** The footprint of each table, by name. */
export type StoreFootprint = Record<string, TableFootprint>;

const FIELDS = ['rows', 'bytes', 'diskBytes'] as const;

/** Every table's rows, record bytes and page bytes, from SQLite's `dbstat` table. SQLite stores only. */
export async function storeFootprint(store: Store): Promise<StoreFootprint> {
  if (store.dialect !== 'sqlite')
    throw new Error('storeFootprint reads SQLite pages (dbstat); this store is PostgreSQL');
  const tables = await sql<{ name: string; bytes: number; diskBytes: number }>`
    select m.tbl_name as name, sum(s.payload) as bytes, sum(s.pgsize) as diskBytes
    from dbstat s join sqlite_schema m on m.name = s.name
    where m.tbl_name not like 'sqlite_%'
    group by m.tbl_name`.execute(store.db);
  const footprint: StoreFootprint = {};
  for (const { name, bytes, diskBytes } of tables.rows) {
    const count = await sql<{ n: number }>`select count(*) as n from ${sql.table(name)}`.execute(store.db);
    footprint[name] = { rows: Number(count.rows[0].n), bytes: Number(bytes), diskBytes: Number(diskBytes) };
  }
  return footprint;
}

/** What each table gained from `before` to `after` (tables that did not change are left out). */
export function footprintGrowth(before: StoreFootprint, after: StoreFootprint): StoreFootprint {
  const growth: StoreFootprint = {};
  for (const [name, now] of Object.entries(after)) {
    const was = before[name];
    const gained = mapFields((f) => now[f] - (was?.[f] ?? 0));
    if (FIELDS.some((f) => gained[f] !== 0)) growth[name] = gained;
  }
  return growth;
}

/** Every table's figures divided by `n` (per project). */
export function footprintPer(footprint: StoreFootprint, n: number): StoreFootprint {
  return Object.fromEntries(Object.entries(footprint).map(([name, t]) => [name, mapFields((f) => t[f] / n)]));
}

/** The figures of all tables added up. */
export function footprintTotal(footprint: StoreFootprint): TableFootprint {
  return mapFields((f) => Object.values(footprint).reduce((sum, t) => sum + t[f], 0));
}

function mapFields(value: (field: (typeof FIELDS)[number]) => number): TableFootprint {
  return { rows: value('rows'), bytes: value('bytes'), diskBytes: value('diskBytes') };
}
