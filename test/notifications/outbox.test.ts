import { sql } from 'kysely';
import { outboxId } from '../../src/notifications/message-id';
import { createOutboxRepository, type NewOutboxMessage } from '../../src/store/outbox';
import { keepPostgresForThisFile, storeKinds, type TestStore } from '../helpers/store';
import { startSmtpCatcher } from '../helpers/smtp';
import { notifierFor, testMechanism } from './fixtures';

keepPostgresForThisFile();

const message = (over: Partial<NewOutboxMessage> = {}): NewOutboxMessage => {
  const id = outboxId('update:cn-ls:2026-Q1:mpiti-road', 'request', 'road-owner');
  return {
    id,
    workflowId: 'update:cn-ls:2026-Q1:mpiti-road',
    step: 'request',
    recipientId: 'road-owner',
    mechanismId: 'cn-ls',
    quarter: '2026-Q1',
    projectId: 'mpiti-road',
    kind: 'request',
    toName: 'Road Agency',
    toAddress: 'roads@example.org',
    language: 'en',
    subject: 'Quarterly update requested',
    text: 'first rendering',
    html: '<p>first rendering</p>',
    attachments: [],
    messageId: `<${id}@example.org>`,
    ...over,
  };
};

/** Makes the database refuse to mark one row sent (a row PostgreSQL would reject, a constraint), on either dialect. */
async function refuseSent(store: TestStore, id: string): Promise<void> {
  if (store.dialect === 'sqlite') {
    await sql
      .raw(
        `create trigger refuse_sent before update on outbox when new.id = '${id}' and new.status = 'sent' ` +
          `begin select raise(abort, 'refused by the test'); end`,
      )
      .execute(store.db);
  } else {
    await sql
      .raw(
        `create function refuse_sent() returns trigger language plpgsql as $$ begin ` +
          `if new.id = '${id}' and new.status = 'sent' then raise exception 'refused by the test'; end if; ` +
          `return new; end $$`,
      )
      .execute(store.db);
    await sql
      .raw('create trigger refuse_sent before update on outbox for each row execute function refuse_sent()')
      .execute(store.db);
  }
}

describe.each(storeKinds)('the outbox on %s', (_name, createStore) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await createStore();
  });
  afterEach(async () => {
    await store.close();
  });

  it('keeps the first rendering of an email when the same step is written twice', async () => {
    const outbox = createOutboxRepository(store.db);
    await outbox.enqueue(message());
    const again = await outbox.enqueue(message({ text: 'second rendering' }));
    expect(again.text).toBe('first rendering');
    expect(await outbox.list()).toHaveLength(1);
  });

  it('never hands out a sent or undeliverable email for sending again, nor one another attempt is still sending', async () => {
    const outbox = createOutboxRepository(store.db);
    const row = await outbox.enqueue(message());
    expect(await outbox.claim(row.id, '2026-03-02T08:00:00.000Z', 60_000)).toMatchObject({
      status: 'sending',
      attempts: 1,
    });
    // Another attempt while the first one's lease runs (a slow relay) does not get it: never two copies at once.
    expect(await outbox.claim(row.id, '2026-03-02T08:00:59.000Z', 60_000)).toBeUndefined();
    // The sender renews its lease while its SMTP exchange lasts.
    expect(await outbox.renewLease(row.id, '2026-03-02T08:02:00.000Z')).toBe(true);
    expect(await outbox.claim(row.id, '2026-03-02T08:01:30.000Z', 60_000)).toBeUndefined();
    // A worker that died mid-send left it "sending": once its lease has run out, the next attempt may claim it again.
    expect(await outbox.claim(row.id, '2026-03-02T08:02:00.000Z', 60_000)).toMatchObject({
      status: 'sending',
      attempts: 2,
    });
    await outbox.markSent(row.id, '250 OK');
    expect(await outbox.renewLease(row.id, '2026-03-02T08:05:00.000Z')).toBe(false);
    expect(await outbox.claim(row.id)).toBeUndefined();
    const other = await outbox.enqueue(
      message({ id: 'x'.repeat(32), recipientId: 'road-boss', messageId: '<x@example.org>' }),
    );
    await outbox.markUndeliverable(other.id, '550 no such user');
    expect(await outbox.claim(other.id)).toBeUndefined();
    expect(await outbox.countByStatus('cn-ls')).toEqual({ sent: 1, undeliverable: 1 });
    expect((await outbox.list({ status: 'undeliverable' }))[0].lastError).toBe('550 no such user');
  });

  it('withdraws what a given-up step has not sent (waiting, or left by a dead sender) and leaves a live attempt its row', async () => {
    const outbox = createOutboxRepository(store.db);
    const other = (recipientId: string) =>
      message({ id: `${recipientId}`.padEnd(32, '0'), recipientId, messageId: `<${recipientId}@example.org>` });
    const waiting = await outbox.enqueue(message()); // its first attempt failed: back to pending, waits for a retry
    const dead = await outbox.enqueue(other('dead'));
    const live = await outbox.enqueue(other('live'));
    const sent = await outbox.enqueue(other('sent'));
    await outbox.claim(dead.id, '2026-03-02T08:00:00.000Z', 30_000); // its sender died: the lease ran out at 08:00:30
    await outbox.claim(live.id, '2026-03-02T08:00:50.000Z', 30_000); // held until 08:01:20
    await outbox.claim(sent.id, '2026-03-02T08:00:00.000Z', 30_000);
    await outbox.markSent(sent.id, '250 OK');
    const untouched = await outbox.enqueue(message({ id: 'y'.repeat(32), step: 'reminder-1', messageId: '<y@x>' }));

    const first = await outbox.withdrawUnsent(waiting.workflowId, 'request', '2026-03-02T08:01:00.000Z');
    expect(first).toEqual({ withdrawn: 2, heldUntil: '2026-03-02T08:01:20.000Z' });
    const status = async (id: string) => (await outbox.get(id))!.status;
    expect(await status(waiting.id)).toBe('withdrawn');
    expect((await outbox.get(waiting.id))!.lastError).toMatch(/^withdrawn before it was sent/);
    expect(await status(dead.id)).toBe('withdrawn');
    expect((await outbox.get(dead.id))!.lastError).toMatch(/the relay may have that attempt/);
    expect(await status(live.id)).toBe('sending');
    expect(await status(sent.id)).toBe('sent');
    expect(await status(untouched.id)).toBe('pending'); // another step
    // Final: a withdrawn row is never claimed again.
    expect(await outbox.claim(waiting.id, '2026-03-02T09:00:00.000Z')).toBeUndefined();
    expect(await outbox.claim(dead.id, '2026-03-02T09:00:00.000Z')).toBeUndefined();

    // The live attempt fails transiently (its row back to pending): withdrawn the next time round.
    await outbox.markRetry(live.id, '421 try later');
    expect(await outbox.withdrawUnsent(waiting.workflowId, 'request', '2026-03-02T08:01:05.000Z')).toEqual({
      withdrawn: 1,
    });
    expect(await status(live.id)).toBe('withdrawn');
    // A recipient no attempt has written yet gets a withdrawn row; existing rows keep theirs.
    const unwritten = other('late');
    expect(await outbox.enqueueWithdrawn([message(), unwritten], 'withdrawn before it was written')).toBe(1);
    expect(await outbox.get(unwritten.id)).toMatchObject({
      status: 'withdrawn',
      lastError: 'withdrawn before it was written',
    });
    expect((await outbox.get(waiting.id))!.lastError).toMatch(/^withdrawn before it was sent/);
    expect(await outbox.claim(unwritten.id, '2026-03-02T09:00:00.000Z')).toBeUndefined();
    // Kept in the local outbox (no SMTP) is no way back either.
    await outbox.markStored(unwritten.id);
    expect(await status(unwritten.id)).toBe('withdrawn');
    expect(await outbox.countByStatus('cn-ls')).toEqual({ sent: 1, withdrawn: 4, pending: 1 });
  });

  it("counts a cycle's emails per kind: written, sent (stored counts as sent), first and last time", async () => {
    const outbox = createOutboxRepository(store.db);
    const write = (recipientId: string, over: Partial<NewOutboxMessage>, at: string) =>
      outbox.enqueue(
        message({
          id: outboxId('update:cn-ls:2026-Q1:mpiti-road', over.step ?? 'request', recipientId),
          recipientId,
          messageId: `<${recipientId}-${over.step ?? 'request'}@example.org>`,
          ...over,
        }),
        at,
      );
    const a = await write('owner-a', {}, '2026-03-02T07:00:00.000Z');
    const b = await write('owner-b', {}, '2026-03-02T07:00:01.000Z');
    await write('owner-c', {}, '2026-03-02T07:00:02.000Z'); // written, not sent yet
    await outbox.markSent(a.id, '250 OK', '2026-03-02T07:00:05.000Z');
    await outbox.markStored(b.id, '2026-03-02T07:00:09.000Z');
    await write('owner-a', { step: 'reminder-1', kind: 'reminder' }, '2026-03-09T07:00:00.000Z');
    await write('owner-a', { quarter: '2026-Q2', step: 'request-q2' }, '2026-06-01T07:00:00.000Z'); // another quarter
    const counts = await outbox.countByKind('cn-ls', '2026-Q1');
    expect([...counts].sort((x, y) => x.kind.localeCompare(y.kind))).toEqual([
      { kind: 'reminder', total: 1, sent: 0, firstAt: '2026-03-09T07:00:00.000Z', lastAt: '2026-03-09T07:00:00.000Z' },
      // The row not sent yet counts from when it was written (07:00:02, the earliest); the last went out at 07:00:09.
      { kind: 'request', total: 3, sent: 2, firstAt: '2026-03-02T07:00:02.000Z', lastAt: '2026-03-02T07:00:09.000Z' },
    ]);
  });

  it('writes a new email already claimed by the attempt about to send it, and no other attempt gets it', async () => {
    const outbox = createOutboxRepository(store.db);
    const claimed = await outbox.enqueueClaimed(message(), '2026-03-02T08:00:00.000Z', 60_000);
    expect(claimed).toMatchObject({ status: 'sending', attempts: 1, text: 'first rendering' });
    expect(await outbox.get(claimed!.id)).toEqual(claimed);
    // A second attempt that rendered the same email finds it written: it keeps the first rendering and must claim it.
    expect(await outbox.enqueueClaimed(message({ text: 'second rendering' }), '2026-03-02T08:00:01.000Z')).toBe(
      undefined,
    );
    expect(await outbox.claim(claimed!.id, '2026-03-02T08:00:59.000Z', 60_000)).toBeUndefined();
    // Once the lease of an attempt that died has run out, the next one takes it over, as for any claimed row.
    expect(await outbox.claim(claimed!.id, '2026-03-02T08:01:00.000Z', 60_000)).toMatchObject({
      status: 'sending',
      attempts: 2,
      text: 'first rendering',
    });
    await outbox.markSent(claimed!.id, '250 OK');
    expect(await outbox.claim(claimed!.id, '2026-03-02T09:00:00.000Z', 60_000)).toBeUndefined();
  });

  it("records the server's reply of every one of many emails sent at the same time", async () => {
    const outbox = createOutboxRepository(store.db);
    const ids = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const m = message({ id: `row-${i}-`.padEnd(32, '0'), recipientId: `owner-${i}`, messageId: `<row-${i}@x>` });
        return (await outbox.enqueueClaimed(m, '2026-03-02T08:00:00.000Z'))!.id;
      }),
    );
    await Promise.all(ids.map((id, i) => outbox.markSent(id, `250 OK queued as ${i}`, '2026-03-02T08:00:05.000Z')));
    const rows = await Promise.all(ids.map((id) => outbox.get(id)));
    expect(rows.map((r) => [r!.status, r!.smtpResponse, r!.sentAt])).toEqual(
      ids.map((_, i) => ['sent', `250 OK queued as ${i}`, '2026-03-02T08:00:05.000Z']),
    );
  });

  it('tells the sender when its reply could not be recorded, records the others, and lets a later attempt resend it', async () => {
    const outbox = createOutboxRepository(store.db);
    const rows = [];
    for (const name of ['a', 'b', 'c']) {
      const m = message({ id: name.repeat(32), recipientId: `owner-${name}`, messageId: `<${name}@x>` });
      rows.push((await outbox.enqueueClaimed(m, '2026-03-02T08:00:00.000Z', 60_000))!);
    }
    await refuseSent(store, 'b'.repeat(32));
    const results = await Promise.allSettled(rows.map((r) => outbox.markSent(r.id, '250 OK')));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toContain('refused');
    expect((await outbox.list()).map((r) => [r.recipientId, r.status]).sort()).toEqual([
      ['owner-a', 'sent'],
      ['owner-b', 'sending'],
      ['owner-c', 'sent'],
    ]);
    // The row whose reply was lost stays with its sender until the lease ends, then goes again (same Message-ID).
    expect(await outbox.claim(rows[1].id, '2026-03-02T08:00:30.000Z', 60_000)).toBeUndefined();
    expect(await outbox.claim(rows[1].id, '2026-03-02T08:01:00.000Z', 60_000)).toMatchObject({
      attempts: 2,
      messageId: '<b@x>',
    });
  });

  it('sends a request over SMTP with the outbox in this database', async () => {
    const catcher = await startSmtpCatcher();
    try {
      const { notifier, transport } = notifierFor(
        store,
        createOutboxRepository(store.db),
        catcher.url,
        testMechanism(),
      );
      const step = {
        workflowId: 'update:cn-ls:2026-Q1:mpiti-road',
        step: 'request',
        kind: 'request' as const,
        mechanismId: 'cn-ls',
        quarter: '2026-Q1',
        projectId: 'mpiti-road',
        to: ['road-owner', 'solar-owner'],
        params: { dueDate: '2026-03-13' },
      };
      const first = await notifier.send(step);
      const second = await notifier.send(step);
      transport.close();
      expect(second).toEqual(first);
      expect(catcher.messages).toHaveLength(2);
    } finally {
      await catcher.close();
    }
  });
});
