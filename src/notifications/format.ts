import { DateTime } from 'luxon';
import { type Language, remembered } from '../domain';

/**
 * Dates and times as the recipient reads them. Formats are spelled out (not left to the runtime's
 * locale data) so the same message renders byte-for-byte the same on every machine: a resend must
 * carry the same bytes.
 */

const EN_WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const EN_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const ZH_WEEKDAYS = ['星期一', '星期二', '星期三', '星期四', '星期五', '星期六', '星期日'];

function offsetLabel(dt: DateTime): string {
  const minutes = dt.offset;
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const h = Math.floor(abs / 60);
  const m = abs % 60;
  return `UTC${sign}${h}${m ? `:${String(m).padStart(2, '0')}` : ''}`;
}

function dateOf(dt: DateTime, language: Language): string {
  if (language === 'zh') return `${dt.year}年${dt.month}月${dt.day}日（${ZH_WEEKDAYS[dt.weekday - 1]}）`;
  return `${EN_WEEKDAYS[dt.weekday - 1]} ${dt.day} ${EN_MONTHS[dt.month - 1]} ${dt.year}`;
}

/** A calendar date (`YYYY-MM-DD`) with its weekday, e.g. "Friday 13 March 2026" / "2026年3月13日（星期五）". */
export const formatDate = remembered((isoDate: string, language: Language) => {
  const dt = DateTime.fromISO(isoDate, { zone: 'UTC' });
  if (!dt.isValid) throw new Error(`not a date: ${isoDate}`);
  return dateOf(dt, language);
});

/** An instant shown in the given zone, with the zone's name and offset, e.g. "Friday 13 March 2026, 17:00 (Africa/Maseru, UTC+2)". */
export const formatInstant = remembered((instant: string, timeZone: string, language: Language) => {
  const dt = DateTime.fromISO(instant, { setZone: true }).setZone(timeZone);
  if (!dt.isValid) throw new Error(`not an instant or zone: ${instant} ${timeZone}`);
  const time = dt.toFormat('HH:mm');
  const zone = `${timeZone}, ${offsetLabel(dt)}`;
  return language === 'zh'
    ? `${dateOf(dt, language)} ${time}（${zone}）`
    : `${dateOf(dt, language)}, ${time} (${zone})`;
});

/**
 * A due instant as people read a deadline: its last minute. The due instant is the end of the due date, midnight
 * after it (`endOfDay` in src/domain/calendar.ts, the instant the workflows judge lateness by), so "due Friday 13
 * March" reads "Friday 13 March 2026, 23:59 (Africa/Maseru, UTC+2)" and an answer in that minute is on time.
 */
export function formatDeadline(dueInstant: string, timeZone: string, language: Language): string {
  const at = Date.parse(dueInstant);
  if (Number.isNaN(at)) throw new Error(`not an instant: ${dueInstant}`);
  return formatInstant(new Date(at - 60_000).toISOString(), timeZone, language);
}
