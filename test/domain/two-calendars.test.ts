import fc from 'fast-check';
import {
  addWorkingDays,
  checkSessionDate,
  defaultPolicy,
  isWorkingDay,
  localDate,
  localHour,
  planReminders,
  quarterOpening,
  toWorkingDays,
  type CyclePolicy,
  type PlannedSend,
  type RecipientCalendar,
  type WorkingDays,
} from '../../src/domain';
import { bundledCalendar } from '../../src/store/import/bundled-calendars';

const lesotho = bundledCalendar('ls')!;
const china = bundledCalendar('cn')!;
const zones = ['Africa/Maseru', 'Asia/Shanghai'] as const;

const instantArb = fc
  .integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 10, 30) })
  .map((ms) => new Date(Math.floor(ms / 60000) * 60000).toISOString());
const dateArb = fc
  .integer({ min: 0, max: 700 })
  .map((n) => new Date(Date.UTC(2026, 0, 1 + n)).toISOString().slice(0, 10));
/** Any calendar: random holidays and random weekend days declared working days, or one of the bundled two. */
const calendarArb: fc.Arbitrary<WorkingDays> = fc.oneof(
  fc.constant(toWorkingDays(lesotho)),
  fc.constant(toWorkingDays(china)),
  fc.record({
    holidays: fc.uniqueArray(dateArb, { maxLength: 80 }),
    workdays: fc.uniqueArray(dateArb, { maxLength: 20 }).map((ds) => ds.filter((d) => !isWorkingDay(d, []))),
  }),
);
const recipientArb: fc.Arbitrary<RecipientCalendar> = fc.record({
  timeZone: fc.constantFrom(...zones),
  calendar: calendarArb,
});
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

const scenarioArb = fc.record({
  openedAt: instantArb,
  policy: policyArb,
  owner: recipientArb,
  supervisor: recipientArb,
  secretariatLs: recipientArb,
  secretariatCn: recipientArb,
  mechanism: calendarArb,
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function plan(s: Scenario): { plan: PlannedSend[]; recipientOf: (send: PlannedSend) => RecipientCalendar } {
  const dueDate = addWorkingDays(
    localDate(s.openedAt, s.owner.timeZone),
    s.policy.dueAfterWorkingDays,
    s.owner.calendar,
  );
  const secretariat = [
    { ids: ['secretariat-ls'], ...s.secretariatLs },
    { ids: ['secretariat-cn'], ...s.secretariatCn },
  ];
  const result = planReminders({
    openedAt: s.openedAt,
    dueDate,
    policy: s.policy,
    holidays: s.mechanism,
    mechanismTimeZone: 'Africa/Maseru',
    recipientTimeZone: s.owner.timeZone,
    ownerCalendar: s.owner.calendar,
    supervisor: s.supervisor,
    secretariat,
  });
  const recipientOf = (send: PlannedSend): RecipientCalendar =>
    send.kind === 'escalation-supervisor'
      ? s.supervisor
      : send.kind === 'escalation-secretariat'
        ? send.to?.[0] === 'secretariat-cn'
          ? s.secretariatCn
          : s.secretariatLs
        : s.owner;
  return { plan: result, recipientOf };
}

const stage: Record<PlannedSend['kind'], number> = {
  request: 0,
  reminder: 1,
  overdue: 2,
  'escalation-supervisor': 3,
  'escalation-secretariat': 4,
};

describe('the reminder plan with two calendars and two zones (Maseru and Shanghai)', () => {
  it("never sends on a day off of the recipient's own calendar, adjusted working days included", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { plan: sends, recipientOf } = plan(s);
        for (const send of sends) {
          const who = recipientOf(send);
          expect(send.timeZone).toBe(who.timeZone);
          expect(isWorkingDay(localDate(send.at, who.timeZone), who.calendar)).toBe(true);
        }
      }),
    );
  });

  it("sends at the policy hour in the recipient's zone (the request may go at once within working hours)", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { plan: sends, recipientOf } = plan(s);
        for (const send of sends) {
          const hour = localHour(send.at, recipientOf(send).timeZone);
          if (send.kind === 'request') expect(hour >= s.policy.sendHour && hour < s.policy.sendHour + 8).toBe(true);
          else expect(hour).toBe(s.policy.sendHour);
        }
      }),
    );
  });

  it('never sends before the cycle opens', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        for (const send of plan(s).plan) expect(send.at >= s.openedAt).toBe(true);
      }),
    );
  });

  it('keeps the chase in order whatever the calendars: request, reminders, overdue notices, supervisor, secretariat', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const sends = plan(s).plan;
        expect(sends[0].kind).toBe('request');
        for (let i = 1; i < sends.length; i++) {
          expect(sends[i - 1].at <= sends[i].at).toBe(true);
          expect(stage[sends[i - 1].kind] <= stage[sends[i].kind]).toBe(true);
        }
        expect(new Set(sends.map((x) => x.step)).size).toBe(sends.length);
      }),
    );
  });

  it('sends one escalation to each side of the secretariat, each on its own working day', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const escalations = plan(s).plan.filter((x) => x.kind === 'escalation-secretariat');
        expect(escalations.map((x) => x.to?.[0]).sort()).toEqual(['secretariat-cn', 'secretariat-ls']);
      }),
    );
  });

  it("reminds a Chinese owner on China's working Saturday after National Day, never during the holiday week", () => {
    const sends = planReminders({
      openedAt: '2026-09-21T06:00:00Z',
      dueDate: '2026-10-12',
      policy: { ...defaultPolicy, remindBeforeDueDays: [2] },
      holidays: toWorkingDays(lesotho),
      mechanismTimeZone: 'Africa/Maseru',
      recipientTimeZone: 'Asia/Shanghai',
      ownerCalendar: toWorkingDays(china),
      includeSupervisor: false,
    });
    const reminder = sends.find((x) => x.kind === 'reminder')!;
    // 12 October minus 2 days is Saturday 10 October 2026, a working day in China (上班).
    expect(localDate(reminder.at, 'Asia/Shanghai')).toBe('2026-10-10');
    expect(localHour(reminder.at, 'Asia/Shanghai')).toBe(9);
    for (const send of sends)
      expect(
        localDate(send.at, 'Asia/Shanghai') >= '2026-10-01' && localDate(send.at, 'Asia/Shanghai') <= '2026-10-07',
      ).toBe(false);
  });

  it('gives the same plan as before calendars per side when nobody has a calendar of their own', () => {
    const input = {
      openedAt: '2026-03-02T06:00:00Z',
      dueDate: '2026-03-16',
      policy: defaultPolicy,
      holidays: lesotho.holidays.map((h) => h.date),
      mechanismTimeZone: 'Africa/Maseru',
      recipientTimeZone: 'Asia/Shanghai',
    };
    expect(planReminders(input).map((x) => [x.step, x.at])).toEqual([
      ['request', '2026-03-02T06:00:00.000Z'],
      ['reminder-1', '2026-03-09T01:00:00.000Z'],
      ['reminder-2', '2026-03-13T01:00:00.000Z'],
      ['reminder-3', '2026-03-16T01:00:00.000Z'],
      ['overdue-1', '2026-03-18T01:00:00.000Z'],
      ['escalation-supervisor', '2026-03-19T07:00:00.000Z'],
      ['escalation-secretariat', '2026-03-23T07:00:00.000Z'],
    ]);
  });
});

describe('the session date check', () => {
  const sides = [
    { sideId: 'ls', timeZone: 'Africa/Maseru', calendar: lesotho },
    { sideId: 'cn', timeZone: 'Asia/Shanghai', calendar: china },
  ];

  it("warns that a session on Moshoeshoe's Day is a Lesotho holiday and proposes dates both sides work", () => {
    const check = checkSessionDate('2026-03-11T08:00:00Z', sides, 'Africa/Maseru');
    expect(check.needsConfirmation).toBe(true);
    expect(check.warnings).toEqual(["2026-03-11 is a holiday (Moshoeshoe's Day) for side ls"]);
    expect(check.alternatives).toHaveLength(3);
    expect(check.alternatives[0]).toBe('2026-03-12T08:00:00.000Z');
  });

  it("warns about China's National Day week and proposes only dates that are working days and office hours on both sides", () => {
    const check = checkSessionDate('2026-10-05T08:00:00Z', sides, 'Africa/Maseru', 5);
    expect(check.warnings).toEqual([
      '2026-10-05 is a holiday (Independence Day (observed)) for side ls',
      '2026-10-05 is a holiday (国庆节 National Day (adjusted)) for side cn',
    ]);
    for (const at of check.alternatives) {
      for (const side of sides) {
        expect(isWorkingDay(localDate(at, side.timeZone), toWorkingDays(side.calendar))).toBe(true);
        expect(localHour(at, side.timeZone)).toBeGreaterThanOrEqual(8);
        expect(localHour(at, side.timeZone)).toBeLessThan(17);
      }
    }
    expect(localDate(check.alternatives[0], 'Africa/Maseru')).toBe('2026-10-08');
  });

  it('needs no confirmation on an ordinary working day of both sides', () => {
    expect(checkSessionDate('2026-03-12T08:00:00Z', sides, 'Africa/Maseru').needsConfirmation).toBe(false);
  });
});

describe("a quarter's cycle keeps to its quarter", () => {
  it('waits for the opening day of a future quarter', () => {
    const o = quarterOpening('2027-Q1', '2026-12-01T10:00:00Z', defaultPolicy, toWorkingDays(lesotho), 'Africa/Maseru');
    expect(o.timing).toBe('future');
    expect(o.opensAt).toBe('2027-03-01T06:00:00.000Z');
    expect(o.dates.dueDate > '2027-03-01').toBe(true);
  });

  it('opens a past quarter at once as a catch-up, with dates computed from now', () => {
    const o = quarterOpening('2026-Q3', '2026-12-01T10:00:00Z', defaultPolicy, toWorkingDays(lesotho), 'Africa/Maseru');
    expect(o.timing).toBe('past');
    expect(o.opensAt).toBe('2026-12-01T10:00:00.000Z');
    expect(o.dates.dueDate).toBe('2026-12-15');
  });
});
