import { DEMO_MECHANISM_FILE, importMechanismFile } from '../../src/store';
import { importCalendarIcs } from '../../src/store/import/calendar-ics';
import { createTestStore, type TestStore } from '../helpers/store';

/** A 2027 notice as an iCalendar file: a three-day holiday, a working Sunday, and a yearly fixed-date holiday. */
const ICS = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//test//calendar//EN',
  'BEGIN:VEVENT',
  'UID:spring-2027@test',
  'DTSTAMP:20261201T000000Z',
  'DTSTART;VALUE=DATE:20270206',
  'DTEND;VALUE=DATE:20270209',
  'SUMMARY:春节 Spring Festival',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:work-2027@test',
  'DTSTAMP:20261201T000000Z',
  'DTSTART;VALUE=DATE:20270131',
  'SUMMARY:上班 working Sunday',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

describe('importing a calendar in iCalendar form', () => {
  let store: TestStore;
  beforeEach(async () => {
    store = await createTestStore();
    await importMechanismFile(store, DEMO_MECHANISM_FILE, { actor: 'test' });
  });
  afterEach(async () => {
    await store?.close();
  });

  it("replaces the years the file covers in the side's calendar, keeps the others, and records it in the audit trail", async () => {
    const result = await importCalendarIcs(store, {
      mechanismId: 'cn-ls',
      sideId: 'cn',
      text: ICS,
      fileName: 'china-2027.ics',
      actor: 'cli:officer',
    });
    expect(result).toMatchObject({ calendarId: 'cn', years: [2027], holidays: 3, workdays: 1 });
    const cn = (await store.mechanisms.get('cn-ls'))!.calendars.find((c) => c.id === 'cn')!;
    expect(cn.holidays.filter((h) => h.date.startsWith('2027')).map((h) => h.date)).toEqual([
      '2027-02-06',
      '2027-02-07',
      '2027-02-08',
    ]);
    expect(cn.workdays.filter((h) => h.date.startsWith('2027'))).toEqual([
      { date: '2027-01-31', name: '上班 working Sunday' },
    ]);
    // 2026 still comes from the State Council's notice.
    expect(cn.workdays.filter((h) => h.date.startsWith('2026'))).toHaveLength(6);
    expect(cn.sources.find((s) => s.year === 2027)).toEqual({
      year: 2027,
      source: 'iCalendar import: china-2027.ics',
      provisional: false,
    });
    const [entry] = await store.audit.list({ action: 'calendar.imported' });
    expect(entry).toMatchObject({ actor: 'cli:officer', entityId: 'cn-ls', details: { sideId: 'cn', years: [2027] } });
  });

  it('refuses a side the mechanism does not have, and a file that is not iCalendar', async () => {
    await expect(
      importCalendarIcs(store, { mechanismId: 'cn-ls', sideId: 'zz', text: ICS, fileName: 'x.ics', actor: 'a' }),
    ).rejects.toThrow('no side "zz"');
    await expect(
      importCalendarIcs(store, { mechanismId: 'cn-ls', sideId: 'cn', text: 'hello', fileName: 'x.ics', actor: 'a' }),
    ).rejects.toThrow('not an iCalendar file');
  });
});
