import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { sendUpdate } from '../../src/temporal/cycles';
import { cycleState, submitUpdate } from '../../src/workflows/messages';
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

describe('a worker replaced in the middle of a cycle', () => {
  it('resumes on a new worker with no lost submission and no email step sent twice', async () => {
    const fakes = createFakeActivities(world, () => env.currentTimeMs());
    const taskQueue = uniqueTaskQueue();
    // The first worker has a connection of its own, closed with it, as a crashed process's would be: the test
    // server then drops its pending polls instead of handing them tasks that nobody would ever complete.
    const firstConnection = await NativeConnection.connect({ address: env.address });
    await withWorker(env, bundle, taskQueue, fakes.activities, async () => {
      await startScheduledCycle(env.client, taskQueue);
      await skipTo(env, '2027-03-10T08:00:00Z');
      const answer = await sendUpdate(env.client, updateId('mpiti-road'), submitUpdate, {
        submission: { status: 'on-track', progressPercent: 50 },
        submittedBy: 'owner-roads',
      });
      expect(answer).toMatchObject({ accepted: true, result: { revision: 1 } });
      // Let the cycle take the news in (the test server moves its clock only when no task is in flight), so the
      // worker does not stop in the middle of a task that the test server would then wait for in frozen time.
      await skipTo(env, '2027-03-10T09:00:00Z');
      expect((await env.client.workflow.getHandle(cycleId).query(cycleState)).projects[0].state).toBe('submitted');
      // Without a cache the server never parks tasks on this worker's sticky queue, which would stall the
      // test server's clock once the worker is gone (a production server just times the sticky queue out).
    }, { maxCachedWorkflows: 0, connection: firstConnection });
    await firstConnection.close();
    // The first worker is gone (its cache with it); a new one picks the cycle up from history.
    await withWorker(env, bundle, taskQueue, fakes.activities, async () => {
      await skipTo(env, '2027-03-27T06:00:00Z');
      const cycle = await env.client.workflow.getHandle(cycleId).query(cycleState);
      expect(cycle.projects).toEqual([
        { projectId: 'mpiti-road', state: 'submitted', revision: 1, late: false },
        { projectId: 'solar-plant', state: 'missing', revision: 0, late: false },
      ]);
    });
    const stepCalls = new Map<string, number>();
    for (const call of fakes.calls.filter((c) => c.name === 'sendNotification')) {
      const { workflowId, step } = call.input as { workflowId: string; step: string };
      stepCalls.set(`${workflowId} ${step}`, (stepCalls.get(`${workflowId} ${step}`) ?? 0) + 1);
    }
    expect([...stepCalls].filter(([, n]) => n > 1)).toEqual([]);
    expect(fakes.calls.filter((c) => c.name === 'recordSubmission')).toHaveLength(1);
    // The owner in Shanghai got the request at once (14:00 there) and every reminder at 09:00 Shanghai time (01:00 UTC).
    expect(fakes.sendsOf(updateId('solar-plant'))).toEqual([
      'request request owner-energy',
      'reminder-1 reminder owner-energy',
      'reminder-2 reminder owner-energy',
      'reminder-3 reminder owner-energy',
      'overdue-1 overdue owner-energy',
      'escalation-supervisor escalation-supervisor ps-energy',
      'escalation-secretariat escalation-secretariat sec-ls,sec-cn',
    ]);
    expect(fakes.sends.filter((s) => s.workflowId === updateId('solar-plant') && (s.kind === 'reminder' || s.kind === 'overdue')).every((s) => s.at.slice(11, 16) === '01:00')).toBe(true);
  });
});
