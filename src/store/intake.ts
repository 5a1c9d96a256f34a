/**
 * The intake (issue 15): a submission is written here, durably, before its sender gets an answer, whatever the state
 * of the worker, Temporal or SMTP; a forwarder then delivers each pending row to the project's workflow, by key,
 * until the workflow has decided (applied with a revision, or refused with its reason).
 */
import type { Kysely } from 'kysely';
import type { Database, IntakeTable } from './schema';
import { toIso } from './steps';

/** Where a received submission stands. */
export type IntakeStatus = 'pending' | 'applied' | 'refused';

/** One received submission. `input` is what the workflow's `submitUpdate` receives. */
export interface IntakeRecord {
  mechanismId: string;
  quarter: string;
  projectId: string;
  key: string;
  input: { submission: unknown; submittedBy: string };
  basedOnRevision?: number;
  receivedAt: string;
  status: IntakeStatus;
  revision?: number;
  late?: boolean;
  appliedAt?: string;
  refusal?: { code: string; message: string };
  attempts: number;
  lastError?: string;
  nextAttemptAt: string;
}

/** Identifies one intake row. */
export interface IntakeId {
  mechanismId: string;
  quarter: string;
  projectId: string;
  key: string;
}

function fromRow(r: IntakeTable): IntakeRecord {
  return {
    mechanismId: r.mechanism_id,
    quarter: r.quarter,
    projectId: r.project_id,
    key: r.key,
    input: JSON.parse(r.body) as IntakeRecord['input'],
    ...(r.based_on_revision !== null && { basedOnRevision: r.based_on_revision }),
    receivedAt: r.received_at,
    status: r.status as IntakeStatus,
    ...(r.revision !== null && { revision: r.revision }),
    ...(r.late !== null && { late: r.late === 1 }),
    ...(r.applied_at !== null && { appliedAt: r.applied_at }),
    ...(r.refusal_code !== null && { refusal: { code: r.refusal_code, message: r.refusal_message ?? '' } }),
    attempts: r.attempts,
    ...(r.last_error !== null && { lastError: r.last_error }),
    nextAttemptAt: r.next_attempt_at,
  };
}

/** Received submissions; a key is recorded once per project and cycle. */
export function createIntakeRepository(db: Kysely<Database>) {
  const row = (id: IntakeId) =>
    db
      .selectFrom('intake')
      .selectAll()
      .where('mechanism_id', '=', id.mechanismId)
      .where('quarter', '=', id.quarter)
      .where('project_id', '=', id.projectId)
      .where('key', '=', id.key);
  const update = (id: IntakeId) =>
    db
      .updateTable('intake')
      .where('mechanism_id', '=', id.mechanismId)
      .where('quarter', '=', id.quarter)
      .where('project_id', '=', id.projectId)
      .where('key', '=', id.key);
  return {
    /**
     * Records a received submission as pending. A key already recorded for the project returns the first row
     * (`created: false`) and writes nothing: a double click or a retried request changes nothing.
     */
    async receive(
      input: IntakeId & { input: IntakeRecord['input']; basedOnRevision?: number; receivedAt: string | Date },
    ): Promise<{ record: IntakeRecord; created: boolean }> {
      const at = toIso(input.receivedAt);
      const inserted = await db
        .insertInto('intake')
        .values({
          mechanism_id: input.mechanismId,
          quarter: input.quarter,
          project_id: input.projectId,
          key: input.key,
          body: JSON.stringify(input.input),
          based_on_revision: input.basedOnRevision ?? null,
          received_at: at,
          status: 'pending',
          revision: null,
          late: null,
          applied_at: null,
          refusal_code: null,
          refusal_message: null,
          attempts: 0,
          last_error: null,
          next_attempt_at: at,
          updated_at: at,
        })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      const record = fromRow((await row(input).executeTakeFirstOrThrow()) as IntakeTable);
      return { record, created: Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0 };
    },
    /** One row, or undefined. */
    async get(id: IntakeId): Promise<IntakeRecord | undefined> {
      const r = await row(id).executeTakeFirst();
      return r && fromRow(r as IntakeTable);
    },
    /** The workflow accepted the submission as `revision`. Only a pending row changes (the first answer stands). */
    async markApplied(id: IntakeId, receipt: { revision: number; late: boolean }, at: string | Date): Promise<void> {
      await update(id)
        .where('status', '=', 'pending')
        .set({
          status: 'applied',
          revision: receipt.revision,
          late: receipt.late ? 1 : 0,
          applied_at: toIso(at),
          updated_at: toIso(at),
          last_error: null,
        })
        .execute();
    },
    /** The workflow refused the submission (its rule and reason). Only a pending row changes. */
    async markRefused(id: IntakeId, refusal: { code: string; message: string }, at: string | Date): Promise<void> {
      await update(id)
        .where('status', '=', 'pending')
        .set({ status: 'refused', refusal_code: refusal.code, refusal_message: refusal.message, updated_at: toIso(at) })
        .execute();
    },
    /** A delivery attempt did not reach a decision: counts it, keeps the reason and when to try again. */
    async markAttempt(id: IntakeId, error: string, nextAttemptAt: string | Date, at: string | Date): Promise<void> {
      await update(id)
        .where('status', '=', 'pending')
        .set((eb) => ({
          attempts: eb('attempts', '+', 1),
          last_error: error.slice(0, 500),
          next_attempt_at: toIso(nextAttemptAt),
          updated_at: toIso(at),
        }))
        .execute();
    },
    /** Pending rows due for delivery at `now`, oldest first. */
    async due(now: string | Date, limit = 50): Promise<IntakeRecord[]> {
      const rows = await db
        .selectFrom('intake')
        .selectAll()
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', toIso(now))
        .orderBy('received_at')
        .limit(limit)
        .execute();
      return rows.map((r) => fromRow(r as IntakeTable));
    },
    /** A cycle's rows in a status (default: pending, what the secretariat must see as "recorded, not yet applied"). */
    async listForCycle(
      mechanismId: string,
      quarter: string,
      status: IntakeStatus = 'pending',
    ): Promise<IntakeRecord[]> {
      const rows = await db
        .selectFrom('intake')
        .selectAll()
        .where('mechanism_id', '=', mechanismId)
        .where('quarter', '=', quarter)
        .where('status', '=', status)
        .orderBy('received_at')
        .execute();
      return rows.map((r) => fromRow(r as IntakeTable));
    },
  };
}

/** The intake repository's interface. */
export type IntakeRepository = ReturnType<typeof createIntakeRepository>;
