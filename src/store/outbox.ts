import type { Kysely } from 'kysely';
import type { EmailCount } from '../domain';
import { groupCommit } from './group-commit';

/**
 * Where one outbox row stands. `stored` is the embedded mode's final state (no SMTP configured: kept for the mailbox
 * page). `withdrawn` is final too: the workflow gave its step up (the cycle closed) before the email went out.
 */
export const outboxStatuses = ['pending', 'sending', 'sent', 'undeliverable', 'stored', 'withdrawn'] as const;
export type OutboxStatus = (typeof outboxStatuses)[number];

/** An attachment kept by reference: the document archive never overwrites a version, so a resend attaches the same bytes. */
export interface OutboxAttachment {
  documentId: string;
  filename: string;
  contentType: string;
}

/** Row type of the `outbox` table (migration 0002-outbox). */
export interface OutboxTable {
  id: string;
  workflow_id: string;
  step: string;
  recipient_id: string;
  mechanism_id: string;
  quarter: string | null;
  project_id: string | null;
  kind: string;
  to_name: string;
  to_address: string;
  language: string;
  subject: string;
  text_body: string;
  html_body: string;
  ics: string | null;
  ics_method: string | null;
  /** JSON array of OutboxAttachment. */
  attachments: string;
  message_id: string;
  status: string;
  attempts: number;
  last_error: string | null;
  smtp_response: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
  /** Until when the attempt that claimed a `sending` row holds it (migration 0006-outbox-lease); null: not leased. */
  lease_until?: string | null;
}

/** The outbox's table, for `Kysely<Database & OutboxDatabase>`. */
export interface OutboxDatabase {
  outbox: OutboxTable;
}

// The records store's Database lists the tables of other modules by augmentation: with this, `store.db`
// knows the outbox table (migration 0002-outbox is in the store's migration list, so it always exists).
declare module './schema' {
  interface Database {
    outbox: OutboxTable;
  }
}

/** One rendered email to one recipient, as the outbox keeps it. */
export interface OutboxMessage {
  id: string;
  workflowId: string;
  step: string;
  recipientId: string;
  mechanismId: string;
  quarter?: string;
  projectId?: string;
  kind: string;
  toName: string;
  toAddress: string;
  language: string;
  subject: string;
  text: string;
  html: string;
  ics?: string;
  icsMethod?: 'REQUEST' | 'CANCEL';
  attachments: OutboxAttachment[];
  messageId: string;
  status: OutboxStatus;
  attempts: number;
  lastError?: string;
  smtpResponse?: string;
  createdAt: string;
  updatedAt: string;
  sentAt?: string;
}

/** What a caller provides to enqueue a message; status, attempts and timestamps are the outbox's. */
export type NewOutboxMessage = Omit<
  OutboxMessage,
  'status' | 'attempts' | 'lastError' | 'smtpResponse' | 'createdAt' | 'updatedAt' | 'sentAt'
>;

const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

function fromRow(r: OutboxTable): OutboxMessage {
  return {
    id: r.id,
    workflowId: r.workflow_id,
    step: r.step,
    recipientId: r.recipient_id,
    mechanismId: r.mechanism_id,
    quarter: opt(r.quarter),
    projectId: opt(r.project_id),
    kind: r.kind,
    toName: r.to_name,
    toAddress: r.to_address,
    language: r.language,
    subject: r.subject,
    text: r.text_body,
    html: r.html_body,
    ics: opt(r.ics),
    icsMethod: opt(r.ics_method) as OutboxMessage['icsMethod'],
    attachments: JSON.parse(r.attachments) as OutboxAttachment[],
    messageId: r.message_id,
    status: r.status as OutboxStatus,
    attempts: Number(r.attempts),
    lastError: opt(r.last_error),
    smtpResponse: opt(r.smtp_response),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    sentAt: opt(r.sent_at),
  };
}

/** The columns of a new row, `pending` and not yet tried. */
function newRow(m: NewOutboxMessage, at: string): OutboxTable {
  return {
    id: m.id,
    workflow_id: m.workflowId,
    step: m.step,
    recipient_id: m.recipientId,
    mechanism_id: m.mechanismId,
    quarter: m.quarter ?? null,
    project_id: m.projectId ?? null,
    kind: m.kind,
    to_name: m.toName,
    to_address: m.toAddress,
    language: m.language,
    subject: m.subject,
    text_body: m.text,
    html_body: m.html,
    ics: m.ics ?? null,
    ics_method: m.icsMethod ?? null,
    attachments: JSON.stringify(m.attachments),
    message_id: m.messageId,
    status: 'pending',
    attempts: 0,
    last_error: null,
    smtp_response: null,
    created_at: at,
    updated_at: at,
    sent_at: null,
  };
}

// Errors and server replies are kept for the secretariat, bounded so one odd server cannot bloat a row.
const clip = (s: string) => (s.length > 1000 ? `${s.slice(0, 1000)}...` : s);

/** Filter of the mailbox listing. */
export interface OutboxFilter {
  mechanismId?: string;
  status?: OutboxStatus | OutboxStatus[];
  workflowId?: string;
  limit?: number;
  offset?: number;
}

/**
 * How long a claim holds a row when the sender gives no lease. The notifier renews it every third of it while the
 * SMTP exchange lasts, so it runs out only when the sending process is gone: then a retry of the step (which comes
 * at the earliest the activity's heartbeat timeout plus its first retry interval later, 50 s) finds it free.
 */
export const DEFAULT_LEASE_MS = 30_000;

/**
 * The email outbox. The primary key is derived from (workflow id, step, recipient), so enqueuing the
 * same logical email twice keeps the first rendering; `claim` is the only way to `sending`, and rows
 * that reached `sent`, `stored`, `undeliverable` or `withdrawn` can never be claimed again.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- accepts the records store's Kysely, whose Database type does not list this table
export function createOutboxRepository(anyDb: Kysely<any>) {
  const db = anyDb as Kysely<OutboxDatabase>;
  const write = groupCommit(db);
  const now = () => new Date().toISOString();
  return {
    /** Stores the message unless its key exists; returns the row as stored (the first rendering wins). */
    async enqueue(m: NewOutboxMessage, at: string = now()): Promise<OutboxMessage> {
      const row = await db
        .insertInto('outbox')
        .values(newRow(m, at))
        .onConflict((oc) => oc.column('id').doNothing())
        .returningAll()
        .executeTakeFirst()
        .then((inserted) => inserted ?? db.selectFrom('outbox').selectAll().where('id', '=', m.id).executeTakeFirst());
      if (!row) throw new Error(`outbox row ${m.id} vanished after insert`);
      return fromRow(row);
    },
    /**
     * Stores the message already claimed by this attempt: what `enqueue` then `claim` would leave, in one write
     * (group-committed with concurrent ones). Returns the claimed row; undefined when the key exists (another attempt
     * wrote it first), and then `claim` decides as for any stored row.
     */
    async enqueueClaimed(
      m: NewOutboxMessage,
      at: string = now(),
      leaseMs = DEFAULT_LEASE_MS,
    ): Promise<OutboxMessage | undefined> {
      const leaseUntil = new Date(Date.parse(at) + leaseMs).toISOString();
      const inserted = await write((trx) =>
        trx
          .insertInto('outbox')
          .values({ ...newRow(m, at), status: 'sending', attempts: 1, lease_until: leaseUntil })
          .onConflict((oc) => oc.column('id').doNothing())
          .returning('id')
          .executeTakeFirst(),
      );
      if (!inserted) return undefined;
      // The row is what was just written: built here rather than read back and parsed again.
      return { ...m, status: 'sending', attempts: 1, createdAt: at, updatedAt: at };
    },
    /** The row with this id, if any. */
    async get(id: string): Promise<OutboxMessage | undefined> {
      const r = await db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? fromRow(r) : undefined;
    },
    /** The row of one logical email to one recipient, if any. */
    async getByKey(workflowId: string, step: string, recipientId: string): Promise<OutboxMessage | undefined> {
      const r = await db
        .selectFrom('outbox')
        .selectAll()
        .where('workflow_id', '=', workflowId)
        .where('step', '=', step)
        .where('recipient_id', '=', recipientId)
        .executeTakeFirst();
      return r ? fromRow(r) : undefined;
    },
    /**
     * Moves a `pending` row, or a `sending` row whose lease has run out, to `sending` with a lease until
     * `at + leaseMs`, and counts the attempt; returns the claimed row, or undefined when the row is settled (sent,
     * stored, undeliverable, withdrawn) or another attempt still holds it (see {@link renewLease}). A row whose sender died is
     * claimable once its lease ends: the outcome of that attempt is unknown, and resending with the same Message-ID
     * is the at-most-one-duplicate price of never losing an email.
     */
    async claim(id: string, at: string = now(), leaseMs = DEFAULT_LEASE_MS): Promise<OutboxMessage | undefined> {
      const until = new Date(Date.parse(at) + leaseMs).toISOString();
      const r = await db
        .updateTable('outbox')
        .set((eb) => ({ status: 'sending', attempts: eb('attempts', '+', 1), updated_at: at, lease_until: until }))
        .where('id', '=', id)
        .where((eb) =>
          eb.or([
            eb('status', '=', 'pending'),
            eb.and([eb('status', '=', 'sending'), eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', at)])]),
          ]),
        )
        .returningAll()
        .executeTakeFirst();
      return r ? fromRow(r) : undefined;
    },
    /** Extends the lease of a row this attempt is still sending (a heartbeat); false when the row is no longer `sending`. */
    async renewLease(id: string, until: string): Promise<boolean> {
      const r = await db
        .updateTable('outbox')
        .set({ lease_until: until })
        .where('id', '=', id)
        .where('status', '=', 'sending')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    /**
     * Records the server's acceptance; final. Concurrent calls are group-committed (one transaction); each resolves
     * once its own row is committed, and rejects when it could not be (the row then stays `sending` until its lease ends).
     * Whatever the row's status: the email has left, and that is what the row must say (even over `withdrawn`, should a
     * sender's lease have lapsed while it was still sending).
     */
    async markSent(id: string, smtpResponse: string, at: string = now()): Promise<void> {
      await write((trx) =>
        trx
          .updateTable('outbox')
          .set({ status: 'sent', smtp_response: clip(smtpResponse), last_error: null, sent_at: at, updated_at: at })
          .where('id', '=', id)
          .execute(),
      );
    },
    /** Records that the message is kept in the local outbox only (no SMTP configured); final. */
    async markStored(id: string, at: string = now()): Promise<void> {
      await db
        .updateTable('outbox')
        .set({ status: 'stored', sent_at: at, updated_at: at })
        .where('id', '=', id)
        .where('status', 'in', ['pending', 'sending'])
        .execute();
    },
    /** Records a permanent failure (5xx, invalid address); final: the row is never sent again. */
    async markUndeliverable(id: string, error: string, smtpResponse?: string, at: string = now()): Promise<void> {
      await db
        .updateTable('outbox')
        .set({
          status: 'undeliverable',
          last_error: clip(error),
          smtp_response: smtpResponse ? clip(smtpResponse) : null,
          updated_at: at,
        })
        .where('id', '=', id)
        .execute();
    },
    /** Records a transient failure; the row goes back to `pending` for the next (retried) attempt. */
    async markRetry(id: string, error: string, at: string = now()): Promise<void> {
      await db
        .updateTable('outbox')
        .set({ status: 'pending', last_error: clip(error), updated_at: at, lease_until: null })
        .where('id', '=', id)
        .where('status', '=', 'sending')
        .execute();
    },
    /**
     * Withdraws what one step has not sent, once its workflow gave the step up (cancelled while the email waited for a
     * retry): `pending` rows, and `sending` rows whose lease has run out (their sender died, and whether the relay got
     * that attempt is unknown; the row says so). Final: a withdrawn row is never claimed again. Rows a live attempt
     * holds are left to it; `heldUntil` is the latest of their leases, read before the withdrawal, so that a row such
     * an attempt puts back to `pending` meanwhile is withdrawn by the caller's next call.
     */
    async withdrawUnsent(
      workflowId: string,
      step: string,
      at: string = now(),
    ): Promise<{ withdrawn: number; heldUntil?: string }> {
      const held = await db
        .selectFrom('outbox')
        .select((eb) => eb.fn.max('lease_until').as('until'))
        .where('workflow_id', '=', workflowId)
        .where('step', '=', step)
        .where('status', '=', 'sending')
        .where('lease_until', '>', at)
        .executeTakeFirst();
      const stepRows = () => db.updateTable('outbox').where('workflow_id', '=', workflowId).where('step', '=', step);
      const withdrawn = (reason: string) => ({
        status: 'withdrawn',
        last_error: reason,
        updated_at: at,
        lease_until: null,
      });
      const pending = await stepRows()
        .where('status', '=', 'pending')
        .set(withdrawn('withdrawn before it was sent: its step was given up'))
        .executeTakeFirst();
      const stale = await stepRows()
        .where('status', '=', 'sending')
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', at)]))
        .set(
          withdrawn(
            'withdrawn: its step was given up after an attempt whose sender stopped; the relay may have that attempt',
          ),
        )
        .executeTakeFirst();
      return {
        withdrawn: Number(pending.numUpdatedRows) + Number(stale.numUpdatedRows),
        ...(held?.until && { heldUntil: String(held.until) }),
      };
    },
    /**
     * Writes `withdrawn` rows for the emails of a given-up step that no attempt has written yet, so that an attempt
     * still under way when the step was given up finds them final instead of writing and sending them. Existing rows
     * are left as they are (see withdrawUnsent).
     */
    async enqueueWithdrawn(messages: NewOutboxMessage[], reason: string, at: string = now()): Promise<number> {
      if (messages.length === 0) return 0;
      const r = await db
        .insertInto('outbox')
        .values(messages.map((m) => ({ ...newRow(m, at), status: 'withdrawn', last_error: reason })))
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0);
    },
    /** Rows of one workflow in the order they were written (escalations list what was sent already). */
    async listForWorkflow(workflowId: string): Promise<OutboxMessage[]> {
      const rows = await db
        .selectFrom('outbox')
        .selectAll()
        .where('workflow_id', '=', workflowId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(fromRow);
    },
    /** Newest first, for the mailbox page/API and `coord outbox`. */
    async list(filter: OutboxFilter = {}): Promise<OutboxMessage[]> {
      let q = db.selectFrom('outbox').selectAll();
      if (filter.mechanismId) q = q.where('mechanism_id', '=', filter.mechanismId);
      if (filter.workflowId) q = q.where('workflow_id', '=', filter.workflowId);
      if (filter.status) q = q.where('status', 'in', Array.isArray(filter.status) ? filter.status : [filter.status]);
      const rows = await q
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(Math.min(filter.limit ?? 100, 1000))
        .offset(filter.offset ?? 0)
        .execute();
      return rows.map(fromRow);
    },
    /** How many of one workflow's rows are in each status, per step (a cycle's status: "invitation-s1: 5 of 7 sent"). */
    async countByStep(workflowId: string): Promise<{ step: string; status: OutboxStatus; n: number }[]> {
      const rows = await db
        .selectFrom('outbox')
        .select((eb) => ['step', 'status', eb.fn.countAll<number>().as('n')])
        .where('workflow_id', '=', workflowId)
        .groupBy(['step', 'status'])
        .execute();
      return rows.map((r) => ({ step: r.step, status: r.status as OutboxStatus, n: Number(r.n) }));
    },
    /**
     * A cycle's emails per kind (requests, reminders, invitations...): how many were written and sent, and when the
     * first and the last went out (a row not yet sent counts from when it was written). The cycle page's timeline.
     */
    async countByKind(mechanismId: string, quarter: string): Promise<EmailCount[]> {
      const rows = await db
        .selectFrom('outbox')
        .select((eb) => [
          'kind',
          eb.fn.countAll<number>().as('total'),
          // `stored` (no relay configured, development) counts as sent, as in the cycle's deliveries.
          eb.fn.sum<number>(eb.case().when('status', 'in', ['sent', 'stored']).then(1).else(0).end()).as('sent'),
          eb.fn.min<string>(eb.fn.coalesce('sent_at', 'created_at')).as('first_at'),
          eb.fn.max<string>(eb.fn.coalesce('sent_at', 'created_at')).as('last_at'),
        ])
        .where('mechanism_id', '=', mechanismId)
        .where('quarter', '=', quarter)
        .groupBy('kind')
        .execute();
      return rows.map((r) => ({
        kind: r.kind,
        total: Number(r.total),
        sent: Number(r.sent),
        firstAt: r.first_at,
        lastAt: r.last_at,
      }));
    },
    /** How many rows are in each status (for a dashboard and the health of the mail path). */
    async countByStatus(mechanismId?: string): Promise<Partial<Record<OutboxStatus, number>>> {
      let q = db
        .selectFrom('outbox')
        .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
        .groupBy('status');
      if (mechanismId) q = q.where('mechanism_id', '=', mechanismId);
      const rows = await q.execute();
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    },
  };
}

/** The outbox repository's interface (what the notifier needs from the database). */
export type OutboxRepository = ReturnType<typeof createOutboxRepository>;
