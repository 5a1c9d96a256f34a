import { until } from '../helpers/until';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { queryCycle, sendUpdate } from '../../src/temporal/cycles';
import {
  cycleState,
  grantExtension,
  reassignOwner,
  requestExtension,
  submitUpdate,
  updateState,
  waive,
} from '../../src/workflows/messages';
import { createFakeActivities } from '../helpers/fake-activities';
import { bundleWorkflows, createTimeSkippingEnv, uniqueTaskQueue, withWorker } from '../helpers/temporal';
import { cycleId, skipTo, startScheduledCycle, updateId, world } from './cycle-fixture';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

// Every test runs whole weeks of a fixed quarter, and a test server's clock only moves forward: one server per test.
beforeAll(async () => {
  bundle = await bundleWorkflows({ timeSkipping: true });
}, 120_000);
beforeEach(async () => {
  env = await createTimeSkippingEnv();
}, 60_000);
afterEach(async () => {
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
    expect(
      fakes.sends
        .filter((s) => s.projectId === 'mpiti-road')
        .map((s) => `${s.at.slice(0, 16)} ${s.step} -> ${s.to.join(',')}`),
    ).toEqual([
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

describe('answers, extensions, waivers and reassignments', () => {
  const road = () => ({ ...world, projects: [world.projects![0]] });
  const submission = { status: 'on-track', progressPercent: 40, achievements: 'Earthworks done on 12 km.' } as const;
  const lines = (fakes: ReturnType<typeof createFakeActivities>) =>
    fakes.sends
      .filter((s) => s.projectId === 'mpiti-road')
      .map((s) => `${s.at.slice(0, 10)} ${s.step} -> ${s.to.join(',')}`);

  it('stops chasing an owner who answers after the second reminder and sends a receipt', async () => {
    const fakes = createFakeActivities(road(), () => env.currentTimeMs());
    const taskQueue = uniqueTaskQueue();
    await withWorker(env, bundle, taskQueue, fakes.activities, async () => {
      await startScheduledCycle(env.client, taskQueue);
      await skipTo(env, '2027-03-13T08:00:00Z');
      expect((await queryCycle(env.client, 'cn-ls', '2027-Q1')).projects).toEqual([
        { projectId: 'mpiti-road', state: 'reminded', revision: 0, late: false },
      ]);
      const answer = await sendUpdate(env.client, updateId('mpiti-road'), submitUpdate, {
        submission,
        submittedBy: 'owner-roads',
      });
      expect(answer).toMatchObject({ accepted: true, result: { revision: 1, late: false } });
      await skipTo(env, '2027-03-27T06:00:00Z');
      expect((await env.client.workflow.getHandle(cycleId).query(cycleState)).projects).toEqual([
        { projectId: 'mpiti-road', state: 'submitted', revision: 1, late: false },
      ]);
    });
    expect(lines(fakes)).toEqual([
      '2027-03-01 request -> owner-roads',
      '2027-03-09 reminder-1 -> owner-roads',
      '2027-03-12 reminder-2 -> owner-roads',
      '2027-03-13 receipt-r1 -> owner-roads',
    ]);
  });

  it('grants a short extension at once and chases from the new due date', async () => {
    const fakes = createFakeActivities(road(), () => env.currentTimeMs());
    const taskQueue = uniqueTaskQueue();
    await withWorker(env, bundle, taskQueue, fakes.activities, async () => {
      await startScheduledCycle(env.client, taskQueue);
      await skipTo(env, '2027-03-10T08:00:00Z');
      const answer = await sendUpdate(env.client, updateId('mpiti-road'), requestExtension, {
        days: 3,
        requestedBy: 'owner-roads',
      });
      expect(answer).toEqual({ accepted: true, result: { outcome: 'granted', dueDate: '2027-03-19' } });
      await skipTo(env, '2027-03-31T06:00:00Z');
      expect((await env.client.workflow.getHandle(updateId('mpiti-road')).query(updateState)).state).toBe('missing');
    });
    expect(lines(fakes)).toEqual([
      '2027-03-01 request -> owner-roads',
      '2027-03-09 reminder-1 -> owner-roads',
      '2027-03-10 extension-granted-1 -> owner-roads',
      '2027-03-12 reminder-1.p1 -> owner-roads',
      '2027-03-17 reminder-2.p1 -> owner-roads',
      '2027-03-19 reminder-3.p1 -> owner-roads',
      '2027-03-23 overdue-1.p1 -> owner-roads',
      '2027-03-24 escalation-supervisor.p1 -> ps-works',
      '2027-03-26 escalation-secretariat.p1 -> sec-ls,sec-cn',
    ]);
  });

  it('sends a long extension request to the secretariat, who grants it; the answer before the new date is on time', async () => {
    const fakes = createFakeActivities(road(), () => env.currentTimeMs());
    const taskQueue = uniqueTaskQueue();
    await withWorker(env, bundle, taskQueue, fakes.activities, async () => {
      await startScheduledCycle(env.client, taskQueue);
      await skipTo(env, '2027-03-10T08:00:00Z');
      const asked = await sendUpdate(env.client, updateId('mpiti-road'), requestExtension, {
        days: 10,
        requestedBy: 'owner-roads',
      });
      expect(asked).toEqual({ accepted: true, result: { outcome: 'pending', dueDate: '2027-03-16' } });
      expect(
        (await env.client.workflow.getHandle(updateId('mpiti-road')).query(updateState)).pendingExtensionDays,
      ).toBe(10);
      const granted = await sendUpdate(env.client, updateId('mpiti-road'), grantExtension, {
        dueDate: '2027-03-23',
        grantedBy: 'sec-ls',
      });
      expect(granted).toEqual({ accepted: true, result: { dueDate: '2027-03-23' } });
      await skipTo(env, '2027-03-22T08:00:00Z');
      const answer = await sendUpdate(env.client, updateId('mpiti-road'), submitUpdate, {
        submission,
        submittedBy: 'owner-roads',
      });
      expect(answer).toMatchObject({ accepted: true, result: { revision: 1, late: false } });
      // The receipt email follows the answer.
      await until('the receipt', async () => fakes.sends.some((s) => s.step === 'receipt-r1'));
    });
    expect(lines(fakes)).toEqual([
      '2027-03-01 request -> owner-roads',
      '2027-03-09 reminder-1 -> owner-roads',
      '2027-03-10 extension-requested-1 -> sec-ls,sec-cn',
      '2027-03-10 extension-granted-2 -> owner-roads',
      '2027-03-16 reminder-1.p1 -> owner-roads',
      // Two days before Tuesday 23 March is a Sunday: the reminder goes on Friday 19 March.
      '2027-03-19 reminder-2.p1 -> owner-roads',
      '2027-03-22 receipt-r1 -> owner-roads',
    ]);
  });

  it('sends nothing more once the secretariat waives the update', async () => {
    const fakes = createFakeActivities(road(), () => env.currentTimeMs());
    const taskQueue = uniqueTaskQueue();
    await withWorker(env, bundle, taskQueue, fakes.activities, async () => {
      await startScheduledCycle(env.client, taskQueue);
      await skipTo(env, '2027-03-10T08:00:00Z');
      expect(await sendUpdate(env.client, updateId('mpiti-road'), waive, { waivedBy: 'sec-ls' })).toEqual({
        accepted: true,
        result: { state: 'waived' },
      });
      await skipTo(env, '2027-03-27T06:00:00Z');
      const cycle = await env.client.workflow.getHandle(cycleId).query(cycleState);
      expect(cycle.projects[0].state).toBe('waived');
      expect(cycle.phase).toBe('convening');
    });
    expect(lines(fakes)).toEqual(['2027-03-01 request -> owner-roads', '2027-03-09 reminder-1 -> owner-roads']);
  });

  it('sends the request to the new owner after a reassignment and nothing more to the old one', async () => {
    const fakes = createFakeActivities(road(), () => env.currentTimeMs());
    const taskQueue = uniqueTaskQueue();
    await withWorker(env, bundle, taskQueue, fakes.activities, async () => {
      await startScheduledCycle(env.client, taskQueue);
      await skipTo(env, '2027-03-10T08:00:00Z');
      const moved = await sendUpdate(env.client, updateId('mpiti-road'), reassignOwner, {
        ownerId: 'owner-roads-2',
        ownerTimeZone: 'Africa/Maseru',
        reassignedBy: 'sec-ls',
      });
      expect(moved).toEqual({ accepted: true, result: { ownerId: 'owner-roads-2' } });
      await skipTo(env, '2027-03-17T06:00:00Z');
    });
    expect(lines(fakes)).toEqual([
      '2027-03-01 request -> owner-roads',
      '2027-03-09 reminder-1 -> owner-roads',
      '2027-03-10 request.p1 -> owner-roads-2',
      '2027-03-12 reminder-1.p1 -> owner-roads-2',
      '2027-03-16 reminder-2.p1 -> owner-roads-2',
    ]);
  });

  it('rejects an invalid submission with a field-level message and leaves no trace in the history', async () => {
    const fakes = createFakeActivities(road(), () => env.currentTimeMs());
    const taskQueue = uniqueTaskQueue();
    await withWorker(env, bundle, taskQueue, fakes.activities, async () => {
      await startScheduledCycle(env.client, taskQueue);
      await skipTo(env, '2027-03-02T08:00:00Z');
      const answer = await sendUpdate(env.client, updateId('mpiti-road'), submitUpdate, {
        submission: { status: 'at-risk', progressPercent: 140 } as never,
        submittedBy: 'owner-roads',
      });
      expect(answer).toMatchObject({ accepted: false, code: 'InvalidSubmission' });
      if (answer.accepted) throw new Error('unreachable');
      expect(answer.fields?.map((f) => f.field).sort()).toEqual(['progressPercent', 'statusReason']);
      const history = await env.client.workflow.getHandle(updateId('mpiti-road')).fetchHistory();
      const kinds = (history.events ?? []).map((e) => String(e.eventType));
      expect(kinds.some((k) => /UPDATE/i.test(k))).toBe(false);
      expect(fakes.calls.some((c) => c.name === 'recordSubmission')).toBe(false);
    });
  });
});

describe('an address that bounces', () => {
  it('tells the secretariat when the owner cannot be written to, and keeps chasing', async () => {
    const fakes = createFakeActivities(
      { ...world, projects: [world.projects![0]], undeliverable: ['owner-roads'] },
      () => env.currentTimeMs(),
    );
    const taskQueue = uniqueTaskQueue();
    await withWorker(env, bundle, taskQueue, fakes.activities, async () => {
      await startScheduledCycle(env.client, taskQueue);
      await skipTo(env, '2027-03-10T08:00:00Z');
    });
    expect(fakes.sendsOf(updateId('mpiti-road'))).toEqual([
      'request request ',
      'request:undeliverable undeliverable sec-ls,sec-cn',
      'reminder-1 reminder ',
      'reminder-1:undeliverable undeliverable sec-ls,sec-cn',
    ]);
  });
});
