import type { Kysely } from 'kysely';
import type { ActionItemState } from '../domain';
import type { ActionItemsTable, Database } from './schema';
import { toIso } from './steps';

/** An action item as stored: the agreed item plus its origin and follow-up state. */
export interface ActionItemRecord {
  mechanismId: string;
  id: string;
  /** The cycle whose session agreed it. */
  quarter: string;
  decisionId?: string;
  title: string;
  owner: string;
  side?: string;
  dueDate: string;
  projects: string[];
  state: ActionItemState;
  completedAt?: string;
  createdAt: string;
  updatedAt: string;
}

/** Maps an action_items row to its record. */
export function actionItemFromRow(r: ActionItemsTable): ActionItemRecord {
  return {
    mechanismId: r.mechanism_id,
    id: r.id,
    quarter: r.quarter,
    title: r.title,
    owner: r.owner_id,
    dueDate: r.due_date,
    projects: JSON.parse(r.projects) as string[],
    state: r.state as ActionItemState,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    ...(r.decision_id !== null && { decisionId: r.decision_id }),
    ...(r.side !== null && { side: r.side }),
    ...(r.completed_at !== null && { completedAt: r.completed_at }),
  };
}

/** Action items (created with their decision by the decisions repository) and their follow-up state. */
export function createActionItemRepository(db: Kysely<Database>) {
  const base = (mechanismId: string) =>
    db.selectFrom('action_items').selectAll().where('mechanism_id', '=', mechanismId);
  return {
    /** One action item, or undefined. */
    async get(mechanismId: string, id: string): Promise<ActionItemRecord | undefined> {
      const r = await base(mechanismId).where('id', '=', id).executeTakeFirst();
      return r && actionItemFromRow(r);
    },
    /** Items agreed in one cycle, by due date. */
    async listForCycle(mechanismId: string, quarter: string): Promise<ActionItemRecord[]> {
      return (await base(mechanismId).where('quarter', '=', quarter).orderBy('due_date').orderBy('id').execute()).map(
        actionItemFromRow,
      );
    },
    /** Items still open or overdue ("matters arising"), optionally only one owner's, by due date. */
    async listOpen(mechanismId: string, ownerId?: string): Promise<ActionItemRecord[]> {
      let q = base(mechanismId).where('state', 'in', ['open', 'overdue']);
      if (ownerId) q = q.where('owner_id', '=', ownerId);
      return (await q.orderBy('due_date').orderBy('id').execute()).map(actionItemFromRow);
    },
    /** Sets the state; `done` stamps completedAt once. Repeating the same state changes nothing. */
    async setState(
      mechanismId: string,
      id: string,
      state: ActionItemState,
      at?: string | Date,
    ): Promise<ActionItemRecord> {
      const when = toIso(at);
      const current = await base(mechanismId).where('id', '=', id).executeTakeFirst();
      if (!current) throw new Error(`no action item ${mechanismId} ${id}`);
      if (current.state !== state) {
        await db
          .updateTable('action_items')
          .set({ state, updated_at: when, completed_at: state === 'done' ? (current.completed_at ?? when) : null })
          .where('mechanism_id', '=', mechanismId)
          .where('id', '=', id)
          .execute();
      }
      return actionItemFromRow((await base(mechanismId).where('id', '=', id).executeTakeFirst())!);
    },
  };
}

/** The action item repository's interface. */
export type ActionItemRepository = ReturnType<typeof createActionItemRepository>;
