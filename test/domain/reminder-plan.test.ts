import fc from 'fast-check';
import { DateTime } from 'luxon';
import {
  addWorkingDays,
  collectionDates,
  cycleOpensAt,
  defaultPolicy,
  isWorkingDay,
  localDate,
  planReminders,
  type CyclePolicy,
} from '../../src/domain';

const zones = ['Africa/Maseru', 'Asia/Shanghai', 'America/New_York', 'Europe/London', 'Pacific/Auckland', 'UTC'];
const holidaysIn2026 = [
  '2026-03-11',
  '2026-03-12',
  '2026-03-20',
  '2026-04-03',
  '2026-04-06',
  '2026-05-01',
  '2026-12-25',
];

const instantArb = fc
  .integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 11, 31) })
  .map((ms) => new Date(Math.floor(ms / 60000) * 60000).toISOString());
const policyArb: fc.Arbitrary<CyclePolicy> = fc
  .record({
    dueAfterWorkingDays: fc.integer({ min: 0, max: 20 }),
    remindBeforeDueDays: fc.uniqueArray(fc.integer({ min: 0, max: 14 }), { maxLength: 4 }),
    overdueAfterWorkingDays: fc.uniqueArray(fc.integer({ min: 1, max: 6 }), { maxLength: 3 }),
    escalateSupervisorAfterWorkingDays: fc.integer({ min: 1, max: 8 }),
    escalateSecretariatAfterWorkingDays: fc.integer({ min: 1, max: 10 }),
    sendHour: fc.integer({ min: 6, max: 12 }),
  })
  .map((p) => ({ ...defaultPolicy, ...p }));

function planFor(openedAt: string, policy: CyclePolicy, zone: string, dueShift = 0) {
  const dates = collectionDates(openedAt, policy, holidaysIn2026, 'Africa/Maseru');
  const dueDate = addWorkingDays(dates.dueDate, dueShift, holidaysIn2026);
  return planReminders({
    openedAt,
    dueDate,
    policy,
    holidays: holidaysIn2026,
    mechanismTimeZone: 'Africa/Maseru',
    recipientTimeZone: zone,
  });
}

describe('the reminder plan', () => {
  it("never sends on a weekend or a public holiday of the mechanism, in the recipient's own calendar", () => {
    fc.assert(
      fc.property(instantArb, policyArb, fc.constantFrom(...zones), (openedAt, policy, zone) => {
        for (const send of planFor(openedAt, policy, zone)) {
          expect(isWorkingDay(localDate(send.at, send.timeZone), holidaysIn2026)).toBe(true);
        }
      }),
    );
  });

  it("sends at the policy hour in the recipient's time zone (the request may go at once within working hours)", () => {
    fc.assert(
      fc.property(instantArb, policyArb, fc.constantFrom(...zones), (openedAt, policy, zone) => {
        for (const send of planFor(openedAt, policy, zone)) {
          const hour = DateTime.fromISO(send.at).setZone(send.timeZone).hour;
          if (send.kind === 'request') expect(hour >= policy.sendHour && hour < policy.sendHour + 8).toBe(true);
          else expect(hour).toBe(policy.sendHour);
        }
      }),
    );
  });

  it('is ordered in time, starts with the request and names every step once', () => {
    fc.assert(
      fc.property(instantArb, policyArb, fc.constantFrom(...zones), (openedAt, policy, zone) => {
        const plan = planFor(openedAt, policy, zone);
        expect(plan[0].kind).toBe('request');
        expect(plan[0].at >= openedAt).toBe(true);
        for (let i = 1; i < plan.length; i++) expect(plan[i - 1].at <= plan[i].at).toBe(true);
        expect(new Set(plan.map((s) => s.step)).size).toBe(plan.length);
      }),
    );
  });

  it('never plans a send in the past when an extension moves the due date later', () => {
    fc.assert(
      fc.property(
        instantArb,
        policyArb,
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 1, max: 15 }),
        (openedAt, policy, elapsedDays, extraDays) => {
          const dates = collectionDates(openedAt, policy, holidaysIn2026, 'Africa/Maseru');
          const now = new Date(Date.parse(openedAt) + elapsedDays * 86_400_000).toISOString();
          const plan = planReminders({
            openedAt,
            dueDate: addWorkingDays(dates.dueDate, extraDays, holidaysIn2026),
            policy,
            holidays: holidaysIn2026,
            mechanismTimeZone: 'Africa/Maseru',
            recipientTimeZone: 'Africa/Maseru',
            includeRequest: false,
            notBefore: now,
          });
          for (const send of plan) expect(send.at >= now).toBe(true);
          // Not by dropping the chase: the escalations that fall in the past move to the next send slot, so the plan
          // always ends with the supervisor and then the secretariat.
          expect(plan.slice(-2).map((s) => s.kind)).toEqual(['escalation-supervisor', 'escalation-secretariat']);
        },
      ),
    );
  });

  it('sends the default sequence for a cycle opened on Monday 2 March 2026 in Maseru, skipping the 11-12 March holidays', () => {
    const openedAt = cycleOpensAt('2026-Q1', defaultPolicy, holidaysIn2026, 'Africa/Maseru');
    expect(openedAt).toBe('2026-03-02T06:00:00.000Z');
    const dates = collectionDates(openedAt, defaultPolicy, holidaysIn2026, 'Africa/Maseru');
    // 10 working days after 2 March, skipping 11 and 12 March: 18 March.
    expect(dates.dueDate).toBe('2026-03-18');
    const plan = planReminders({
      openedAt,
      dueDate: dates.dueDate,
      policy: defaultPolicy,
      holidays: holidaysIn2026,
      mechanismTimeZone: 'Africa/Maseru',
      recipientTimeZone: 'Africa/Maseru',
    });
    expect(plan.map((s) => `${s.step} ${s.at}`)).toEqual([
      'request 2026-03-02T07:00:00.000Z',
      // 7 days before 18 March is 11 March, a holiday: the reminder moves to the working day before.
      'reminder-1 2026-03-10T07:00:00.000Z',
      'reminder-2 2026-03-16T07:00:00.000Z',
      'reminder-3 2026-03-18T07:00:00.000Z',
      // +2 working days skips 20 March (holiday) and the weekend.
      'overdue-1 2026-03-23T07:00:00.000Z',
      'escalation-supervisor 2026-03-24T07:00:00.000Z',
      'escalation-secretariat 2026-03-26T07:00:00.000Z',
    ]);
  });
});

describe("the demo mechanism's requests", () => {
  // Tuesday 1 December 2026, 19:30 in Maseru: a newcomer trying `npm start` after work.
  const tuesdayEvening = '2026-12-01T17:30:00.000Z';

  it('wait for 09:00 of the next working morning in a real mechanism', () => {
    const plan = planFor(tuesdayEvening, defaultPolicy, 'Africa/Maseru');
    expect(plan[0]).toMatchObject({ kind: 'request', at: '2026-12-02T07:00:00.000Z' });
  });

  it('go out the moment the cycle opens under the demo policy, while reminders keep the send hour', () => {
    const demo = { ...defaultPolicy, sendRequestsAtOnce: true };
    const plan = planFor(tuesdayEvening, demo, 'Africa/Maseru');
    expect(plan[0]).toMatchObject({ kind: 'request', at: tuesdayEvening });
    const later = plan.slice(1);
    expect(later.length).toBeGreaterThan(0);
    for (const send of later) expect(DateTime.fromISO(send.at, { zone: send.timeZone }).hour).toBe(demo.sendHour);
    // A Saturday night too: the demo never waits for Monday.
    const saturdayNight = '2026-12-05T21:10:00.000Z';
    expect(planFor(saturdayNight, demo, 'Asia/Shanghai')[0]).toMatchObject({ kind: 'request', at: saturdayNight });
  });
});
