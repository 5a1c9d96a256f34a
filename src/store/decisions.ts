import type { Kysely } from 'kysely';
import { Decision } from '../domain';
import type { Database } from './schema';
import { oncePerStep, type StepKey, toIso } from './steps';

/** A decision as stored, with the cycle it was taken in. */
export interface DecisionRecord {
  mechanismId: string;
  quarter: string;
  id: string;
  text: string;
  projects: string[];
  /** Ids of the action items it gave rise to. */
  actionItems: string[];
  recordedAt: string;
}

/** Decisions of sessions; recording them also creates their action items, in one transaction. */
export function createDecisionRepository(db: Kysely<Database>) {
  return {
    /**
     * Records a session's decisions and their action items (state `open`). Keyed by
     * (workflowId, step): a retry writes nothing. An id already used in the mechanism is an error.
     */
    async record(
      mechanismId: string,
      quarter: string,
      decisionsInput: Decision[],
      key: StepKey,
      at?: string | Date,
    ): Promise<{ decisions: number; actionItems: number }> {
      const decisions = decisionsInput.map((d) => Decision.parse(d));
      const when = toIso(at);
      return db.transaction().execute((trx) =>
        oncePerStep(trx, key, async () => {
          let items = 0;
          for (const d of decisions) {
            await trx
              .insertInto('decisions')
              .values({
                mechanism_id: mechanismId,
                id: d.id,
                quarter,
                text: d.text,
                projects: JSON.stringify(d.projects),
                recorded_at: when,
              })
              .execute();
            for (const a of d.actionItems) {
              await trx
                .insertInto('action_items')
                .values({
                  mechanism_id: mechanismId,
                  id: a.id,
                  quarter,
                  decision_id: d.id,
                  title: a.title,
                  owner_id: a.owner,
                  side: a.side ?? null,
                  due_date: a.dueDate,
                  projects: JSON.stringify(a.projects),
                  state: 'open',
                  completed_at: null,
                  created_at: when,
                  updated_at: when,
                })
                .execute();
              items++;
            }
          }
          return { decisions: decisions.length, actionItems: items };
        }),
      );
    },
    /** Decisions taken in one cycle, in the order they were recorded (then by id). */
    async listForCycle(mechanismId: string, quarter: string): Promise<DecisionRecord[]> {
      const rows = await db
        .selectFrom('decisions')
        .selectAll()
        .where('mechanism_id', '=', mechanismId)
        .where('quarter', '=', quarter)
        .orderBy('recorded_at')
        .orderBy('id')
        .execute();
      const items = await db
        .selectFrom('action_items')
        .select(['id', 'decision_id'])
        .where('mechanism_id', '=', mechanismId)
        .where('quarter', '=', quarter)
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        mechanismId,
        quarter,
        id: r.id,
        text: r.text,
        projects: JSON.parse(r.projects) as string[],
        actionItems: items.filter((i) => i.decision_id === r.id).map((i) => i.id),
        recordedAt: r.recorded_at,
      }));
    },
  };
}

/** The decision repository's interface. */
export type DecisionRepository = ReturnType<typeof createDecisionRepository>;
