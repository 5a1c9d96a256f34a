/**
 * Exactly-once email under a slow relay (issue 15): the relay takes 10 s to answer each DATA, so the first attempt of
 * the activity outlives its timeout and Temporal starts the next attempt while the first is still sending. The
 * outbox lease (renewed while each SMTP exchange lasts) keeps every row with the attempt that claimed it.
 */
import { ApplicationFailure } from '@temporalio/common';
import { createNotificationActivities } from '../../src/notifications/activities';
import { createNotifier } from '../../src/notifications/notifier';
import { createSmtpTransport } from '../../src/notifications/transport';
import { startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp';
import { until } from '../helpers/until';
import { tempStore, testDirectory, testMechanism } from './fixtures';

let catcher: SmtpCatcher;
let env: Awaited<ReturnType<typeof tempStore>>;
beforeEach(async () => {
  catcher = await startSmtpCatcher({ answerDataAfterMs: 10_000 });
  env = await tempStore();
});
afterEach(async () => {
  await catcher.close();
  await env.cleanup();
});

describe('invitations through a relay that takes 10 seconds to accept each message', () => {
  it('delivers every one of 40 invitations exactly once although the first attempt timed out and a second ran alongside it', async () => {
    const mechanism = testMechanism(40);
    const attendees = mechanism.contacts.filter((c) => c.id.startsWith('owner-')).map((c) => c.id);
    expect(attendees).toHaveLength(40);
    // SMTP timeouts of 30 s (longer than the relay's 10 s); a lease of 4 s that only the sender's heartbeat keeps alive.
    const transport = createSmtpTransport(`${catcher.url}?maxConnections=20`, { timeoutMs: 30_000 });
    const notifier = createNotifier({
      outbox: env.outbox,
      transport,
      directory: testDirectory(mechanism),
      publicUrl: 'http://127.0.0.1:3000',
      mailFrom: 'secretariat@example.org',
      concurrency: 20,
      leaseMs: 4000,
    });
    const { sendNotification } = createNotificationActivities(notifier);
    const request = {
      workflowId: 'cycle:cn-ls:2026-Q1',
      step: 'invitation-s1',
      kind: 'invitation' as const,
      mechanismId: 'cn-ls',
      quarter: '2026-Q1',
      to: attendees,
      params: { startsAt: '2026-04-02T08:00:00Z', durationMinutes: 120, venue: 'Maseru', sequence: 1, documentIds: [] },
    };
    try {
      const first = sendNotification(request).catch((err: unknown) => err);
      // The first attempt is sending (20 rows claimed, their DATA not yet answered) and has renewed its leases at
      // least once: its claims have outlived the 4 s they started with. That is when its timeout fires and the retry starts.
      const sending = async () => (await env.outbox.listForWorkflow(request.workflowId)).filter((m) => m.status === 'sending');
      const claimedAt = await until('the first attempt sending', async () => {
        const rows = await sending();
        return rows.length === 20 && rows.map((r) => r.id);
      });
      const leaseOf = async (id: string) =>
        (await env.store.db.selectFrom('outbox').select('lease_until').where('id', '=', id).executeTakeFirstOrThrow()).lease_until!;
      const initialLease = await leaseOf(claimedAt[0]);
      await until('a renewed lease', async () => (await leaseOf(claimedAt[0])) > initialLease, 15_000);
      const second = await sendNotification(request).catch((err: unknown) => err);
      // The second attempt never touched what the first is sending: it is told to retry later.
      expect(second).toBeInstanceOf(ApplicationFailure);
      expect((second as ApplicationFailure).type).toBe('TransientDelivery');
      const firstOutcome = await first;
      if (firstOutcome instanceof Error) expect((firstOutcome as ApplicationFailure).type).toBe('TransientDelivery');
      // Temporal's next retry finds every row settled.
      const third = await sendNotification(request);
      expect(third.outcome).toBe('sent');
      expect(third.messageIds).toHaveLength(40);
      for (const id of third.messageIds) expect(catcher.byMessageId(id)).toHaveLength(1);
      expect(catcher.messages).toHaveLength(40);
      expect(new Set(catcher.messages.map((m) => m.envelope.to[0])).size).toBe(40);
    } finally {
      transport.close();
    }
  }, 180_000);
});
