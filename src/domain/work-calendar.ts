import { z } from 'zod';
import { isoDate, singleLine, slug } from './text';

/** One named day of a calendar: a public holiday, or a weekend day declared a working day. */
export const CalendarDay = z.object({ date: isoDate, name: singleLine(200) });
export type CalendarDay = z.infer<typeof CalendarDay>;

/** Where one year of a calendar comes from (an official announcement), and whether it is still provisional. */
export const CalendarSource = z.object({
  year: z.number().int().min(1900).max(2200),
  source: singleLine(500),
  provisional: z.boolean().default(false),
});
export type CalendarSource = z.infer<typeof CalendarSource>;

/**
 * A country's or an organisation's working calendar: public holidays and weekend days declared working days (China's
 * adjusted working days, 调休). Versioned by year: each year says which announcement it comes from.
 */
export const WorkCalendar = z.object({
  id: slug,
  name: singleLine(200),
  sources: z.array(CalendarSource).max(200).default([]),
  holidays: z.array(CalendarDay).max(5000).default([]),
  workdays: z.array(CalendarDay).max(5000).default([]),
});
export type WorkCalendar = z.infer<typeof WorkCalendar>;

const year = (date: string) => Number(date.slice(0, 4));
const byDate = (a: CalendarDay, b: CalendarDay) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0);

/** The years a calendar has days or sources for, ascending. */
export function calendarYears(calendar: Pick<WorkCalendar, 'sources' | 'holidays' | 'workdays'>): number[] {
  const years = new Set([
    ...calendar.sources.map((s) => s.year),
    ...calendar.holidays.map((d) => year(d.date)),
    ...calendar.workdays.map((d) => year(d.date)),
  ]);
  return [...years].sort((a, b) => a - b);
}

/**
 * `base` with the years `incoming` covers replaced by `incoming`'s days and sources (a newer announcement of a year
 * replaces the older one whole; other years are kept). Name and id stay `base`'s unless base is empty.
 */
export function mergeCalendarYears(base: WorkCalendar, incoming: WorkCalendar): WorkCalendar {
  const years = new Set(calendarYears(incoming));
  const keep = (d: CalendarDay) => !years.has(year(d.date));
  return {
    id: base.id,
    name: base.name,
    sources: [...base.sources.filter((s) => !years.has(s.year)), ...incoming.sources].sort((a, b) => a.year - b.year),
    holidays: [...base.holidays.filter(keep), ...incoming.holidays].sort(byDate),
    workdays: [...base.workdays.filter(keep), ...incoming.workdays].sort(byDate),
  };
}
