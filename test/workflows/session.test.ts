import { until } from '../helpers/until';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { sendUpdate, startCycle } from '../../src/temporal/cycles';
import { actionItemWorkflowId, cycleWorkflowId } from '../../src/temporal/ids';
import { actionItemState, convene, cycleState, recordDecisions, submitUpdate } from '../../src/workflows/messages';
import type { CycleContext } from '../../src/activities/types';
import { createFakeActivities } from '../helpers/fake-activities';
import { bundleWorkflows, createTimeSkippingEnv, uniqueTaskQueue, withWorker } from '../helpers/temporal';
import { cycleId, mechanismId, skipTo, startScheduledCycle, updateId, world } from './cycle-fixture';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  bundle = await bundleWorkflows({ timeSkipping: true });
}, 120_000);
beforeEach(async () => {
  env = await createTimeSkippingEnv();
}, 60_000);
afterEach(async () => {
  await env?.teardown();
});

const submission = { status: 'at-risk', statusReason: 'Rains delayed the earthworks.', progressPercent: 35 } as const;
const meeting = {
  venue: 'Ministry of Foreign Affairs, Maseru',
  chairs: ['chair-ls', 'chair-cn'],
  attendees: ['owner-roads', 'owner-energy', 'sec-ls', 'sec-cn'],
};

describe('a whole quarter: compile, convene, record, follow up', () => {
  it('compiles report version 2 when a late submission arrives after the report was compiled', async () => {
    const fakes = createFakeActivities(world, () => env.currentTimeMs());
    const taskQueue = uniqueTaskQueue();
    await withWorker(env, bundle, taskQueue, fakes.activities, async () => {
      await startScheduledCycle(env.client, taskQueue);
      await skipTo(env, '2027-03-29T08:00:00Z');
      expect(fakes.reportVersions).toEqual([1]);
      const answer = await sendUpdate(env.client, updateId('mpiti-road'), submitUpdate, {
        submission,
        submittedBy: 'owner-roads',
      });
      expect(answer).toMatchObject({ accepted: true, result: { revision: 1, late: true } });
      const handle = env.client.workflow.getHandle(cycleId);
      await until('report version 2', async () => (await handle.query(cycleState)).reportVersion === 2);
      const cycle = await handle.query(cycleState);
      expect(cycle.projects.find((p) => p.projectId === 'mpiti-road')).toEqual({
        projectId: 'mpiti-road',
        state: 'submitted',
        revision: 1,
        late: true,
      });
    });
    expect(fakes.reportVersions).toEqual([1, 2]);
    expect(fakes.sends.filter((s) => s.kind === 'report-ready').map((s) => s.step)).toEqual([
      'report-ready-v1',
      'report-ready-v2',
    ]);
  });

  it('reschedules the session, holds it, records decisions and follows the action item into the next quarter', async () => {
    const fakes = createFakeActivities(world, () => env.currentTimeMs());
    // What each opening cycle was given: the open action items its requests list.
    const contexts: CycleContext[] = [];
    const activities = {
      ...fakes.activities,
      async loadCycleContext(input: Parameters<typeof fakes.activities.loadCycleContext>[0]) {
        const context = await fakes.activities.loadCycleContext(input);
        contexts.push(context);
        return context;
      },
    };
    const taskQueue = uniqueTaskQueue();
    await withWorker(env, bundle, taskQueue, activities, async () => {
      await startScheduledCycle(env.client, taskQueue);
      await skipTo(env, '2027-03-29T08:00:00Z');
      const handle = env.client.workflow.getHandle(cycleId);
      expect((await handle.query(cycleState)).proposedSessionAt).toBe('2027-04-09T08:00:00.000Z');
      expect(await sendUpdate(env.client, cycleId, convene, { ...meeting, startsAt: '2027-04-12T08:00:00Z' })).toEqual({
        accepted: true,
        result: { sequence: 1, startsAt: '2027-04-12T08:00:00Z' },
      });
      await skipTo(env, '2027-04-05T08:00:00Z');
      expect(
        await sendUpdate(env.client, cycleId, convene, { ...meeting, startsAt: '2027-04-14T08:00:00Z' }),
      ).toMatchObject({
        accepted: true,
        result: { sequence: 2 },
      });
      await skipTo(env, '2027-04-14T09:00:00Z');
      expect((await handle.query(cycleState)).phase).toBe('in-session');
      await skipTo(env, '2027-04-14T12:00:00Z');
      const held = await handle.query(cycleState);
      expect(held.phase).toBe('recording');
      expect(held.session).toEqual({ sequence: 2, startsAt: '2027-04-14T08:00:00Z', status: 'held' });
      const recorded = await sendUpdate(env.client, cycleId, recordDecisions, {
        present: ['chair-ls', 'chair-cn'],
        decisions: [
          {
            id: 'd1',
            text: 'The road contractor presents a revised schedule.',
            projects: ['mpiti-road'],
            actionItems: [
              {
                id: 'road-schedule',
                title: 'Revised schedule for the Mpiti road',
                owner: 'owner-roads',
                dueDate: '2027-05-14',
                projects: ['mpiti-road'],
              },
            ],
          },
        ],
      });
      expect(recorded).toEqual({ accepted: true, result: { actionItemIds: ['road-schedule'] } });
      expect(await handle.result()).toEqual({ phase: 'closed', reportVersion: 1, actionItemIds: ['road-schedule'] });
      const item = env.client.workflow.getHandle(actionItemWorkflowId(mechanismId, 'road-schedule'));
      await skipTo(env, '2027-05-18T08:00:00Z');
      expect(await item.query(actionItemState)).toMatchObject({
        state: 'overdue',
        sent: ['reminder-7d', 'reminder-1d', 'overdue'],
      });

      // The next quarter opens with the item still open: the owner's request goes out while the store lists it
      // (the email lists the owner's open items as they stand when it is written: test/notifications/delivery.test.ts).
      await startScheduledCycle(env.client, taskQueue, '2027-Q2');
      await skipTo(env, '2027-06-01T08:00:00Z');
      expect(contexts.at(-1)).toMatchObject({
        quarter: '2027-Q2',
        openActionItems: [{ actionItemId: 'road-schedule', ownerId: 'owner-roads' }],
      });
      const q2Request = fakes.calls.find(
        (c) =>
          c.name === 'sendNotification' &&
          (c.input as { step: string; quarter: string; projectId: string }).quarter === '2027-Q2' &&
          (c.input as { projectId: string }).projectId === 'mpiti-road',
      );
      expect(q2Request?.input).toMatchObject({ step: 'request', kind: 'request', to: ['owner-roads'] });
    });
    const cycleSends = fakes.sends
      .filter((s) => s.workflowId === cycleId)
      .map((s) => `${s.at.slice(0, 10)} ${s.step} ${s.kind}`);
    expect(cycleSends).toEqual([
      '2027-03-26 report-ready-v1 report-ready',
      '2027-03-29 invitation-s1 invitation',
      '2027-04-05 invitation-s2 invitation-update',
      '2027-04-13 session-reminder-s2 session-reminder',
      '2027-04-14 minutes minutes',
    ]);
    const itemSends = fakes.sends
      .filter((s) => s.actionItemId === 'road-schedule')
      .map((s) => `${s.at.slice(0, 10)} ${s.step}`);
    // 7 days before Friday 14 May, the day before, and the next working day after it.
    expect(itemSends).toEqual(['2027-05-07 reminder-7d', '2027-05-13 reminder-1d', '2027-05-17 overdue']);
  });

  it('refuses a second record of decisions sent while the first is still being stored', async () => {
    const fakes = createFakeActivities(world, () => env.currentTimeMs());
    // The store write of the first record is held until the test lets it go (or a second write shows up, which
    // would mean the second record got past the validator).
    const writes: unknown[] = [];
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const activities = {
      ...fakes.activities,
      async recordDecisions(input: Parameters<typeof fakes.activities.recordDecisions>[0]) {
        writes.push(input);
        if (writes.length > 1) release();
        await held;
        return fakes.activities.recordDecisions(input);
      },
    };
    const taskQueue = uniqueTaskQueue();
    await withWorker(env, bundle, taskQueue, activities, async () => {
      await startScheduledCycle(env.client, taskQueue);
      await skipTo(env, '2027-03-29T08:00:00Z');
      expect(
        await sendUpdate(env.client, cycleId, convene, { ...meeting, startsAt: '2027-04-12T08:00:00Z' }),
      ).toMatchObject({ accepted: true });
      await skipTo(env, '2027-04-12T12:00:00Z');
      const handle = env.client.workflow.getHandle(cycleId);
      expect((await handle.query(cycleState)).phase).toBe('recording');
      const decision = (id: string) => ({
        id,
        text: `Decision ${id}.`,
        projects: ['mpiti-road'],
        actionItems: [
          {
            id: `item-${id}`,
            title: `Follow-up of ${id}`,
            owner: 'owner-roads',
            dueDate: '2027-05-14',
            projects: ['mpiti-road'],
          },
        ],
      });
      const first = sendUpdate(env.client, cycleId, recordDecisions, {
        present: ['chair-ls', 'chair-cn'],
        decisions: [decision('d1')],
      });
      await until('the first record being stored', async () => writes.length === 1);
      const second = await sendUpdate(env.client, cycleId, recordDecisions, {
        present: ['chair-ls'],
        decisions: [decision('d2')],
      });
      release();
      expect(second).toMatchObject({ accepted: false, code: 'AlreadyRecorded' });
      expect(await first).toEqual({ accepted: true, result: { actionItemIds: ['item-d1'] } });
      expect(await handle.result()).toEqual({ phase: 'closed', reportVersion: 1, actionItemIds: ['item-d1'] });
    });
    expect(writes).toHaveLength(1);
  });

  it('keeps one cycle when the schedule and the API open the same quarter', async () => {
    const fakes = createFakeActivities(world, () => env.currentTimeMs());
    const taskQueue = uniqueTaskQueue();
    await withWorker(env, bundle, taskQueue, fakes.activities, async () => {
      // Started by hand at the schedule's hour (the fire time the schedule sets is read on the dev server:
      // test/workflows/dev-server.test.ts), openCycle reads the quarter from its start instant.
      await skipTo(env, '2027-03-01T06:00:00Z');
      const launched = await env.client.workflow.execute('openCycle', {
        workflowId: 'schedule-run-1',
        taskQueue,
        args: [{ mechanismId, timeZone: 'Africa/Maseru' }],
      });
      expect(launched).toEqual({
        workflowId: cycleWorkflowId(mechanismId, '2027-Q1'),
        quarter: '2027-Q1',
        started: true,
      });
      expect(await startCycle(env.client, mechanismId, '2027-Q1', { taskQueue })).toEqual({
        workflowId: cycleId,
        created: false,
      });
      const again = await env.client.workflow.execute('openCycle', {
        workflowId: 'schedule-run-2',
        taskQueue,
        args: [{ mechanismId, timeZone: 'Africa/Maseru' }],
      });
      expect(again).toMatchObject({ started: false });
      // One cycle means one run of the cycle id, and one context load and one request per project.
      await skipTo(env, '2027-03-02T08:00:00Z');
      expect((await env.client.workflow.getHandle(cycleId).describe()).status.name).toBe('RUNNING');
      expect(fakes.calls.filter((c) => c.name === 'loadCycleContext')).toHaveLength(1);
      expect(
        fakes.sends
          .filter((s) => s.step === 'request')
          .map((s) => s.projectId)
          .sort(),
      ).toEqual(['mpiti-road', 'solar-plant']);
    });
  });
});
