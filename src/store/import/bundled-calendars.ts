import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { CalendarDay, mergeCalendarYears, slug, WorkCalendar } from '../../domain';

/** One year of a bundled calendar as written in `calendars/<id>-<year>.yaml`. */
const CalendarYearFile = z.object({
  calendar: slug,
  name: z.string().min(1),
  year: z.number().int(),
  provisional: z.boolean().default(false),
  source: z.string().min(1),
  holidays: z.array(CalendarDay).default([]),
  workdays: z.array(CalendarDay).default([]),
});

function findCalendarsDir(): string {
  // From src/store/import (ts-node) or dist/src/store/import (build): walk up to the folder holding calendars/.
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'calendars');
    if (fs.existsSync(path.join(candidate, 'ls-2026.yaml'))) return candidate;
    dir = path.dirname(dir);
  }
  return path.resolve(__dirname, '../../../calendars');
}

/** The folder of the bundled calendars (`calendars/` at the repository root). */
export const BUNDLED_CALENDARS_DIR = findCalendarsDir();

/** The bundled calendar `id` (every year of `calendars/<id>-<year>.yaml` merged), or undefined when none is bundled. */
export function bundledCalendar(id: string, dir = BUNDLED_CALENDARS_DIR): WorkCalendar | undefined {
  const files = fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => new RegExp(`^${id}-\\d{4}\\.yaml$`).test(f))
        .sort()
    : [];
  let calendar: WorkCalendar | undefined;
  for (const file of files) {
    const y = CalendarYearFile.parse(parse(fs.readFileSync(path.join(dir, file), 'utf8')));
    if (y.calendar !== id) throw new Error(`${file}: names calendar "${y.calendar}", expected "${id}"`);
    const year = WorkCalendar.parse({
      id,
      name: y.name,
      sources: [{ year: y.year, source: y.source, provisional: y.provisional }],
      holidays: y.holidays,
      workdays: y.workdays,
    });
    calendar = calendar ? mergeCalendarYears(calendar, year) : year;
  }
  return calendar;
}

/** Ids of every bundled calendar. */
export function bundledCalendarIds(dir = BUNDLED_CALENDARS_DIR): string[] {
  if (!fs.existsSync(dir)) return [];
  return [...new Set(fs.readdirSync(dir).flatMap((f) => /^([a-z0-9-]+)-\d{4}\.yaml$/.exec(f)?.[1] ?? []))].sort();
}
