import ICAL from 'ical.js';
import {
  addDays,
  isWorkingDay,
  mergeCalendarYears,
  WorkCalendar,
  type CalendarDay,
  type Mechanism,
} from '../../domain';
import type { Store } from '../index';

/** A problem with an iCalendar file or the side it is imported for; nothing has been written. */
export class CalendarImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalendarImportError';
  }
}

/** Words that mark an event as a weekend day declared a working day (China's 调休 notices say 上班 or 补班). */
const WORKDAY = /上班|补班|班|working day|workday|make-up work/i;

/** Recurring events (a fixed-date holiday as a yearly rule) are expanded over this many years at most. */
const MAX_RECURRENCE_YEARS = 5;

/**
 * The days of an iCalendar file as a calendar: every all-day event (one day or several) is a holiday, except events
 * whose summary says the day is worked (上班, 补班, "working day"), which are weekend days declared working days.
 * Yearly rules are expanded over at most five years. The years covered are those of the events.
 */
export function parseCalendarIcs(text: string, id: string, name: string, source: string): WorkCalendar {
  let root: ICAL.Component;
  try {
    root = new ICAL.Component(ICAL.parse(text) as unknown[]);
  } catch (err) {
    throw new CalendarImportError(`not an iCalendar file: ${(err as Error).message}`);
  }
  const holidays: CalendarDay[] = [];
  const workdays: CalendarDay[] = [];
  for (const vevent of root.getAllSubcomponents('vevent')) {
    const event = new ICAL.Event(vevent);
    const summary =
      (event.summary ?? '')
        .replace(/[\r\n]+/g, ' ')
        .trim()
        .slice(0, 200) || 'Holiday';
    const starts: ICAL.Time[] = [];
    if (event.isRecurring()) {
      const it = event.iterator();
      const until = event.startDate.year + MAX_RECURRENCE_YEARS;
      for (let next = it.next(); next && next.year < until && starts.length < 500; next = it.next()) starts.push(next);
    } else {
      starts.push(event.startDate);
    }
    const days = event.endDate
      ? Math.max(1, Math.round(event.endDate.subtractDate(event.startDate).toSeconds() / 86400))
      : 1;
    for (const start of starts) {
      const first = start.toJSDate().toISOString().slice(0, 10);
      const date0 = start.isDate
        ? `${start.year}-${String(start.month).padStart(2, '0')}-${String(start.day).padStart(2, '0')}`
        : first;
      for (let i = 0; i < days && i < 60; i++) {
        const date = addDays(date0, i);
        const workday = WORKDAY.test(summary) && !isWorkingDay(date, []);
        (workday ? workdays : holidays).push({ date, name: summary });
      }
    }
  }
  if (holidays.length + workdays.length === 0) throw new CalendarImportError('the file has no events');
  const years = [...new Set([...holidays, ...workdays].map((d) => Number(d.date.slice(0, 4))))].sort();
  return WorkCalendar.parse({ id, name, sources: years.map((year) => ({ year, source })), holidays, workdays });
}

/** What an import changed. */
export interface CalendarImportResult {
  mechanismId: string;
  sideId: string;
  calendarId: string;
  years: number[];
  holidays: number;
  workdays: number;
  calendars: WorkCalendar[];
}

/**
 * Imports an iCalendar file as the calendar of one side of a mechanism: the years the file covers replace those years
 * of the side's calendar (other years are kept); a side without a calendar gets one named after it. Recorded in the
 * audit trail. Running cycles are told by the caller (they re-plan their pending sends).
 */
export async function importCalendarIcs(
  store: Store,
  input: { mechanismId: string; sideId: string; text: string; fileName: string; actor: string; at?: string },
): Promise<CalendarImportResult> {
  const mechanism = await store.mechanisms.get(input.mechanismId);
  if (!mechanism) throw new CalendarImportError(`no mechanism ${input.mechanismId}`);
  const side = mechanism.sides.find((s) => s.id === input.sideId);
  if (!side)
    throw new CalendarImportError(
      `no side "${input.sideId}" in ${input.mechanismId} (sides: ${mechanism.sides.map((s) => s.id).join(', ')})`,
    );
  const calendarId = side.calendar ?? side.id;
  const existing = mechanism.calendars.find((c) => c.id === calendarId);
  const imported = parseCalendarIcs(
    input.text,
    calendarId,
    existing?.name ?? side.name,
    `iCalendar import: ${input.fileName}`,
  );
  const merged = existing ? mergeCalendarYears(existing, imported) : imported;
  const calendars = [...mechanism.calendars.filter((c) => c.id !== calendarId), merged];
  const sides = mechanism.sides.map((s) => (s.id === side.id ? { ...s, calendar: calendarId } : s));
  const at = input.at ?? new Date().toISOString();
  const { contacts: _contacts, ...rest } = { ...mechanism, sides, calendars } satisfies Mechanism;
  const years = [...new Set(imported.sources.map((s) => s.year))];
  await store.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('mechanisms')
      .set({ data: JSON.stringify(rest), updated_at: at })
      .where('id', '=', mechanism.id)
      .execute();
    await store.audit.append(
      {
        actor: input.actor,
        action: 'calendar.imported',
        entityType: 'mechanism',
        entityId: mechanism.id,
        details: {
          sideId: side.id,
          calendarId,
          years,
          holidays: imported.holidays.length,
          workdays: imported.workdays.length,
          file: input.fileName,
        },
        at,
      },
      trx,
    );
  });
  return {
    mechanismId: mechanism.id,
    sideId: side.id,
    calendarId,
    years,
    holidays: imported.holidays.length,
    workdays: imported.workdays.length,
    calendars,
  };
}
