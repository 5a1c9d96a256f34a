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
import { createFakeActivities } from '../helpers/fake-activities';
import { startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp';
import { bundleWorkflows, createLocalEnv, uniqueTaskQueue, withWorker } from '../helpers/temporal';
import { until } from '../helpers/until';
import { invitation, notifierFor, tempStore, testMechanism } from './fixtures';

let catcher: SmtpCatcher;
let env: Awaited<ReturnType<typeof tempStore>>;
let temporal: TestWorkflowEnvironment | undefined;
beforeEach(async () => {
  catcher = await startSmtpCatcher();
  env = await tempStore();
});
afterEach(async () => {
  await temporal?.teardown();
  temporal = undefined;
  await catcher.close();
  await env.cleanup();
});

it('withdraws the emails of a step whose workflow is cancelled while they wait for a retry, and never sends them', async () => {
  temporal = await createLocalEnv();
  const bundle = await bundleWorkflows({ workflowsPath: require.resolve('./withdraw-workflow') });
  const { owners, transport, notifier, request } = invitationStep();
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
}, 180_000);

/** An invitation step to the mechanism's owners, through a notifier on the test's store and relay. */
function invitationStep(options: { countWithdrawals?: { calls: number } } = {}) {
  const mechanism = testMechanism(3);
  const owners = mechanism.contacts.filter((c) => c.id.startsWith('owner-')).map((c) => c.id);
  const counter = options.countWithdrawals;
  const outbox = counter
    ? {
        ...env.outbox,
        withdrawUnsent: (...args: Parameters<typeof env.outbox.withdrawUnsent>) => {
          counter.calls++;
          return env.outbox.withdrawUnsent(...args);
        },
      }
    : env.outbox;
  const { notifier, transport } = notifierFor(env.store, outbox, catcher.url, mechanism);
  const request: NotificationRequest = invitation(owners);
  const statuses = async () => (await env.outbox.listForWorkflow(request.workflowId)).map((r) => r.status);
  return { owners, transport, notifier, request, statuses };
}

it('withdraws a step no attempt has written yet: an attempt still under way then writes and sends none of it', async () => {
  const { owners, transport, notifier, request, statuses } = invitationStep();
  try {
    expect(await notifier.withdraw(request)).toEqual({ withdrawn: owners.length });
    const rows = await env.outbox.listForWorkflow(request.workflowId);
    for (const r of rows) expect(r.lastError).toMatch(/^withdrawn before it was written/);
    // The attempt Temporal did not wait for goes on: it finds every row final.
    await createNotificationActivities(notifier).sendNotification(request);
    expect(catcher.messages).toHaveLength(0);
    expect(await statuses()).toEqual(owners.map(() => 'withdrawn'));
    // Idempotent: withdrawing again changes nothing.
    expect(await notifier.withdraw(request)).toEqual({ withdrawn: 0 });
  } finally {
    transport.close();
  }
});

it('waits for an attempt still sending when its step is given up, and withdraws what that attempt then fails to send', async () => {
  const counter = { calls: 0 };
  const { owners, transport, notifier, request, statuses } = invitationStep({ countWithdrawals: counter });
  try {
    // The relay holds every MAIL FROM: the attempt has claimed its rows and waits for the relay's answer.
    catcher.hold();
    const attempt = createNotificationActivities(notifier)
      .sendNotification(request)
      .catch((err: unknown) => err);
    await until('the attempt sending', async () => catcher.held === owners.length);
    const withdrawing = notifier.withdraw(request);
    // The first pass found the rows held by a live attempt (so it left them) ...
    await until('the first pass of the withdrawal', async () => counter.calls >= 1);
    expect(await statuses()).toEqual(owners.map(() => 'sending'));
    // ... then the attempt gives up on the silent relay (its 5 s SMTP timeout) and puts its rows back to pending:
    // the next pass withdraws them.
    expect(await withdrawing).toEqual({ withdrawn: owners.length });
    expect((await attempt) as Error).toBeInstanceOf(Error);
    expect(await statuses()).toEqual(owners.map(() => 'withdrawn'));
    expect(counter.calls).toBeGreaterThanOrEqual(2);
    expect(catcher.messages).toHaveLength(0);
  } finally {
    transport.close();
  }
}, 60_000);
