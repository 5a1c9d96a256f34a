import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { cycleState, updateState } from '../../src/workflows/messages';
import { createFakeActivities } from '../helpers/fake-activities';
import { bundleWorkflows, createTimeSkippingEnv, uniqueTaskQueue, withWorker } from '../helpers/temporal';
import { cycleId, skipTo, startScheduledCycle, updateId, world } from './cycle-fixture';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  [env, bundle] = await Promise.all([createTimeSkippingEnv(), bundleWorkflows()]);
}, 120_000);
afterAll(async () => {
  await env?.teardown();
});

describe('collecting and chasing updates', () => {
  it('chases an owner who never answers through reminders, an overdue notice and both escalations, then marks the update missing', async () => {
    const fakes = createFakeActivities({ ...world, projects: [world.projects![0]] }, () => env.currentTimeMs());
    const taskQueue = uniqueTaskQueue();
    await withWorker(env, bundle, taskQueue, fakes.activities, async () => {
      await startScheduledCycle(env.client, taskQueue);
      await skipTo(env, '2027-03-27T06:00:00Z');
      const update = await env.client.workflow.getHandle(updateId('mpiti-road')).query(updateState);
      expect(update.state).toBe('missing');
      const cycle = await env.client.workflow.getHandle(cycleId).query(cycleState);
      expect(cycle.phase).toBe('convening');
      expect(cycle.projects).toEqual([{ projectId: 'mpiti-road', state: 'missing', revision: 0, late: false }]);
    });
    expect(fakes.sends.filter((s) => s.projectId === 'mpiti-road').map((s) => `${s.at.slice(0, 16)} ${s.step} -> ${s.to.join(',')}`)).toEqual([
      '2027-03-01T07:00 request -> owner-roads',
      '2027-03-09T07:00 reminder-1 -> owner-roads',
      // Two days before the due date is Sunday 14 March: the reminder goes on Friday 12 March.
      '2027-03-12T07:00 reminder-2 -> owner-roads',
      '2027-03-16T07:00 reminder-3 -> owner-roads',
      // Two working days after Tuesday 16 March, skipping the holiday on Thursday 18 March.
      '2027-03-19T07:00 overdue-1 -> owner-roads',
      '2027-03-22T07:00 escalation-supervisor -> ps-works',
      '2027-03-24T07:00 escalation-secretariat -> sec-ls,sec-cn',
    ]);
  });
});
