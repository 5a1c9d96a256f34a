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
