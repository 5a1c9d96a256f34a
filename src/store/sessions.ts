import type { Kysely } from 'kysely';
import { SessionPlan, SessionRecord } from '../domain';
import type { Database } from './schema';
import { oncePerStep, type StepKey, toIso } from './steps';

/** Where a session stands. */
export type SessionStatus = 'scheduled' | 'cancelled' | 'held';

/** A cycle's session as stored: the plan, its invitation SEQUENCE, attendees and (once held) what was recorded. */
export interface StoredSession {
  mechanismId: string;
  quarter: string;
  /** 0 for the first invitation, raised by each reschedule or cancellation (the .ics SEQUENCE). */
  sequence: number;
  status: SessionStatus;
  startsAt: string;
  durationMinutes: number;
  venue: string;
  chairs: string[];
  attendees: string[];
  /** Contact ids recorded as present, once the session was held. */
  present: string[];
  record?: Omit<SessionRecord, 'decisions'>;
  updatedAt: string;
}

/** The quarterly session, one per cycle. Writes are keyed by (workflowId, step), so a retry changes nothing. */
export function createSessionRepository(db: Kysely<Database>) {
  async function read(trx: Kysely<Database>, mechanismId: string, quarter: string): Promise<StoredSession | undefined> {
    const s = await trx
      .selectFrom('sessions')
      .selectAll()
      .where('mechanism_id', '=', mechanismId)
      .where('quarter', '=', quarter)
      .executeTakeFirst();
    if (!s) return undefined;
    const people = await trx
      .selectFrom('session_attendees')
      .selectAll()
      .where('mechanism_id', '=', mechanismId)
      .where('quarter', '=', quarter)
      .orderBy('contact_id')
      .execute();
    return {
      mechanismId,
      quarter,
      sequence: s.sequence,
      status: s.status as SessionStatus,
      startsAt: s.starts_at,
      durationMinutes: s.duration_minutes,
      venue: s.venue,
      chairs: people.filter((p) => p.role === 'chair').map((p) => p.contact_id),
      attendees: people.filter((p) => p.role === 'attendee').map((p) => p.contact_id),
      present: people.filter((p) => p.present === 1).map((p) => p.contact_id),
      updatedAt: s.updated_at,
      ...(s.record !== null && { record: JSON.parse(s.record) }),
    };
  }

  async function replaceAttendees(trx: Kysely<Database>, mechanismId: string, quarter: string, plan: SessionPlan) {
    await trx
      .deleteFrom('session_attendees')
      .where('mechanism_id', '=', mechanismId)
      .where('quarter', '=', quarter)
      .execute();
    const chairs = new Set(plan.chairs);
    const rows = [...plan.chairs, ...plan.attendees.filter((a) => !chairs.has(a))].map((id) => ({
      mechanism_id: mechanismId,
      quarter,
      contact_id: id,
      role: chairs.has(id) ? 'chair' : 'attendee',
      present: null,
    }));
    // Duplicates in the attendee list would break the primary key; keep the first.
    const unique = rows.filter((r, i) => rows.findIndex((o) => o.contact_id === r.contact_id) === i);
    if (unique.length > 0) await trx.insertInto('session_attendees').values(unique).execute();
  }

  return {
    /** The cycle's session, or undefined before it is convened. */
    get: (mechanismId: string, quarter: string) => read(db, mechanismId, quarter),
    /**
     * Schedules the session, or reschedules it when one exists (sequence + 1, attendees replaced).
     * Returns the sequence to put in the invitation.
     */
    async schedule(
      mechanismId: string,
      quarter: string,
      planInput: SessionPlan,
      key: StepKey,
      at?: string | Date,
    ): Promise<{ sequence: number }> {
      const plan = SessionPlan.parse(planInput);
      return db.transaction().execute((trx) =>
        oncePerStep(trx, key, async () => {
          const now = toIso(at);
          const existing = await read(trx, mechanismId, quarter);
          const sequence = existing ? existing.sequence + 1 : 0;
          const values = {
            sequence,
            status: 'scheduled',
            starts_at: toIso(plan.startsAt),
            duration_minutes: plan.durationMinutes,
            venue: plan.venue,
            updated_at: now,
          };
          if (existing) {
            await trx
              .updateTable('sessions')
              .set(values)
              .where('mechanism_id', '=', mechanismId)
              .where('quarter', '=', quarter)
              .execute();
          } else {
            await trx
              .insertInto('sessions')
              .values({ mechanism_id: mechanismId, quarter, record: null, ...values })
              .execute();
          }
          await replaceAttendees(trx, mechanismId, quarter, plan);
          return { sequence };
        }),
      );
    },
    /** Cancels the session (sequence + 1 for the cancellation notice). */
    async cancel(
      mechanismId: string,
      quarter: string,
      key: StepKey,
      at?: string | Date,
    ): Promise<{ sequence: number }> {
      return db.transaction().execute((trx) =>
        oncePerStep(trx, key, async () => {
          const existing = await read(trx, mechanismId, quarter);
          if (!existing) throw new Error(`no session for ${mechanismId} ${quarter}`);
          const sequence = existing.sequence + 1;
          await trx
            .updateTable('sessions')
            .set({ sequence, status: 'cancelled', updated_at: toIso(at) })
            .where('mechanism_id', '=', mechanismId)
            .where('quarter', '=', quarter)
            .execute();
          return { sequence };
        }),
      );
    },
    /** Marks the session held and stores attendance, next meeting and notes (decisions go to the decisions repository). */
    async recordHeld(
      mechanismId: string,
      quarter: string,
      record: { present: string[]; nextMeeting?: string; notes?: string },
      key: StepKey,
      at?: string | Date,
    ): Promise<void> {
      await db.transaction().execute((trx) =>
        oncePerStep(trx, key, async () => {
          const existing = await read(trx, mechanismId, quarter);
          if (!existing) throw new Error(`no session for ${mechanismId} ${quarter}`);
          const { present, ...rest } = record;
          await trx
            .updateTable('sessions')
            .set({ status: 'held', record: JSON.stringify({ present, ...rest }), updated_at: toIso(at) })
            .where('mechanism_id', '=', mechanismId)
            .where('quarter', '=', quarter)
            .execute();
          await trx
            .updateTable('session_attendees')
            .set({ present: 0 })
            .where('mechanism_id', '=', mechanismId)
            .where('quarter', '=', quarter)
            .execute();
          for (const id of new Set(present)) {
            await trx
              .insertInto('session_attendees')
              .values({ mechanism_id: mechanismId, quarter, contact_id: id, role: 'attendee', present: 1 })
              .onConflict((oc) => oc.columns(['mechanism_id', 'quarter', 'contact_id']).doUpdateSet({ present: 1 }))
              .execute();
          }
          return null;
        }),
      );
    },
  };
}

/** The session repository's interface. */
export type SessionRepository = ReturnType<typeof createSessionRepository>;
