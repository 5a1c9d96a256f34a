import type { Kysely } from 'kysely';
import type { Database } from './schema';

/** The idempotency key of a write a workflow asks for: its workflow id and the step (activity/update id) within it. */
export interface StepKey {
  workflowId: string;
  step: string;
}

/**
 * Runs `write` at most once per key: inside the caller's transaction, a key already seen returns
 * the first answer (stored as JSON) and writes nothing; otherwise the write runs and its answer is
 * stored with the key. A retried activity therefore never duplicates rows.
 */
export async function oncePerStep<T>(trx: Kysely<Database>, key: StepKey, write: () => Promise<T>): Promise<T> {
  const seen = await trx
    .selectFrom('workflow_steps')
    .select('result')
    .where('workflow_id', '=', key.workflowId)
    .where('step', '=', key.step)
    .executeTakeFirst();
  if (seen) return JSON.parse(seen.result) as T;
  const result = await write();
  await trx
    .insertInto('workflow_steps')
    .values({
      workflow_id: key.workflowId,
      step: key.step,
      result: JSON.stringify(result ?? null),
      at: new Date().toISOString(),
    })
    .execute();
  return result;
}

/** Current instant as ISO text in UTC, the format of every timestamp column. */
export function nowIso(): string {
  return new Date().toISOString();
}

/** Normalises an instant (Date or ISO with any offset) to ISO UTC text, so text comparisons order correctly. */
export function toIso(at: Date | string | undefined): string {
  if (at === undefined) return nowIso();
  const d = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(d.getTime())) throw new Error(`not an instant: ${String(at)}`);
  return d.toISOString();
}
