import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { defaultPolicy } from '../../src/domain';
import { actionItemWorkflowId } from '../../src/temporal/ids';
import { completeActionItem } from '../../src/workflows/messages';
import { createFakeActivities } from '../helpers/fake-activities';
import { bundleWorkflows, createTimeSkippingEnv, uniqueTaskQueue, withWorker } from '../helpers/temporal';

const DAY = 24 * 60 * 60 * 1000;

describe('Temporal time-skipping, on the Java test server the project installs', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;
  beforeAll(async () => {
    [env, bundle] = await Promise.all([createTimeSkippingEnv(), bundleWorkflows({ timeSkipping: true })]);
  }, 120_000);
  afterAll(() => env?.teardown());

  it('follows an action item due in 90 days through its reminders and overdue notice without waiting 90 days', async () => {
    const fakes = createFakeActivities({}, () => env.currentTimeMs());
    const taskQueue = uniqueTaskQueue('foundation');
    const startedAt = await env.currentTimeMs();
    const dueDate = new Date(startedAt + 90 * DAY).toISOString().slice(0, 10);
    const workflowId = actionItemWorkflowId('cn-ls', `ninety-days-${Date.now()}`);
    const wallStart = Date.now();

    const result = await withWorker(env, bundle, taskQueue, fakes.activities, async () => {
      const handle = await env.client.workflow.start('actionItem', {
        workflowId,
        taskQueue,
        args: [
          {
            mechanismId: 'cn-ls',
            quarter: '2026-Q4',
            actionItemId: 'ninety-days',
            ownerId: 'owner-ls',
            dueDate,
            projectIds: ['mpiti-road'],
            timeZone: 'Africa/Maseru',
            holidays: [],
            policy: defaultPolicy,
            secretariatIds: ['secretariat-ls'],
          },
        ],
      });
      await env.sleep(95 * DAY);
      await handle.executeUpdate(completeActionItem, { args: [{ completedBy: 'secretariat-ls' }] });
      return handle.result();
    });

    expect(result).toEqual({ state: 'done' });
    expect(fakes.sendsOf(workflowId).map((line) => line.split(' ')[0])).toEqual([
      'reminder-7d',
      'reminder-1d',
      'overdue',
    ]);
    expect((await env.currentTimeMs()) - startedAt).toBeGreaterThanOrEqual(95 * DAY);
    // Informational (timing targets live in bench/): how long 95 days took here.
    process.stdout.write(`95 days of workflow time took ${Date.now() - wallStart} ms of wall time\n`);
  });
});
