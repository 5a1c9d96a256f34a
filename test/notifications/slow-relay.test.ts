/**
 * Exactly-once email under a slow relay (issue 15): the relay takes 10 s to answer each DATA, so the first attempt of
 * the activity outlives its timeout and Temporal starts the next attempt while the first is still sending. The
 * outbox lease (renewed while each SMTP exchange lasts) keeps every row with the attempt that claimed it.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import type { NotificationRequest } from '../../src/activities/types';
import { createNotificationActivities } from '../../src/notifications/activities';
import { createNotifier } from '../../src/notifications/notifier';
import { createSmtpTransport } from '../../src/notifications/transport';
import { FAILURE_CONVERTER_PATH } from '../../src/temporal/codec';
import { createFakeActivities } from '../helpers/fake-activities';
import { startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp';
import { createLocalEnv, uniqueTaskQueue, withWorker } from '../helpers/temporal';
import { until } from '../helpers/until';
import { invitation, tempStore, testDirectory, testMechanism } from './fixtures';

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
    const request = invitation(attendees);
    try {
      const first = sendNotification(request).catch((err: unknown) => err);
      // The first attempt is sending (20 rows claimed, their DATA not yet answered) and has renewed its leases at
      // least once: its claims have outlived the 4 s they started with. That is when its timeout fires and the retry starts.
      const sending = async () =>
        (await env.outbox.listForWorkflow(request.workflowId)).filter((m) => m.status === 'sending');
      const claimedAt = await until('the first attempt sending', async () => {
        const rows = await sending();
        return rows.length === 20 && rows.map((r) => r.id);
      });
      const leaseOf = async (id: string) =>
        (await env.store.db.selectFrom('outbox').select('lease_until').where('id', '=', id).executeTakeFirstOrThrow())
          .lease_until!;
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

describe('invitations through the same slow relay, sent by a Temporal activity whose first attempt times out', () => {
  let temporal: TestWorkflowEnvironment | undefined;
  afterEach(async () => {
    await temporal?.teardown();
  });

  it('delivers every one of 40 invitations exactly once, although Temporal retried the step while its first attempt was still sending', async () => {
    temporal = await createLocalEnv();
    const bundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('./slow-relay-workflow'),
      failureConverterPath: FAILURE_CONVERTER_PATH,
      logger: new DefaultLogger('WARN'),
    });
    const mechanism = testMechanism(40);
    const attendees = mechanism.contacts.filter((c) => c.id.startsWith('owner-')).map((c) => c.id);
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
    // Each attempt as Temporal started it, and when it ended (the first one ends long after Temporal gave up on it).
    const attempts: { attempt: number; startedAt: number; endedAt?: number }[] = [];
    const fakes = createFakeActivities({}, async () => Date.now());
    const request: NotificationRequest = invitation(attendees);
    const taskQueue = uniqueTaskQueue('slow-relay');
    try {
      const result = await withWorker(
        temporal,
        bundle,
        taskQueue,
        {
          ...fakes.activities,
          async sendNotification(input) {
            const entry: (typeof attempts)[number] = { attempt: Context.current().info.attempt, startedAt: Date.now() };
            attempts.push(entry);
            try {
              return await sendNotification(input);
            } finally {
              entry.endedAt = Date.now();
            }
          },
        },
        () =>
          temporal!.client.workflow.execute('sendThroughSlowRelay', {
            taskQueue,
            workflowId: `slow-relay-${taskQueue}`,
            args: [request],
          }) as Promise<{ messageIds: string[] }>,
      );
      // The first attempt outlived its 15 s timeout: Temporal had started the second before the first finished.
      const [first, second] = attempts;
      expect(first.attempt).toBe(1);
      expect(second.attempt).toBe(2);
      await until('the first attempt to finish sending', async () => first.endedAt !== undefined, 60_000);
      expect(second.startedAt).toBeLessThan(first.endedAt!);
      expect(result.messageIds).toHaveLength(40);
      for (const id of result.messageIds) expect(catcher.byMessageId(id)).toHaveLength(1);
      expect(catcher.messages).toHaveLength(40);
    } finally {
      transport.close();
    }
  }, 240_000);
});
