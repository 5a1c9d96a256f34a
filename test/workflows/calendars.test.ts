/**
 * Two sides, two calendars, on Temporal's time-skipping server: every email goes out on a working day of its
 * recipient's own calendar at the send hour in their zone; a late calendar change moves the pending reminders of
 * running updates; a cycle keeps to its quarter.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import {
  defaultPolicy,
  isWorkingDay,
  localDate,
  localHour,
  mergeCalendarYears,
  toWorkingDays,
  WorkCalendar,
} from '../../src/domain';
import { bundledCalendar } from '../../src/store/import/bundled-calendars';
import { startCycle } from '../../src/temporal/cycles';
import { cycleWorkflowId, updateWorkflowId } from '../../src/temporal/ids';
import { changeCalendars, cycleState, updateState } from '../../src/workflows/messages';
import { createFakeActivities, type FakeWorld } from '../helpers/fake-activities';
import { bundleWorkflows, createTimeSkippingEnv, uniqueTaskQueue, withWorker } from '../helpers/temporal';
import { skipTo, startScheduledCycle } from './cycle-fixture';

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

const lesotho = bundledCalendar('ls')!;
// The bundled 2027 PRC calendar is provisional (fixed-date holidays only). These tests take a National Day week
// like 2026's, as the State Council's 2027 notice could announce it: 1-7 October off, Saturday 9 October worked.
const china = mergeCalendarYears(
  bundledCalendar('cn')!,
  WorkCalendar.parse({
    id: 'cn',
    name: "People's Republic of China",
    sources: [{ year: 2027, source: 'test: a National Day week as announced for 2026' }],
    holidays: ['01', '02', '03', '04', '05', '06', '07'].map((d) => ({
      date: `2027-10-${d}`,
      name: '国庆节 National Day',
    })),
    workdays: [{ date: '2027-10-09', name: '上班 working Saturday' }],
  }),
);

const zoneOf: Record<string, string> = {};
const calendarOf: Record<string, WorkCalendar> = {};
for (const id of ['owner-roads', 'ps-works', 'sec-ls', 'chair-ls'])
  [zoneOf[id], calendarOf[id]] = ['Africa/Maseru', lesotho];
for (const id of ['owner-trade', 'ps-trade', 'sec-cn', 'chair-cn'])
  [zoneOf[id], calendarOf[id]] = ['Asia/Shanghai', china];

/** 2027-Q4 opens on the first working day of October (policy), in China's National Day week and days before Lesotho's Independence Day. */
const twoSides = (calendars: WorkCalendar[] = [lesotho, china]): FakeWorld => ({
  timeZone: 'Africa/Maseru',
  holidays: lesotho.holidays.map((h) => h.date),
  policy: { ...defaultPolicy, open: { monthOfQuarter: 1, hour: 8 } },
  projects: [
    { projectId: 'mpiti-road', ownerId: 'owner-roads', supervisorId: 'ps-works', ownerTimeZone: 'Africa/Maseru' },
    { projectId: 'zero-tariff', ownerId: 'owner-trade', supervisorId: 'ps-trade', ownerTimeZone: 'Asia/Shanghai' },
  ],
  secretariatIds: ['sec-ls', 'sec-cn'],
  chairIds: ['chair-ls', 'chair-cn'],
  calendars,
  recipients: Object.fromEntries(
    Object.keys(zoneOf).map((id) => [
      id,
      { ...(zoneOf[id] !== 'Africa/Maseru' && { timeZone: zoneOf[id] }), calendar: calendarOf[id].id },
    ]),
  ),
  sides: [
    { sideId: 'ls', timeZone: 'Africa/Maseru', calendar: 'ls' },
    { sideId: 'cn', timeZone: 'Asia/Shanghai', calendar: 'cn' },
  ],
});

describe('a quarter across two calendars', () => {
  it("sends every email of a quarter spanning China's National Day week and Lesotho's Independence Day on the recipient's working day at 09:00 their time", async () => {
    const fakes = createFakeActivities(twoSides(), () => env.currentTimeMs());
    const taskQueue = uniqueTaskQueue();
    await withWorker(env, bundle, taskQueue, fakes.activities, async () => {
      await startScheduledCycle(env.client, taskQueue, '2027-Q4');
      await skipTo(env, '2027-11-30T12:00:00Z');
    });
    const chase = fakes.sends.filter((s) => s.projectId !== undefined);
    // Both owners were chased to the end (nobody answered): request, reminders, overdue, both escalations.
    expect(
      chase
        .filter((s) => s.kind === 'escalation-secretariat')
        .flatMap((s) => s.to)
        .sort(),
    ).toEqual(['sec-cn', 'sec-cn', 'sec-ls', 'sec-ls']);
    for (const send of chase) {
      for (const to of send.to) {
        const date = localDate(send.at, zoneOf[to]);
        expect({ step: send.step, to, date, working: isWorkingDay(date, toWorkingDays(calendarOf[to])) }).toEqual({
          step: send.step,
          to,
          date,
          working: true,
        });
        expect({ step: send.step, to, hour: localHour(send.at, zoneOf[to]) }).toEqual({ step: send.step, to, hour: 9 });
      }
    }
    const trade = chase.filter((s) => s.projectId === 'zero-tariff');
    // The Chinese owner hears nothing during National Day week: the request waits for Friday 8 October, Beijing time.
    expect(trade[0]).toMatchObject({ step: 'request', to: ['owner-trade'] });
    expect(localDate(trade[0].at, 'Asia/Shanghai')).toBe('2027-10-08');
    // Nobody on the Lesotho side gets anything on Independence Day (Monday 4 October).
    expect(
      chase.filter(
        (s) => s.to.some((to) => zoneOf[to] === 'Africa/Maseru') && localDate(s.at, 'Africa/Maseru') === '2027-10-04',
      ),
    ).toEqual([]);
  });

  it('moves the pending reminders of running updates when a holiday is announced late, without sending again what was sent', async () => {
    const fakes = createFakeActivities(twoSides(), () => env.currentTimeMs());
    const taskQueue = uniqueTaskQueue();
    await withWorker(env, bundle, taskQueue, fakes.activities, async () => {
      await startScheduledCycle(env.client, taskQueue, '2027-Q4');
      await skipTo(env, '2027-10-02T12:00:00Z');
      const road = env.client.workflow.getHandle(updateWorkflowId('cn-ls', '2027-Q4', 'mpiti-road'));
      const before = await road.query(updateState);
      expect(before.sent).toEqual(['request']);
      const day = localDate(before.nextSend!.at, 'Africa/Maseru');
      // Lesotho declares the day of the next reminder a public holiday.
      const announced = {
        ...lesotho,
        holidays: [...lesotho.holidays, { date: day, name: 'Public holiday (late notice)' }],
      };
      await env.client.workflow
        .getHandle(cycleWorkflowId('cn-ls', '2027-Q4'))
        .signal(changeCalendars, { calendars: [announced, china], changedBy: 'officer' });
      await skipTo(env, '2027-11-30T12:00:00Z');
      const road2 = fakes.sends.filter((s) => s.projectId === 'mpiti-road');
      expect(road2.filter((s) => s.step.startsWith('request'))).toHaveLength(1);
      expect(road2.filter((s) => s.to.includes('owner-roads') && localDate(s.at, 'Africa/Maseru') === day)).toEqual([]);
      // The reminder that was due that day went out on the working day before it instead.
      expect(road2.some((s) => s.kind === 'reminder' && localDate(s.at, 'Africa/Maseru') < day)).toBe(true);
      expect(road2.filter((s) => s.kind === 'reminder').every((s) => s.step.endsWith('.p1'))).toBe(true);
    });
  });
});

describe('a cycle keeps to its quarter', () => {
  it('waits for the opening day of a quarter that has not begun, with its dates planned and nothing sent', async () => {
    const fakes = createFakeActivities(twoSides(), () => env.currentTimeMs());
    const taskQueue = uniqueTaskQueue();
    await withWorker(env, bundle, taskQueue, fakes.activities, async () => {
      const now = new Date(await env.currentTimeMs()).toISOString();
      const quarter = `${Number(now.slice(0, 4)) + 1}-Q2`;
      await startCycle(env.client, 'cn-ls', quarter, { taskQueue });
      await skipTo(env, new Date((await env.currentTimeMs()) + 60_000).toISOString());
      const state = await env.client.workflow.getHandle(cycleWorkflowId('cn-ls', quarter)).query(cycleState);
      // Opening month 1 of the quarter: 1 April, 08:00 Maseru (a Thursday in 2027, a working day on the Lesotho side).
      expect(state).toMatchObject({ timing: 'future', waitingFor: expect.stringContaining('nothing is sent before') });
      expect(state.opensAt!.slice(5, 10)).toBe('04-01');
      expect(state.dueDate).toBeDefined();
      expect(fakes.sends).toEqual([]);
      await skipTo(env, new Date(Date.parse(state.opensAt!) - 60_000).toISOString());
      expect(fakes.sends).toEqual([]);
      await skipTo(env, new Date(Date.parse(state.opensAt!) + 2 * 3600_000).toISOString());
      expect(
        fakes.sends
          .filter((s) => s.kind === 'request')
          .map((s) => s.projectId)
          .sort(),
      ).toEqual(['mpiti-road', 'zero-tariff']);
    });
  });

  it('opens a past quarter at once as a catch-up cycle and says so', async () => {
    const fakes = createFakeActivities(twoSides(), () => env.currentTimeMs());
    const taskQueue = uniqueTaskQueue();
    await withWorker(env, bundle, taskQueue, fakes.activities, async () => {
      const now = new Date(await env.currentTimeMs()).toISOString();
      const quarter = `${Number(now.slice(0, 4)) - 1}-Q4`;
      await startCycle(env.client, 'cn-ls', quarter, { taskQueue });
      await skipTo(env, new Date((await env.currentTimeMs()) + 3 * 86_400_000).toISOString());
      const state = await env.client.workflow.getHandle(cycleWorkflowId('cn-ls', quarter)).query(cycleState);
      expect(state).toMatchObject({ timing: 'past', phase: 'collecting' });
      expect(state.openedAt! >= now).toBe(true);
      expect(state.dueDate! > now.slice(0, 10)).toBe(true);
      expect(
        fakes.sends
          .filter((s) => s.kind === 'request')
          .map((s) => s.projectId)
          .sort(),
      ).toEqual(['mpiti-road', 'zero-tariff']);
    });
  });
});
