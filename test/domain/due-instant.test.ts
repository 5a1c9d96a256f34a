/** One due instant for the workflows and the emails: the end of the due date, shown as its last minute. */
import fc from 'fast-check';
import { addDays, defaultPolicy, endOfDay, localDate } from '../../src/domain';
import { formatDeadline } from '../../src/notifications/format';
import { submit, type ChaseRules, type UpdateState } from '../../src/workflows/project-update-state';

// Zones with and without daylight saving, some of which change their clocks at midnight.
const zones = [
  'Africa/Maseru',
  'Asia/Shanghai',
  'Europe/London',
  'America/Santiago',
  'America/Havana',
  'Asia/Beirut',
  'Pacific/Auckland',
  'UTC',
];
const dateArb = fc.integer({ min: 0, max: 3 * 366 }).map((n) => addDays('2026-01-01', n));

describe('when an update is due', () => {
  it('ends the due date at midnight after it, in the zone, for any date and zone', () => {
    fc.assert(
      fc.property(dateArb, fc.constantFrom(...zones), (date, zone) => {
        const end = endOfDay(date, zone);
        expect(localDate(new Date(Date.parse(end) - 1).toISOString(), zone)).toBe(date);
        expect(localDate(end, zone)).toBe(addDays(date, 1));
      }),
    );
  });

  it('shows the deadline in an email as 23:59 of the due date, the last minute an answer is on time', () => {
    fc.assert(
      fc.property(dateArb, fc.constantFrom(...zones), (date, zone) => {
        const shown = formatDeadline(endOfDay(date, zone), zone, 'en');
        const [year, month, day] = date.split('-').map(Number);
        const monthName = new Date(Date.UTC(year, month - 1, day)).toLocaleString('en-GB', {
          month: 'long',
          timeZone: 'UTC',
        });
        expect(shown).toContain(`${day} ${monthName} ${year}, 23:59 (${zone}`);
      }),
    );
  });

  it('takes an answer received at 23:59 of the due date (mechanism time) as on time, and one at midnight as late', () => {
    const rules: ChaseRules = {
      projectId: 'mpiti-road',
      openedAt: '2026-03-02T06:00:00.000Z',
      timeZone: 'Africa/Maseru',
      holidays: [],
      policy: defaultPolicy,
      secretariatIds: [],
    };
    const u = {
      state: 'requested',
      ownerId: 'owner-roads',
      ownerTimeZone: 'Africa/Maseru',
      dueDate: '2026-03-13',
      cutoffAt: '2026-03-24T22:00:00.000Z',
      revision: 0,
      late: false,
      generation: 0,
      plan: [],
      sent: [],
      autoExtensionDays: 0,
      extensionCount: 0,
      receipts: { confirmed: 0 },
    } satisfies UpdateState;
    expect(formatDeadline(endOfDay(u.dueDate, 'Africa/Maseru'), 'Africa/Maseru', 'en')).toBe(
      'Friday 13 March 2026, 23:59 (Africa/Maseru, UTC+2)',
    );
    expect(submit(u, rules, '2026-03-13T21:59:59.000Z').receipt.late).toBe(false);
    expect(submit(u, rules, '2026-03-13T22:00:00.000Z').receipt.late).toBe(true);
  });
});
