/**
 * The opening schedule: pause, resume and trigger. Schedules need a full Temporal server, so this suite runs on a
 * local dev server (Temporal CLI, started by the test) with its own stack.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { scheduleId } from '../../src/temporal/ids';
import { ensureSchedule } from '../../src/temporal/schedules';
import { createLocalEnv } from '../helpers/temporal';
import type { SuiteContext } from './context';
import { eventually, startStack, type Stack } from './support';

const url = '/api/v1/mechanisms/cn-ls/schedule';

/** Registers the tests of the schedule routes. */
export function scheduleSuite(ctx: SuiteContext): void {
  describe('the schedule that opens the cycles', () => {
    let local: TestWorkflowEnvironment;
    let stack: Stack;
    beforeAll(async () => {
      local = await createLocalEnv();
      stack = await startStack(local, ctx.bundle());
    }, 120_000);
    afterAll(async () => {
      await stack?.close();
      await local?.teardown();
    });

    test('answers 404 naming the mechanism when it has no schedule, or does not exist', async () => {
      const none = await stack.call({ method: 'GET', url });
      expect(none.statusCode).toBe(404);
      expect(none.json().error.message).toBe('schedule of cn-ls not found');
      const pause = await stack.call({ method: 'POST', url: `${url}/pause`, payload: {} });
      expect(pause.statusCode).toBe(404);
      const unknown = await stack.call({
        method: 'POST',
        url: '/api/v1/mechanisms/nowhere/schedule/trigger',
        payload: {},
      });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().error.message).toBe('mechanism nowhere not found');
      expect(await stack.store.audit.list({ action: 'schedule.pause' })).toEqual([]);
    });

    test('pauses with a note, resumes and triggers the schedule, refusing an oversized note', async () => {
      const mechanism = (await stack.store.mechanisms.get('cn-ls'))!;
      await ensureSchedule(local.client, mechanism, stack.taskQueue);
      const shown = await stack.call({ method: 'GET', url });
      expect(shown.statusCode).toBe(200);
      expect(shown.json()).toMatchObject({
        scheduleId: scheduleId('cn-ls'),
        paused: false,
        nextActionTimes: [expect.any(String), expect.any(String), expect.any(String)],
      });

      const long = await stack.call({ method: 'POST', url: `${url}/pause`, payload: { note: 'n'.repeat(301) } });
      expect(long.statusCode).toBe(400);
      expect(long.json().error.fields.map((f: { field: string }) => f.field)).toEqual(['note']);
      expect((await stack.call({ method: 'GET', url })).json().paused).toBe(false);

      const paused = await stack.call({
        method: 'POST',
        url: `${url}/pause`,
        payload: { note: 'Elections: no session this quarter' },
      });
      expect(paused.json()).toEqual({ accepted: true });
      expect((await stack.call({ method: 'GET', url })).json()).toMatchObject({
        paused: true,
        note: 'Elections: no session this quarter',
      });
      const resumed = await stack.call({ method: 'POST', url: `${url}/resume`, payload: {} });
      expect(resumed.json()).toEqual({ accepted: true });
      expect((await stack.call({ method: 'GET', url })).json().paused).toBe(false);

      const triggered = await stack.call({ method: 'POST', url: `${url}/trigger`, payload: {} });
      expect(triggered.json()).toEqual({ accepted: true });
      await eventually(
        async () =>
          (await local.client.schedule.getHandle(scheduleId('cn-ls')).describe()).info.recentActions.length > 0,
        'the triggered run',
      );
      expect((await stack.store.audit.list({ entityType: 'schedule' })).map((a) => a.action).sort()).toEqual([
        'schedule.pause',
        'schedule.resume',
        'schedule.trigger',
      ]);
    });
  });
}
