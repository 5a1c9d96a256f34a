import { type Contact, type Mechanism, slug } from '../domain';
import { DEFAULT_LEASE_MS, type NewOutboxMessage, type OutboxMessage, type OutboxRepository } from '../store/outbox';
import { composeForRecipient, loadStepFacts, outboxKeyOf, UnaddressableRecipient, type StepFacts } from './compose';
import type { Directory } from './directory';
import { emailOfRow } from './mailbox';
import { classifySmtpError, TransientDeliveryError } from './errors';
import { NotificationKind } from './kinds';
import { outboxId, parseMailFrom } from './message-id';
import type { NotificationRequest, NotificationResult } from './request';
import type { MailTransport, OutgoingEmail } from './transport';

/** What the notifier is built from; every piece is injected so tests run it against a real SMTP server and a real database. */
export interface NotifierDeps {
  outbox: OutboxRepository;
  transport: MailTransport;
  directory: Directory;
  /** Base of links in emails (`PUBLIC_URL`). */
  publicUrl: string;
  /** Sender (`MAIL_FROM`): `a@b` or `Name <a@b>`; its domain also names Message-IDs and calendar UIDs. */
  mailFrom: string;
  /**
   * Issues an owner's personal link and returns what the stored email carries in `/u/<here>`: in production a
   * placeholder (see owner-links.ts) that `materialiseLinks` turns into the working link when the email is sent.
   */
  issueOwnerLink?(input: {
    mechanismId: string;
    quarter: string;
    projectId: string;
    contactId: string;
  }): Promise<string>;
  /** Turns the placeholder links of a stored email into working ones, just before it is sent. */
  materialiseLinks?(text: string): string;
  /**
   * Whether the notifier itself sends the secretariat a notice for each undeliverable recipient. Off by
   * default: the workflows' `notify` sends that notice as a step of its own (src/workflows/activities.ts),
   * and doing both would tell the secretariat twice. Callers without a workflow (CLI, scripts) turn it on.
   */
  tellSecretariat?: boolean;
  /** Recipients of one step are sent this many at a time (the SMTP pool has its own limit). */
  concurrency?: number;
  /**
   * How long a claimed row is held by this attempt before another may take it; renewed every third of it while the
   * SMTP exchange lasts, so it only runs out when this process is gone. Default DEFAULT_LEASE_MS.
   */
  leaseMs?: number;
  now?: () => Date;
}

/** How long recording a sent email is retried while the database is unreachable (see recordSent). */
export const RECORD_SENT_PATIENCE_MS = 60_000;

/**
 * How long withdrawing a given-up step waits for a live attempt that still holds one of its rows (an SMTP exchange
 * under way when the step was given up), so that a row it puts back to `pending` is withdrawn too.
 */
export const WITHDRAW_PATIENCE_MS = 90_000;

/** Runs `fn` over items with at most `limit` in flight. */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  });
  await Promise.all(workers);
}

/**
 * Whom a step writes to. Contact ids are slugs. Workflows may pass the actor of a secretariat action (`token:ci`,
 * `user:...`) among the recipients (a receipt to "whoever submitted"); those are not people we can write to, and
 * reporting them as undeliverable would send the secretariat a false alarm, so they are skipped.
 */
function recipientsOf(req: NotificationRequest): string[] {
  return [...new Set(req.to)].filter((id) => slug.safeParse(id).success);
}

/**
 * The row of an email that was not written (the recipient cannot be written to, or the step was withdrawn first):
 * kept so that the API and the mailbox show the recipient and why, with the contact's name and address if known.
 */
function unwrittenRow(
  req: NotificationRequest,
  recipientId: string,
  domain: string,
  contact?: Pick<Contact, 'name' | 'email' | 'language'>,
): NewOutboxMessage {
  return {
    ...outboxKeyOf(req, recipientId, domain),
    toName: contact?.name ?? recipientId,
    toAddress: contact?.email ?? '',
    language: contact?.language ?? 'en',
    subject: `(${req.kind}, not written)`,
    text: '',
    html: '',
    attachments: [],
  };
}

/** The secretariat officers of every side of a mechanism (deduplicated, in side order). */
export function secretariatIds(mechanism: Mechanism): string[] {
  return [...new Set(mechanism.sides.flatMap((s) => s.secretariat))];
}

/**
 * Sends notifications through the outbox, at most once per (workflow id, step, recipient):
 * 1. each recipient's message is rendered once and stored (the first rendering wins on a retry);
 * 2. a row is claimed (`pending`/`sending` -> `sending`, with a lease) before the send; settled rows are skipped.
 *    A new row is stored already claimed, in one write;
 * 3. the send carries the row's deterministic Message-ID; the server's reply is recorded (group-committed with the
 *    replies of concurrent sends; the step returns only once its rows are committed).
 * Transient failures throw TransientDeliveryError after every recipient was tried (the activity is
 * retried by Temporal with back-off); permanent ones mark the recipient undeliverable and enqueue a
 * notice to the secretariat, and the step still succeeds for the others.
 */
export function createNotifier(deps: NotifierDeps) {
  const from = parseMailFrom(deps.mailFrom);
  const now = deps.now ?? (() => new Date());
  const concurrency = deps.concurrency ?? 5;
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  const composeDeps = {
    directory: deps.directory,
    outbox: deps.outbox,
    publicUrl: deps.publicUrl.replace(/\/+$/, ''),
    from,
    issueOwnerLink: deps.issueOwnerLink,
    now,
  };

  /**
   * The recipient's row, rendered and written on first use. When `claim` is set a new row is written already claimed
   * by this attempt (one write instead of enqueue then claim); `claimed` says whether that happened.
   */
  async function ensureRow(
    req: NotificationRequest,
    recipientId: string,
    facts: StepFacts,
    claim: boolean,
  ): Promise<{ row: OutboxMessage; claimed: boolean }> {
    const id = outboxId(req.workflowId, req.step, recipientId);
    const existing = await deps.outbox.get(id);
    if (existing) return { row: existing, claimed: false };
    let message: NewOutboxMessage;
    try {
      message = await composeForRecipient(req, recipientId, facts, composeDeps);
    } catch (err) {
      if (!(err instanceof UnaddressableRecipient)) throw err;
      // Keep a row anyway, so the API and the mailbox show the recipient as undeliverable.
      const row = await deps.outbox.enqueue(
        unwrittenRow(req, recipientId, from.domain, facts.contacts.get(recipientId)),
      );
      if (row.status === 'pending') await deps.outbox.markUndeliverable(id, err.message);
      return { row: (await deps.outbox.get(id))!, claimed: false };
    }
    const at = now().toISOString();
    if (!claim) return { row: await deps.outbox.enqueue(message, at), claimed: false };
    const claimed = await deps.outbox.enqueueClaimed(message, at, leaseMs);
    // Undefined: another attempt wrote the row first; its claim (and lease) decide, as for any stored row.
    return claimed ? { row: claimed, claimed: true } : { row: (await deps.outbox.get(id))!, claimed: false };
  }

  async function outgoing(row: OutboxMessage, facts: StepFacts): Promise<OutgoingEmail> {
    const attachments = [];
    for (const a of row.attachments) {
      const doc = deps.directory.document ? await deps.directory.document(a.documentId) : undefined;
      if (!doc) throw new Error(`document ${a.documentId} not found in the archive`);
      attachments.push({ filename: a.filename, contentType: a.contentType, content: await doc.read() });
    }
    const live = deps.materialiseLinks ?? ((t: string) => t);
    return emailOfRow(
      { ...row, text: live(row.text), html: live(row.html) },
      { name: from.name ?? `${facts.mechanism.name} secretariat`, address: from.address },
      attachments,
    );
  }

  /** Enqueues and sends the secretariat's notice about an undeliverable row; idempotent per failed row. */
  async function tellSecretariat(row: OutboxMessage, facts: StepFacts): Promise<void> {
    if (!deps.tellSecretariat || row.kind === 'undeliverable') return; // a notice about a notice would loop
    const to = secretariatIds(facts.mechanism).filter((id) => id !== row.recipientId);
    if (to.length === 0) return;
    await send({
      workflowId: row.workflowId,
      step: `${row.step}:undeliverable:${row.recipientId}`,
      kind: 'undeliverable',
      mechanismId: row.mechanismId,
      quarter: row.quarter,
      projectId: row.projectId,
      to,
      params: { failedStep: row.step, failedKind: NotificationKind.parse(row.kind), recipients: [row.recipientId] },
    });
  }

  /**
   * Records the relay's acceptance. The email has left: were this write given up, the step's retry would send it
   * again, so it is retried while the database is unreachable (a PostgreSQL restart, a failover) for up to
   * RECORD_SENT_PATIENCE_MS. Past that the row stays `sending`, and the retry resends it with the same Message-ID:
   * the same at-most-one-duplicate case as a crash between the relay's reply and this write.
   */
  async function recordSent(id: string, response: string, at: string): Promise<void> {
    const deadline = Date.now() + RECORD_SENT_PATIENCE_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        return await deps.outbox.markSent(id, response, at);
      } catch (err) {
        if (Date.now() >= deadline) throw err;
        await new Promise((r) => setTimeout(r, Math.min(5_000, 200 * 2 ** attempt)));
      }
    }
  }

  /** Sends a row unless it is settled or held by another attempt; `held`: this attempt claimed it when writing it. */
  async function deliver(
    row: OutboxMessage,
    held: boolean,
    facts: StepFacts,
    transient: { recipientId: string; message: string }[],
  ): Promise<OutboxMessage> {
    if (deps.transport.kind === 'local') {
      if (row.status === 'pending' || row.status === 'sending')
        await deps.outbox.markStored(row.id, now().toISOString());
      return (await deps.outbox.get(row.id))!;
    }
    const claimed = held ? row : await deps.outbox.claim(row.id, now().toISOString(), leaseMs);
    if (!claimed) {
      const current = (await deps.outbox.get(row.id))!;
      // Another attempt (a retry started while a slow relay still holds the first) is sending it: never a second
      // copy; this step is retried and then finds the row settled.
      if (current.status === 'sending')
        transient.push({ recipientId: row.recipientId, message: 'being sent by another attempt' });
      return current; // or settled already: a retry never sends a second copy
    }
    // The lease's heartbeat: held from the claim until the outcome is recorded, however long the attachments, the
    // relay or the database take, so that only a sender that is gone loses its row.
    const heartbeat = setInterval(
      () => {
        void deps.outbox.renewLease(row.id, new Date(now().getTime() + leaseMs).toISOString()).catch(() => undefined);
      },
      Math.max(1000, Math.floor(leaseMs / 3)),
    );
    try {
      let email: OutgoingEmail;
      try {
        email = await outgoing(claimed, facts);
      } catch (err) {
        await deps.outbox.markRetry(row.id, (err as Error).message);
        throw err;
      }
      let receipt: { response: string };
      try {
        receipt = await deps.transport.send(email);
      } catch (err) {
        const failure = classifySmtpError(err);
        if (failure.failure === 'permanent') {
          await deps.outbox.markUndeliverable(row.id, failure.message, failure.response, now().toISOString());
        } else {
          // Includes "connection lost after DATA": the server may have the message. The row keeps its
          // Message-ID, so the retry's copy is recognisably the same message (at most one duplicate).
          await deps.outbox.markRetry(row.id, failure.message, now().toISOString());
          transient.push({ recipientId: row.recipientId, message: failure.message });
        }
        return (await deps.outbox.get(row.id))!;
      }
      const at = now().toISOString();
      await recordSent(row.id, receipt.response, at);
      return {
        ...claimed,
        status: 'sent',
        smtpResponse: receipt.response,
        lastError: undefined,
        sentAt: at,
        updatedAt: at,
      };
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Sends one logical email step to its recipients; see createNotifier for the guarantees. */
  async function send(
    req: NotificationRequest,
    options: { progress?: (done: number, total: number) => void } = {},
  ): Promise<NotificationResult> {
    const facts = await loadStepFacts(req, deps.directory);
    const recipients = recipientsOf(req);
    const transient: { recipientId: string; message: string }[] = [];
    const settled: OutboxMessage[] = [];
    await eachLimited(recipients, concurrency, async (recipientId) => {
      const { row, claimed } = await ensureRow(req, recipientId, facts, deps.transport.kind !== 'local');
      settled.push(await deliver(row, claimed, facts, transient));
      options.progress?.(settled.length, recipients.length);
    });
    // Told after the sends, and also on a retry where the row was already undeliverable: the notice's own
    // outbox key makes this idempotent, and a transient failure of the notice retries the step.
    for (const row of settled)
      if (row.status === 'undeliverable')
        await tellSecretariat(row, facts).catch((err) => {
          if (err instanceof TransientDeliveryError) transient.push(...err.failures);
          else throw err;
        });
    if (transient.length > 0) throw new TransientDeliveryError(transient);
    const order = new Map(recipients.map((r, i) => [r, i]));
    settled.sort((a, b) => order.get(a.recipientId)! - order.get(b.recipientId)!);
    const undeliverable = settled.filter((r) => r.status === 'undeliverable').map((r) => r.recipientId);
    const delivered = settled.filter((r) => r.status === 'sent' || r.status === 'stored');
    const outcome =
      delivered.length === 0 && undeliverable.length > 0
        ? 'undeliverable'
        : delivered.some((r) => r.status === 'sent')
          ? 'sent'
          : delivered.length
            ? 'stored'
            : 'sent';
    return {
      outcome,
      messageIds: delivered.map((r) => r.messageId),
      ...(undeliverable.length ? { undeliverable } : {}),
    };
  }

  /**
   * Withdraws what a step its workflow gave up has not sent: nothing of it is left waiting in the outbox. Recipients
   * without a row get a `withdrawn` one, so that an attempt still under way (Temporal does not wait for it) finds it
   * final instead of writing and sending it; unsent rows are withdrawn (OutboxRepository.withdrawUnsent). Rows a live
   * attempt holds are waited for, up to WITHDRAW_PATIENCE_MS: it either sends them, or puts them back to `pending`
   * and they are withdrawn. Past that, a row still held is left to its attempt.
   */
  async function withdraw(req: NotificationRequest): Promise<{ withdrawn: number }> {
    const unwritten = recipientsOf(req).map((recipientId) => unwrittenRow(req, recipientId, from.domain));
    let withdrawn = await deps.outbox.enqueueWithdrawn(
      unwritten,
      'withdrawn before it was written: its step was given up',
      now().toISOString(),
    );
    const deadline = Date.now() + WITHDRAW_PATIENCE_MS;
    for (;;) {
      const r = await deps.outbox.withdrawUnsent(req.workflowId, req.step, now().toISOString());
      withdrawn += r.withdrawn;
      if (!r.heldUntil || Date.now() >= deadline) return { withdrawn };
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  return { send, withdraw };
}

/** The notifier's interface: what the activity calls. */
export type Notifier = ReturnType<typeof createNotifier>;
