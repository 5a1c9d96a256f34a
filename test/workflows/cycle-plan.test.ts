/** What a cycle plans, without a server: each project's chase and the day-before session reminders (src/workflows/cycle-plan.ts). */
import fc from 'fast-check';
import type { CycleContext, CycleProject } from '../../src/activities/types';
import { collectionDates, defaultPolicy, isWorkingDay, localDate, makeCalendarBook } from '../../src/domain';
import { planProjectChase, sessionReminders, unconfirmedHoliday } from '../../src/workflows/cycle-plan';

const timeZone = 'Africa/Maseru';
const holidays = ['2027-03-11', '2027-03-18'];
const context: CycleContext = {
  mechanismId: 'cn-ls',
  quarter: '2027-Q1',
  timeZone,
  holidays,
  policy: defaultPolicy,
  projects: [],
  openActionItems: [],
  secretariatIds: ['sec-ls', 'sec-cn'],
  chairIds: ['chair-ls', 'chair-cn'],
  calendars: [{ id: 'cn', holidays: [{ date: '2027-03-15' }], workdays: [] } as never],
  recipients: {
    'owner-energy': { timeZone: 'Asia/Shanghai', calendar: 'cn' },
    'sec-cn': { timeZone: 'Asia/Shanghai', calendar: 'cn' },
    'chair-cn': { timeZone: 'Asia/Shanghai', calendar: 'cn' },
  },
};
const book = makeCalendarBook({
  timeZone,
  holidays,
  calendars: [{ id: 'cn', holidays: [{ date: '2027-03-15' }], workdays: [] }],
  recipients: context.recipients ?? {},
});
const roads: CycleProject = {
  projectId: 'mpiti-road',
  ownerId: 'owner-roads',
  supervisorId: 'ps-works',
  ownerTimeZone: timeZone,
};
const solar: CycleProject = { projectId: 'solar-plant', ownerId: 'owner-energy', ownerTimeZone: 'Asia/Shanghai' };

describe("a cycle's plans", () => {
  it("never closes an update before the cycle's cut-off, and sends every step on a working day of its recipient", () => {
    const openedArb = fc
      .integer({ min: Date.UTC(2027, 2, 1, 6), max: Date.UTC(2027, 2, 5, 6) })
      .map((ms) => new Date(ms).toISOString());
    fc.assert(
      fc.property(openedArb, fc.constantFrom(roads, solar), (openedAt, project) => {
        const collection = collectionDates(openedAt, defaultPolicy, holidays, timeZone);
        const chase = planProjectChase(book, context, project, openedAt, collection);
        expect(chase.cutoffAt >= collection.cutoffAt).toBe(true);
        expect(chase.plan[0].kind).toBe('request');
        for (const send of chase.plan)
          expect(
            isWorkingDay(localDate(send.at, send.timeZone), send.timeZone === timeZone ? holidays : ['2027-03-15']),
          ).toBe(true);
      }),
    );
  });

  it('reminds each group of attendees on their own working day before the session, at the send hour, earliest first', () => {
    const plan = {
      startsAt: '2027-03-16T08:00:00.000Z',
      durationMinutes: 120,
      venue: 'Maseru',
      chairs: ['chair-ls', 'chair-cn'],
      attendees: ['sec-ls', 'sec-cn'],
    };
    expect(sessionReminders(book, context, plan, 2)).toEqual([
      // Monday 15 March is a holiday in China: the Chinese side is reminded on Friday 12 March, 09:00 Beijing time.
      { step: 'session-reminder-s2-2', at: '2027-03-12T01:00:00.000Z', to: ['chair-cn', 'sec-cn'] },
      { step: 'session-reminder-s2-1', at: '2027-03-15T07:00:00.000Z', to: ['chair-ls', 'sec-ls'] },
    ]);
    expect(sessionReminders(undefined, context, plan, 1)).toEqual([
      { step: 'session-reminder-s1', at: '2027-03-15T07:00:00.000Z', to: ['chair-ls', 'chair-cn', 'sec-ls', 'sec-cn'] },
    ]);
  });

  it('asks the secretariat to confirm a session on a holiday, and takes a confirmed one', () => {
    const check = {
      needsConfirmation: true,
      warnings: ['Monday 15 March is a holiday in China'],
      alternatives: ['2027-03-16'],
    } as never;
    expect(unconfirmedHoliday(check, {})).toContain('confirm the date');
    expect(unconfirmedHoliday(check, { holidayConfirmed: true })).toBeUndefined();
    expect(unconfirmedHoliday(undefined, {})).toBeUndefined();
  });
});
