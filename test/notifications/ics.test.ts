import ICAL from 'ical.js';
import { buildIcs, foldLine, sessionUid } from '../../src/notifications/ics';

const base = {
  method: 'REQUEST' as const,
  uid: sessionUid('cn-ls', '2026-Q1', 'example.org'),
  sequence: 0,
  startsAt: '2026-04-02T08:00:00Z',
  durationMinutes: 120,
  timeZone: 'Africa/Maseru',
  summary: 'China-Lesotho Coordination Mechanism: quarterly session 2026-Q1',
  description: 'Agenda; review, decisions,\nand next steps \\ all',
  location: 'Ministry of Foreign Affairs, Maseru',
  organizer: { name: 'Secretariat', email: 'secretariat@example.org' },
  attendees: [
    { name: 'Principal Secretary', email: 'ps@example.org' },
    { name: '大使', email: 'ambassador@example.org' },
  ],
  stamp: '2026-03-20T10:00:00Z',
};

function parse(ics: string) {
  const cal = new ICAL.Component(ICAL.parse(ics));
  for (const tz of cal.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(new ICAL.Timezone(tz));
  const vevent = cal.getFirstSubcomponent('vevent')!;
  return { cal, vevent, event: new ICAL.Event(vevent) };
}

describe('calendar invitations', () => {
  it('puts the session at 10:00 Maseru time, which a calendar parser reads back as the same instant', () => {
    const ics = buildIcs(base);
    const { cal, event } = parse(ics);
    expect(cal.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(event.startDate.toString()).toBe('2026-04-02T10:00:00');
    expect(event.startDate.zone.tzid).toBe('Africa/Maseru');
    expect(event.startDate.toJSDate().toISOString()).toBe('2026-04-02T08:00:00.000Z');
    expect(event.endDate.toJSDate().toISOString()).toBe('2026-04-02T10:00:00.000Z');
    expect(event.location).toBe('Ministry of Foreign Affairs, Maseru');
    expect(event.description).toBe('Agenda; review, decisions,\nand next steps \\ all');
    expect(event.attendees.map((a) => a.getFirstValue())).toEqual([
      'mailto:ps@example.org',
      'mailto:ambassador@example.org',
    ]);
  });

  it('keeps the same UID and raises SEQUENCE when the session is rescheduled, and cancels with METHOD:CANCEL', () => {
    const first = parse(buildIcs(base));
    const moved = parse(buildIcs({ ...base, sequence: 1, startsAt: '2026-04-09T12:30:00Z' }));
    const cancelled = parse(buildIcs({ ...base, method: 'CANCEL', sequence: 2 }));
    expect(moved.event.uid).toBe(first.event.uid);
    expect(cancelled.event.uid).toBe(first.event.uid);
    expect(moved.event.sequence).toBe(1);
    expect(moved.event.startDate.toString()).toBe('2026-04-09T14:30:00');
    expect(cancelled.cal.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(cancelled.vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(cancelled.event.sequence).toBe(2);
  });

  it('describes zones with daylight saving time so the local start is right on both sides of the change', () => {
    const ics = buildIcs({ ...base, timeZone: 'Europe/London', startsAt: '2026-07-01T09:00:00Z' });
    const { event } = parse(ics);
    expect(event.startDate.toString()).toBe('2026-07-01T10:00:00');
    expect(event.startDate.toJSDate().toISOString()).toBe('2026-07-01T09:00:00.000Z');
    const winter = parse(buildIcs({ ...base, timeZone: 'Europe/London', startsAt: '2026-12-01T09:00:00Z' }));
    expect(winter.event.startDate.toJSDate().toISOString()).toBe('2026-12-01T09:00:00.000Z');
  });

  it('uses CRLF line endings and folds long lines at 75 octets without splitting a Chinese character', () => {
    const ics = buildIcs({ ...base, summary: '中华人民共和国与莱索托王国协调机制季度会议'.repeat(3) });
    expect(ics.endsWith('\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    expect(parse(ics).event.summary).toBe('中华人民共和国与莱索托王国协调机制季度会议'.repeat(3));
    expect(foldLine('a'.repeat(80))).toBe(`${'a'.repeat(75)}\r\n ${'a'.repeat(5)}`);
  });
});
