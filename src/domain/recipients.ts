import { workingDays, type DaysOff, type WorkingDays } from './calendar';
import type { RecipientCalendar, RecipientGroup } from './reminder-plan';

/**
 * Who works where and by which calendar, as a cycle carries it: only ids, zones and calendar ids (no names or
 * addresses). A contact missing from `recipients` works in the mechanism's zone by the mechanism's holidays.
 */
export interface CalendarBook {
  timeZone: string;
  /** The mechanism's own holidays. */
  holidays: DaysOff;
  /** Calendars by id, as dates. */
  calendars: Record<string, WorkingDays>;
  /** Contacts whose zone or calendar is not the mechanism's. */
  recipients: Record<string, { timeZone?: string; calendar?: string }>;
}

/** The zone and calendar one contact keeps. */
export function recipientCalendar(book: CalendarBook, contactId: string): RecipientCalendar {
  const r = book.recipients[contactId];
  const calendar = r?.calendar !== undefined ? book.calendars[r.calendar] : undefined;
  return { timeZone: r?.timeZone ?? book.timeZone, calendar: calendar ?? book.holidays };
}

/** Contacts grouped by the zone and calendar they keep, in order of first appearance: one email per group. */
export function groupRecipients(book: CalendarBook, contactIds: readonly string[]): RecipientGroup[] {
  const groups = new Map<string, RecipientGroup>();
  for (const id of contactIds) {
    const r = book.recipients[id];
    const key = `${r?.timeZone ?? book.timeZone}|${r?.calendar !== undefined && book.calendars[r.calendar] ? r.calendar : ''}`;
    const group = groups.get(key);
    if (group) group.ids.push(id);
    else groups.set(key, { ids: [id], ...recipientCalendar(book, id) });
  }
  return [...groups.values()];
}

/** Only the dates of `days` within [from, to] (inclusive): what a workflow needs for the weeks it plans. */
export function trimWorkingDays(days: WorkingDays, from: string, to: string): WorkingDays {
  const within = (d: string) => d >= from && d <= to;
  return { holidays: days.holidays.filter(within), workdays: (days.workdays ?? []).filter(within) };
}

/**
 * The book of a few contacts out of a bigger one, with calendar dates trimmed to [from, to]: what one update needs,
 * kept small because 1,000 updates each carry one in their input.
 */
export function bookFor(book: CalendarBook, contactIds: readonly string[], from: string, to: string): CalendarBook {
  const recipients: CalendarBook['recipients'] = {};
  for (const id of contactIds) if (book.recipients[id]) recipients[id] = book.recipients[id];
  const calendars: CalendarBook['calendars'] = {};
  for (const [id, days] of Object.entries(book.calendars)) calendars[id] = trimWorkingDays(days, from, to);
  return { ...book, holidays: trimWorkingDays(workingDays(book.holidays), from, to), calendars, recipients };
}

/** A calendar book from the mechanism's calendars and the contacts that keep another zone or calendar. */
export function makeCalendarBook(input: {
  timeZone: string;
  holidays: DaysOff;
  calendars: readonly { id: string; holidays: readonly { date: string }[]; workdays: readonly { date: string }[] }[];
  recipients: CalendarBook['recipients'];
}): CalendarBook {
  const calendars: CalendarBook['calendars'] = {};
  for (const c of input.calendars)
    calendars[c.id] = { holidays: c.holidays.map((d) => d.date), workdays: c.workdays.map((d) => d.date) };
  return { timeZone: input.timeZone, holidays: input.holidays, calendars, recipients: input.recipients };
}
