/** What /readyz checks in production: the database answers a query and the Temporal frontend answers a call. */
import type { Client } from '@temporalio/client';
import { sql, type Kysely } from 'kysely';
import type { ReadinessCheck } from './app';

/** The readiness checks of the API process (src/api/main.ts), shared with the tests so they check the same things. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any store's database: only `select 1` is run
export function readinessChecks(db: Kysely<any>, client: Client): Record<'database' | 'temporal', ReadinessCheck> {
  return {
    database: async () => void (await sql`select 1`.execute(db)),
    temporal: async () => void (await client.workflowService.getSystemInfo({})),
  };
}
