/**
 * An email step given up by its workflow is withdrawn, not left waiting in the outbox: the cycle closes (and cancels
 * an update) while that update's email waits for the retry of a failed attempt. Before, its rows stayed `pending`
 * (or `sending`, when the attempt's worker had died) for ever: seen in the cluster suite's worker-kill case.
 */
import { CancelledFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { NotificationRequest } from '../../src/activities/types';
import { createNotificationActivities } from '../../src/notifications/activities';
import { createNotifier } from '../../src/notifications/notifier';
import { createSmtpTransport } from '../../src/notifications/transport';
import { createFakeActivities } from '../helpers/fake-activities';
import { startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp';
import { bundleWorkflows, createLocalEnv, uniqueTaskQueue, withWorker } from '../helpers/temporal';
import { until } from '../helpers/until';
import { tempStore, testDirectory, testMechanism } from './fixtures';

let catcher: SmtpCatcher;
let env: Awaited<ReturnType<typeof tempStore>>;
let temporal: TestWorkflowEnvironment | undefined;
beforeEach(async () => {
  catcher = await startSmtpCatcher();
  env = await tempStore();
});
afterEach(async () => {
  await temporal?.teardown();
  await catcher.close();
  await env.cleanup();
});

it('withdraws the emails of a step whose workflow is cancelled while they wait for a retry, and never sends them', async () => {
  temporal = await createLocalEnv();
  const bundle = await bundleWorkflows({ workflowsPath: require.resolve('./withdraw-workflow') });
  const mechanism = testMechanism(3);
  const owners = mechanism.contacts.filter((c) => c.id.startsWith('owner-')).map((c) => c.id);
  const transport = createSmtpTransport(catcher.url, { timeoutMs: 5_000 });
  const notifier = createNotifier({
    outbox: env.outbox,
    transport,
    directory: testDirectory(mechanism),
    publicUrl: 'http://127.0.0.1:3000',
    mailFrom: 'secretariat@example.org',
  });
  const request: NotificationRequest = {
    workflowId: 'cycle:cn-ls:2026-Q1',
    step: 'invitation-s1',
    kind: 'invitation',
    mechanismId: 'cn-ls',
    quarter: '2026-Q1',
    to: owners,
    params: {
      startsAt: '2026-04-02T08:00:00Z',
      durationMinutes: 120,
      sequence: 1,
      agendaDocumentIds: [],
      reportVersion: 0,
    },
  };
  const rows = () => env.outbox.listForWorkflow(request.workflowId);
  const taskQueue = uniqueTaskQueue('withdraw');
  // The relay refuses connections: the first attempt fails for every recipient, and the next waits 30 s.
  await catcher.down();
  try {
    await withWorker(
      temporal,
      bundle,
      taskQueue,
      { ...createFakeActivities({}, async () => Date.now()).activities, ...createNotificationActivities(notifier) },
      async () => {
        const handle = await temporal!.client.workflow.start('notifyOnce', {
          taskQueue,
          workflowId: `withdraw-${taskQueue}`,
          args: [request],
        });
        await until('the first attempt to fail', async () => {
          const now = await rows();
          return now.length === owners.length && now.every((r) => r.status === 'pending' && r.lastError);
        });
        await handle.cancel();
        const ended = await handle.result().catch((err: unknown) => err);
        expect(ended).toBeInstanceOf(WorkflowFailedError);
        expect((ended as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
      },
    );
    const after = await rows();
    expect(after.map((r) => r.status)).toEqual(owners.map(() => 'withdrawn'));
    for (const r of after) expect(r.lastError).toMatch(/^withdrawn before it was sent/);
    // Final: the relay is back, and an attempt of the step (as a late retry would be) sends none of them.
    await catcher.up();
    await createNotificationActivities(notifier).sendNotification(request);
    expect(catcher.messages).toHaveLength(0);
    expect((await rows()).map((r) => r.status)).toEqual(owners.map(() => 'withdrawn'));
  } finally {
    transport.close();
  }
}, 120_000);
