import type { Kysely } from 'kysely';
import type { DialectName } from '../dialect';

/** One schema change. `up` runs inside the migration transaction and must work on SQLite and PostgreSQL. */
export interface Migration {
  /** Unique and stable forever: it is recorded in `schema_migrations`. */
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations describe the schema before the current types
  up(db: Kysely<any>, dialect: DialectName): Promise<void>;
}
