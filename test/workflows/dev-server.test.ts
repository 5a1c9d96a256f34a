/** On a real local dev server: what an operator sees in Temporal UI and the CLI. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { defaultPolicy, quarterOf } from '../../src/domain';
import { sendUpdate, startCycle } from '../../src/temporal/cycles';
import { cycleWorkflowId, scheduleId } from '../../src/temporal/ids';
import { ensureSchedule, pauseSchedule, resumeSchedule } from '../../src/temporal/schedules';
import { cycleState, submitUpdate, updateState } from '../../src/workflows/messages';
import { createFakeActivities } from '../helpers/fake-activities';
import { bundleWorkflows, createLocalEnv, uniqueTaskQueue, withWorker } from '../helpers/temporal';
import { world } from './cycle-fixture';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { toolPaths } = require('../../scripts/tools') as { toolPaths(): { temporalCli: string } };
const run = promisify(execFile);

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  [env, bundle] = await Promise.all([createLocalEnv(), bundleWorkflows()]);
}, 120_000);
afterAll(async () => {
  await env?.teardown();
});

const cli = async (...args: string[]) =>
  (
    await run(toolPaths().temporalCli, [
      ...args,
      '--address',
      env.address,
      '--namespace',
      env.namespace ?? 'default',
      '-o',
      'json',
    ])
  ).stdout;

/** Polls a condition with a bound (the dev server's visibility store is eventually consistent). */
async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('operating cycles on the dev server', () => {
  it('creates the mechanism schedule once and updates it on the next start-up, opening on the 1st of the last month of each quarter', async () => {
    const mechanism = { id: 'sched-ls', timeZone: 'Africa/Maseru', policy: defaultPolicy };
    expect(await ensureSchedule(env.client, mechanism, 'unused-queue')).toBe('created');
    expect(await ensureSchedule(env.client, mechanism, 'unused-queue')).toBe('updated');
    const description = await env.client.schedule.getHandle(scheduleId('sched-ls')).describe();
    expect(description.spec.timezone).toBe('Africa/Maseru');
    expect(description.spec.calendars?.[0]).toMatchObject({
      dayOfMonth: [{ start: 1, end: 1, step: 1 }],
      hour: [{ start: 8, end: 8, step: 1 }],
    });
    expect(description.spec.calendars?.[0].month?.map((m) => m.start)).toEqual([
      'MARCH',
      'JUNE',
      'SEPTEMBER',
      'DECEMBER',
    ]);
    await pauseSchedule(env.client, 'sched-ls');
    expect((await env.client.schedule.getHandle(scheduleId('sched-ls')).describe()).state.paused).toBe(true);
    await resumeSchedule(env.client, 'sched-ls');
    const listed = JSON.parse(await cli('schedule', 'describe', '--schedule-id', scheduleId('sched-ls')));
    expect(JSON.stringify(listed)).toContain('openCycle');
  });

  it('opens the quarter the schedule fired for when a missed opening is backfilled, not the quarter of today', async () => {
    const fakes = createFakeActivities(world, async () => Date.now());
    const taskQueue = uniqueTaskQueue('backfill');
    const mechanism = { id: 'backfill-ls', timeZone: 'Africa/Maseru', policy: defaultPolicy };
    await ensureSchedule(env.client, mechanism, taskQueue);
    const schedule = env.client.schedule.getHandle(scheduleId('backfill-ls'));
    await withWorker(env, bundle, taskQueue, fakes.activities, async () => {
      // The opening of 2025-Q3 (1 September 2025, 08:00 in Maseru) was missed; the run happens today, so only
      // the fire time the server sets (TemporalScheduledStartTime) can tell openCycle which quarter was meant.
      await schedule.backfill([{ start: new Date('2025-09-01T05:00:00Z'), end: new Date('2025-09-01T07:00:00Z') }]);
      const run = await eventually(async () => (await schedule.describe()).info.recentActions[0]?.action);
      const opened = await env.client.workflow
        .getHandle(run.workflow.workflowId, run.workflow.firstExecutionRunId)
        .result();
      expect(opened).toEqual({
        workflowId: cycleWorkflowId('backfill-ls', '2025-Q3'),
        quarter: '2025-Q3',
        started: true,
      });
      await env.client.workflow.getHandle(opened.workflowId).terminate('test over');
    });
    await schedule.delete();
  });

  it('lets an operator find a collecting cycle by phase and read its summary and search attributes', async () => {
    const quarter = quarterOf(new Date(), 'Africa/Maseru');
    const taskQueue = uniqueTaskQueue('dev');
    const fakes = createFakeActivities(world, async () => Date.now());
    await withWorker(env, bundle, taskQueue, fakes.activities, async () => {
      expect(await startCycle(env.client, 'dev-ls', quarter, { taskQueue })).toEqual({
        workflowId: cycleWorkflowId('dev-ls', quarter),
        created: true,
      });
      const handle = env.client.workflow.getHandle(cycleWorkflowId('dev-ls', quarter));
      await eventually(async () => ((await handle.query(cycleState)).projects.length === 2 ? true : undefined));
      // What the issue asks an operator to type: temporal workflow list --query "CyclePhase='collecting'".
      const found = await eventually(async () => {
        const out = await cli('workflow', 'list', '--query', "CyclePhase='collecting'");
        return out.includes(`"${cycleWorkflowId('dev-ls', quarter)}"`) ? out : undefined;
      });
      expect(found).toContain('quarterlyCycle');
      const described = await cli('workflow', 'describe', '--workflow-id', cycleWorkflowId('dev-ls', quarter));
      // The summary is a payload, encrypted like the others (README: the CLI reads it with --codec-endpoint); the
      // project's client decrypts it. Search attributes stay readable.
      expect(described).toContain(Buffer.from('binary/encrypted').toString('base64'));
      expect(await (await handle.describe()).staticSummary()).toBe(`Quarterly cycle dev-ls ${quarter}`);
      expect(described).toContain('CyclePhase');
      expect(described).toContain('Mechanism');
      const children = await eventually(async () => {
        const out = await cli(
          'workflow',
          'list',
          '--query',
          `Mechanism='dev-ls' AND Quarter='${quarter}' AND SubmissionState='requested'`,
        );
        return out.includes('mpiti-road') && out.includes('solar-plant') ? out : undefined;
      });
      expect(children).toContain(`update:dev-ls:${quarter}:mpiti-road`);
      await handle.terminate('test over');
    });
  });
});

describe('a worker replaced in the middle of a cycle', () => {
  it('resumes on a new worker with no lost submission and no email step sent twice', async () => {
    const quarter = quarterOf(new Date(), 'Africa/Maseru');
    const taskQueue = uniqueTaskQueue('restart');
    const fakes = createFakeActivities({ ...world, projects: [world.projects![0]] }, async () => Date.now());
    const cycle = cycleWorkflowId('restart-ls', quarter);
    const update = `update:restart-ls:${quarter}:mpiti-road`;
    // The first worker has a connection of its own, closed with it, as a crashed process's would be.
    const firstConnection = await NativeConnection.connect({ address: env.address });
    await withWorker(
      env,
      bundle,
      taskQueue,
      fakes.activities,
      async () => {
        await startCycle(env.client, 'restart-ls', quarter, { taskQueue });
        await eventually(async () => (fakes.calls.some((c) => c.name === 'recordUpdateState') ? true : undefined));
        const first = await sendUpdate(env.client, update, submitUpdate, {
          submission: { status: 'on-track', progressPercent: 10 },
          submittedBy: 'owner-roads',
        });
        expect(first).toMatchObject({ accepted: true, result: { revision: 1 } });
        await eventually(async () =>
          (await env.client.workflow.getHandle(cycle).query(cycleState)).projects[0]?.revision === 1 ? true : undefined,
        );
      },
      { connection: firstConnection },
    );
    await firstConnection.close();
    // A new worker rebuilds both workflows from their histories and carries on.
    await withWorker(env, bundle, taskQueue, fakes.activities, async () => {
      const second = await sendUpdate(env.client, update, submitUpdate, {
        submission: { status: 'on-track', progressPercent: 12 },
        submittedBy: 'owner-roads',
      });
      expect(second).toMatchObject({ accepted: true, result: { revision: 2 } });
      await eventually(async () =>
        (await env.client.workflow.getHandle(cycle).query(cycleState)).projects[0]?.revision === 2 ? true : undefined,
      );
      expect(await env.client.workflow.getHandle(update).query(updateState)).toMatchObject({
        state: 'submitted',
        revision: 2,
      });
      await env.client.workflow.getHandle(cycle).terminate('test over');
      // Revision 2 came within the hour after revision 1's receipt, so its receipt waits for the hour (issue 15,
      // amendment floods); the cycle's end cancels the update, which then sends the receipt it owes at once.
      await expect(env.client.workflow.getHandle(update).result()).rejects.toThrow('Workflow execution cancelled');
    });
    const stepCalls = new Map<string, number>();
    for (const call of fakes.calls.filter((c) => c.name === 'sendNotification')) {
      const { workflowId, step } = call.input as { workflowId: string; step: string };
      stepCalls.set(`${workflowId} ${step}`, (stepCalls.get(`${workflowId} ${step}`) ?? 0) + 1);
    }
    expect([...stepCalls].filter(([, n]) => n > 1)).toEqual([]);
    expect(stepCalls.get(`${update} receipt-r1`)).toBe(1);
    expect(stepCalls.get(`${update} receipt-r2`)).toBe(1);
    expect(fakes.calls.filter((c) => c.name === 'recordSubmission')).toHaveLength(2);
  });
});
