/**
 * A proposed session date checked against each side's calendar and zone. Plain functions without zod: the cycle
 * workflow imports this, and every workflow evaluates what the bundle imports when it starts (the calendar schemas
 * stay in work-calendar.ts, which workflows import only as types).
 */
import { addDays, isWorkingDay, localDate, localHour, localInstant, type WorkingDays } from './calendar';
import type { WorkCalendar } from './work-calendar';

/** The compact form workflows carry: dates only. */
export function toWorkingDays(calendar: WorkCalendar): WorkingDays {
  return { holidays: calendar.holidays.map((d) => d.date), workdays: calendar.workdays.map((d) => d.date) };
}

/** What a date is in a calendar: a working day or not, and the holiday's (or declared working day's) name. */
export function describeDay(date: string, calendar: WorkCalendar): { working: boolean; name?: string } {
  const workday = calendar.workdays.find((d) => d.date === date);
  if (workday) return { working: true, name: workday.name };
  const holiday = calendar.holidays.find((d) => d.date === date);
  return { working: isWorkingDay(date, toWorkingDays(calendar)), ...(holiday && { name: holiday.name }) };
}

/** One side's view of a proposed session date. */
export interface SideDateCheck {
  sideId: string;
  calendarId?: string;
  timeZone: string;
  /** The session's local date and start hour in this side's zone. */
  localDate: string;
  localHour: number;
  working: boolean;
  /** The holiday's name when the date is not a working day because of one (absent on an ordinary weekend). */
  holiday?: string;
}

/** A side as the session check needs it. */
export interface SideCalendar {
  sideId: string;
  timeZone: string;
  calendar?: WorkCalendar;
}

/** The proposed session date checked against every side's calendar, with dates both sides can attend. */
export interface SessionDateCheck {
  startsAt: string;
  sides: SideDateCheck[];
  /** One line per side on which the date is not a working day (empty: every side works that day). */
  warnings: string[];
  /** True when the date is a holiday or a weekend on at least one side: convening needs an explicit confirmation. */
  needsConfirmation: boolean;
  /** The next dates after the proposed one that are working days on every side, at a sensible hour in every zone. */
  alternatives: string[];
}

/** Earliest and latest local start hour a session is "sensible" at (the meeting starts within office hours). */
export const SESSION_HOURS = { from: 8, until: 17 } as const;

function checkSide(startsAt: string, side: SideCalendar): SideDateCheck {
  const date = localDate(startsAt, side.timeZone);
  const hour = localHour(startsAt, side.timeZone);
  const day = side.calendar ? describeDay(date, side.calendar) : { working: isWorkingDay(date, []) };
  return {
    sideId: side.sideId,
    ...(side.calendar && { calendarId: side.calendar.id }),
    timeZone: side.timeZone,
    localDate: date,
    localHour: hour,
    working: day.working,
    ...(!day.working && 'name' in day && day.name !== undefined && { holiday: day.name }),
  };
}

const sensible = (c: SideDateCheck) =>
  c.working && c.localHour >= SESSION_HOURS.from && c.localHour < SESSION_HOURS.until;

/**
 * Checks a proposed session start against every side's calendar and zone, and proposes the next `count` dates that
 * are working days on every side with a start hour within office hours in every zone (at the proposed start's hour
 * in `timeZone` when that suits everybody, otherwise the first hour from 08:00 that does).
 */
export function checkSessionDate(
  startsAt: string,
  sides: SideCalendar[],
  timeZone: string,
  count = 3,
): SessionDateCheck {
  const checks = sides.map((s) => checkSide(startsAt, s));
  const warnings = checks
    .filter((c) => !c.working)
    .map(
      (c) =>
        `${c.localDate} is ${c.holiday ? `a holiday (${c.holiday})` : 'not a working day (weekend)'} for side ${c.sideId}`,
    );
  const alternatives: string[] = [];
  const preferredHour = localHour(startsAt, timeZone);
  const hours = [preferredHour, ...Array.from({ length: 24 }, (_, h) => h).filter((h) => h !== preferredHour)];
  let date = localDate(startsAt, timeZone);
  for (let i = 0; i < 120 && alternatives.length < count; i++) {
    date = addDays(date, 1);
    for (const hour of hours) {
      const at = localInstant(date, hour, timeZone);
      if (sides.every((s) => sensible(checkSide(at, s)))) {
        alternatives.push(at);
        break;
      }
    }
  }
  return {
    startsAt: new Date(startsAt).toISOString(),
    sides: checks,
    warnings,
    needsConfirmation: warnings.length > 0,
    alternatives,
  };
}
