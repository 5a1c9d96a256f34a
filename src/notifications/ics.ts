import { DateTime } from 'luxon';

/**
 * Calendar invitations (RFC 5545 / iTIP RFC 5546), written by hand so every byte is under our control:
 * CRLF line endings, lines folded at 75 octets without splitting a UTF-8 character, TEXT values
 * escaped, and a VTIMEZONE for the mechanism's zone so clients show the local time the secretariat chose.
 */

/** One person on an invitation. */
export interface CalendarPerson {
  name: string;
  email: string;
}

/** What an invitation or cancellation says. */
export interface CalendarEvent {
  method: 'REQUEST' | 'CANCEL';
  /** Stable across reschedules and the cancellation: clients match updates to the event by UID. */
  uid: string;
  /** Raised on each reschedule and on cancellation; clients ignore a message whose SEQUENCE is not higher. */
  sequence: number;
  startsAt: string;
  durationMinutes: number;
  /** IANA zone of the mechanism; DTSTART/DTEND are written in it. */
  timeZone: string;
  summary: string;
  description?: string;
  location?: string;
  organizer: CalendarPerson;
  attendees: CalendarPerson[];
  /** DTSTAMP: when this version of the invitation was written (UTC). */
  stamp: string;
}

/** Escapes an iCalendar TEXT value: backslash, semicolon, comma and line breaks. */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/** A parameter value (CN=...): always quoted; DQUOTE and control characters cannot appear inside, so they are dropped. */
function paramValue(value: string): string {
  // eslint-disable-next-line no-control-regex
  return `"${value.replace(/["\u0000-\u001f\u007f]/g, '')}"`;
}

/** A mailto: URI value; the address is validated upstream, anything that would break the line is removed. */
function mailto(email: string): string {
  return `mailto:${email.replace(/[\s"<>;,]/g, '')}`;
}

/** Folds one content line at 75 octets (RFC 5545 3.1), never inside a multi-byte UTF-8 character. */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let bytes = 0;
  let limit = 75;
  for (const ch of line) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > limit) {
      out.push(current);
      current = '';
      bytes = 0;
      limit = 74; // continuation lines start with one space, which counts toward the 75
    }
    current += ch;
    bytes += n;
  }
  out.push(current);
  return out.join('\r\n ');
}

const utc = (iso: string) => DateTime.fromISO(iso, { setZone: true }).toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'");
const local = (dt: DateTime) => dt.toFormat("yyyyMMdd'T'HHmmss");

function offset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}

/**
 * A VTIMEZONE describing the zone's offsets around the event: each offset change in the event's year
 * and the next becomes one STANDARD/DAYLIGHT observance with its own DTSTART (no RRULE needed). A zone
 * without changes (Africa/Maseru, Asia/Shanghai) has a single STANDARD observance.
 */
export function vtimezone(zone: string, around: string): string[] {
  const year = DateTime.fromISO(around, { setZone: true }).setZone(zone).year;
  let cursor = DateTime.fromObject({ year: year - 1, month: 12, day: 1 }, { zone: 'UTC' });
  const end = DateTime.fromObject({ year: year + 2, month: 1, day: 1 }, { zone: 'UTC' });
  const transitions: { at: DateTime; from: number; to: number }[] = [];
  let previous = cursor.setZone(zone).offset;
  while (cursor < end) {
    const next = cursor.plus({ days: 1 }); // offsets change at most a few times a year
    const nextOffset = next.setZone(zone).offset;
    if (nextOffset !== previous) {
      // Narrow the change down to the minute.
      let lo = cursor.toMillis();
      let hi = next.toMillis();
      while (hi - lo > 60_000) {
        const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
        if (DateTime.fromMillis(mid, { zone }).offset === previous) lo = mid;
        else hi = mid;
      }
      transitions.push({ at: DateTime.fromMillis(hi, { zone: 'UTC' }), from: previous, to: nextOffset });
      previous = nextOffset;
    }
    cursor = next;
  }
  const lines = ['BEGIN:VTIMEZONE', `TZID:${zone}`];
  if (transitions.length === 0) {
    lines.push(
      'BEGIN:STANDARD',
      'DTSTART:19700101T000000',
      `TZOFFSETFROM:${offset(previous)}`,
      `TZOFFSETTO:${offset(previous)}`,
      'END:STANDARD',
    );
  } else {
    for (const t of transitions) {
      const kind = t.to > t.from ? 'DAYLIGHT' : 'STANDARD';
      // DTSTART of an observance is the local time *before* the change (RFC 5545 3.6.5).
      const localStart = t.at.plus({ minutes: t.from });
      lines.push(
        `BEGIN:${kind}`,
        `DTSTART:${local(localStart.setZone('UTC'))}`,
        `TZOFFSETFROM:${offset(t.from)}`,
        `TZOFFSETTO:${offset(t.to)}`,
        `END:${kind}`,
      );
    }
  }
  lines.push('END:VTIMEZONE');
  return lines;
}

/** The `.ics` text of an invitation (METHOD:REQUEST) or cancellation (METHOD:CANCEL), CRLF-terminated and folded. */
export function buildIcs(event: CalendarEvent): string {
  const start = DateTime.fromISO(event.startsAt, { setZone: true }).setZone(event.timeZone);
  if (!start.isValid) throw new Error(`invalid start or zone: ${event.startsAt} ${event.timeZone}`);
  const end = start.plus({ minutes: event.durationMinutes });
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//coordination-mechanism//notifications//EN',
    'CALSCALE:GREGORIAN',
    `METHOD:${event.method}`,
    ...vtimezone(event.timeZone, event.startsAt),
    'BEGIN:VEVENT',
    `UID:${event.uid}`,
    `SEQUENCE:${event.sequence}`,
    `DTSTAMP:${utc(event.stamp)}`,
    `DTSTART;TZID=${event.timeZone}:${local(start)}`,
    `DTEND;TZID=${event.timeZone}:${local(end)}`,
    `SUMMARY:${escapeText(event.summary)}`,
    ...(event.location ? [`LOCATION:${escapeText(event.location)}`] : []),
    ...(event.description ? [`DESCRIPTION:${escapeText(event.description)}`] : []),
    `ORGANIZER;CN=${paramValue(event.organizer.name)}:${mailto(event.organizer.email)}`,
    ...event.attendees.map(
      (a) =>
        `ATTENDEE;CN=${paramValue(a.name)};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:${mailto(a.email)}`,
    ),
    `STATUS:${event.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED'}`,
    'TRANSP:OPAQUE',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join('\r\n') + '\r\n';
}

/** The stable UID of a cycle's session: the same for the invitation, every update and the cancellation. */
export function sessionUid(mechanismId: string, quarter: string, domain: string): string {
  return `session-${mechanismId}-${quarter}@${domain}`;
}
