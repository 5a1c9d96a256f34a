import type { Kysely } from 'kysely';
import type { CyclePhase, SubmissionState } from '../domain';
import type { CycleProjectsTable, CyclesTable, Database } from './schema';
import { toIso } from './steps';

/** One quarter of one mechanism as the records keep it (readable after Temporal forgot the workflow). */
export interface CycleRecord {
  mechanismId: string;
  quarter: string;
  workflowId: string;
  phase: CyclePhase;
  openedAt: string;
  closedAt?: string;
  dueDate?: string;
  cutoffAt?: string;
  updatedAt: string;
}

/** Where one project's update stood in a cycle, last time its workflow said. */
export interface CycleProjectRecord {
  mechanismId: string;
  quarter: string;
  projectId: string;
  ownerId: string;
  state: SubmissionState;
  lastSendAt?: string;
  nextSendAt?: string;
  updatedAt: string;
}

function fromRow(r: CyclesTable): CycleRecord {
  return {
    mechanismId: r.mechanism_id,
    quarter: r.quarter,
    workflowId: r.workflow_id,
    phase: r.phase as CyclePhase,
    openedAt: r.opened_at,
    updatedAt: r.updated_at,
    ...(r.closed_at !== null && { closedAt: r.closed_at }),
    ...(r.due_date !== null && { dueDate: r.due_date }),
    ...(r.cutoff_at !== null && { cutoffAt: r.cutoff_at }),
  };
}

function projectFromRow(r: CycleProjectsTable): CycleProjectRecord {
  return {
    mechanismId: r.mechanism_id,
    quarter: r.quarter,
    projectId: r.project_id,
    ownerId: r.owner_id,
    state: r.state as SubmissionState,
    updatedAt: r.updated_at,
    ...(r.last_send_at !== null && { lastSendAt: r.last_send_at }),
    ...(r.next_send_at !== null && { nextSendAt: r.next_send_at }),
  };
}

/** Cycles and per-project states. Every write is idempotent: a retried activity converges on the same row. */
export function createCycleRepository(db: Kysely<Database>) {
  async function get(mechanismId: string, quarter: string): Promise<CycleRecord | undefined> {
    const r = await db
      .selectFrom('cycles')
      .selectAll()
      .where('mechanism_id', '=', mechanismId)
      .where('quarter', '=', quarter)
      .executeTakeFirst();
    return r && fromRow(r);
  }
  return {
    get,
    /**
     * Records that a cycle opened. Exactly one row per (mechanism, quarter): opening again returns
     * the existing cycle unchanged, with `created: false`.
     */
    async open(input: {
      mechanismId: string;
      quarter: string;
      workflowId: string;
      openedAt?: string | Date;
      dueDate?: string;
      cutoffAt?: string | Date;
    }): Promise<{ cycle: CycleRecord; created: boolean }> {
      const at = toIso(input.openedAt);
      const inserted = await db
        .insertInto('cycles')
        .values({
          mechanism_id: input.mechanismId,
          quarter: input.quarter,
          workflow_id: input.workflowId,
          phase: 'collecting',
          opened_at: at,
          closed_at: null,
          due_date: input.dueDate ?? null,
          cutoff_at: input.cutoffAt === undefined ? null : toIso(input.cutoffAt),
          updated_at: at,
        })
        .onConflict((oc) => oc.columns(['mechanism_id', 'quarter']).doNothing())
        .executeTakeFirst();
      const cycle = (await get(input.mechanismId, input.quarter))!;
      return { cycle, created: Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0 };
    },
    /** Sets the phase (and, for `closed`, the closing instant); repeating it changes nothing further. */
    async setPhase(mechanismId: string, quarter: string, phase: CyclePhase, at?: string | Date): Promise<void> {
      const when = toIso(at);
      const row = await get(mechanismId, quarter);
      if (!row) throw new Error(`no cycle ${mechanismId} ${quarter}`);
      if (row.phase === phase) return;
      await db
        .updateTable('cycles')
        .set({ phase, updated_at: when, ...(phase === 'closed' && { closed_at: row.closedAt ?? when }) })
        .where('mechanism_id', '=', mechanismId)
        .where('quarter', '=', quarter)
        .execute();
    },
    /** Moves the due date / cut-off (an extension for all, or the policy's computed dates). */
    async setDates(
      mechanismId: string,
      quarter: string,
      dates: { dueDate?: string; cutoffAt?: string | Date },
    ): Promise<void> {
      await db
        .updateTable('cycles')
        .set({
          ...(dates.dueDate !== undefined && { due_date: dates.dueDate }),
          ...(dates.cutoffAt !== undefined && { cutoff_at: toIso(dates.cutoffAt) }),
          updated_at: toIso(undefined),
        })
        .where('mechanism_id', '=', mechanismId)
        .where('quarter', '=', quarter)
        .execute();
    },
    /** A mechanism's cycles, newest quarter first. */
    async list(mechanismId: string): Promise<CycleRecord[]> {
      const rows = await db
        .selectFrom('cycles')
        .selectAll()
        .where('mechanism_id', '=', mechanismId)
        .orderBy('quarter', 'desc')
        .execute();
      return rows.map(fromRow);
    },
    /**
     * Upserts one project's state in a cycle as of `at` (the workflow's time of the step; now when not given). A write
     * older than the stored one changes nothing, so that a late attempt of an earlier step (an activity that timed out
     * and landed after the next step's write) cannot put the row back.
     */
    async setProjectState(input: {
      mechanismId: string;
      quarter: string;
      projectId: string;
      ownerId: string;
      state: SubmissionState;
      lastSendAt?: string | Date | null;
      nextSendAt?: string | Date | null;
      at?: string | Date;
    }): Promise<void> {
      const iso = (v: string | Date | null | undefined) => (v === null || v === undefined ? null : toIso(v));
      const values = {
        owner_id: input.ownerId,
        state: input.state,
        last_send_at: iso(input.lastSendAt),
        next_send_at: iso(input.nextSendAt),
        updated_at: toIso(input.at),
      };
      await db
        .insertInto('cycle_projects')
        .values({ mechanism_id: input.mechanismId, quarter: input.quarter, project_id: input.projectId, ...values })
        .onConflict((oc) =>
          oc
            .columns(['mechanism_id', 'quarter', 'project_id'])
            .doUpdateSet(values)
            .where('cycle_projects.updated_at', '<=', values.updated_at),
        )
        .execute();
    },
    /** Every project's state in a cycle, by project id. */
    async listProjectStates(mechanismId: string, quarter: string): Promise<CycleProjectRecord[]> {
      const rows = await db
        .selectFrom('cycle_projects')
        .selectAll()
        .where('mechanism_id', '=', mechanismId)
        .where('quarter', '=', quarter)
        .orderBy('project_id')
        .execute();
      return rows.map(projectFromRow);
    },
  };
}

/** The cycle repository's interface. */
export type CycleRepository = ReturnType<typeof createCycleRepository>;
