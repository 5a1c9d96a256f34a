import { DateTime } from 'luxon';
import type { CyclePolicy } from './policy';
import { nextQuarter, parseQuarter, quarterStartDate, type Quarter } from './quarter';
import { remembered } from './remembered';

/**
 * Working days and local instants. Dates are `YYYY-MM-DD` strings (calendar days, no zone); instants are
 * ISO strings in UTC. Pure and deterministic: workflows use these to plan their timers.
 */

function day(date: string): DateTime {
  const d = DateTime.fromISO(date, { zone: 'UTC' });
  if (!d.isValid) throw new Error(`not a date: ${date}`);
  return d;
}

const iso = (d: DateTime): string => d.toISODate() as string;

/**
 * The days off of one calendar as workflows carry it: public holidays and, where a country has them, weekend days
 * declared working days (China's adjusted working days, 调休). Dates are `YYYY-MM-DD`.
 */
export interface WorkingDays {
  holidays: readonly string[];
  /** Saturdays or Sundays that are working days. */
  workdays?: readonly string[];
}

/** A calendar: a plain list of holidays (Monday to Friday otherwise) or {@link WorkingDays}. */
export type DaysOff = readonly string[] | WorkingDays;

/** The {@link WorkingDays} form of either calendar form. */
export function workingDays(calendar: DaysOff): WorkingDays {
  return isHolidayList(calendar) ? { holidays: calendar } : calendar;
}

function isHolidayList(calendar: DaysOff): calendar is readonly string[] {
  return Array.isArray(calendar);
}

/** True when the date is a working day of the calendar: Monday to Friday and not a holiday, or a declared working day. */
export function isWorkingDay(date: string, calendar: DaysOff): boolean {
  const { holidays, workdays } = workingDays(calendar);
  if (workdays?.includes(date)) return true;
  return day(date).weekday <= 5 && !holidays.includes(date);
}

/** The date `n` calendar days after (negative: before) `date`. */
export function addDays(date: string, n: number): string {
  return iso(day(date).plus({ days: n }));
}

/** The `n`-th working day after `date` (n = 0: `date` itself if it is a working day, else the next one). */
export function addWorkingDays(date: string, n: number, holidays: DaysOff): string {
  let d = date;
  while (!isWorkingDay(d, holidays)) d = addDays(d, 1);
  for (let i = 0; i < n; i++) {
    d = addDays(d, 1);
    while (!isWorkingDay(d, holidays)) d = addDays(d, 1);
  }
  return d;
}

/** The working day on or before `date`. */
export function workingDayOnOrBefore(date: string, holidays: DaysOff): string {
  let d = date;
  while (!isWorkingDay(d, holidays)) d = addDays(d, -1);
  return d;
}

/** The calendar date of an instant in a time zone. */
export function localDate(instant: string, timeZone: string): string {
  return iso(DateTime.fromISO(instant, { zone: 'UTC' }).setZone(timeZone));
}

/** The local hour (0-23) of an instant in a time zone. */
export function localHour(instant: string, timeZone: string): number {
  return DateTime.fromISO(instant, { zone: 'UTC' }).setZone(timeZone).hour;
}

/** The instant (ISO, UTC) of `hour`:00 local time on `date` in `timeZone` (a DST gap moves it forward, as clocks do). */
export function localInstant(date: string, hour: number, timeZone: string): string {
  const d = DateTime.fromISO(date, { zone: timeZone }).set({ hour, minute: 0, second: 0, millisecond: 0 });
  if (!d.isValid) throw new Error(`invalid date or time zone: ${date} ${timeZone}`);
  return d.toUTC().toISO({ suppressMilliseconds: false }) as string;
}

/**
 * The instant a date ends in a zone: midnight after it. This is THE due instant (and cut-off instant) everywhere:
 * workflows judge lateness by it (an answer at or after it is late), and emails show it as its last minute, 23:59
 * of the due date (`formatDeadline` in src/notifications/format.ts).
 */
export const endOfDay = remembered((date: string, timeZone: string) => localInstant(addDays(date, 1), 0, timeZone));

/** The first working day of the policy's opening month of a quarter, at the policy's opening hour (mechanism time). */
export function cycleOpensAt(quarter: Quarter, policy: CyclePolicy, holidays: DaysOff, timeZone: string): string {
  const { year, q } = parseQuarter(quarter);
  const month = (q - 1) * 3 + policy.open.monthOfQuarter;
  const first = `${year}-${String(month).padStart(2, '0')}-01`;
  return localInstant(addWorkingDays(first, 0, holidays), policy.open.hour, timeZone);
}

/** Key dates of one cycle's collection, derived from the instant it opened. */
export interface CollectionDates {
  /** Updates are due by the end of this date (mechanism time). */
  dueDate: string;
  /** Collection closes at the end of this date; later answers are kept and marked late. */
  cutoffDate: string;
  /** The instant collection closes. */
  cutoffAt: string;
  /** The proposed session: a working day after the cut-off at the policy's session hour. */
  proposedSessionAt: string;
}

/** Due date, cut-off and proposed session date of a cycle opened at `openedAt` (all on working days). */
export function collectionDates(
  openedAt: string,
  policy: CyclePolicy,
  holidays: DaysOff,
  timeZone: string,
): CollectionDates {
  const opened = localDate(openedAt, timeZone);
  const dueDate = addWorkingDays(opened, policy.dueAfterWorkingDays, holidays);
  const cutoffDate = addWorkingDays(dueDate, policy.cutoffAfterWorkingDays, holidays);
  const sessionDate = addWorkingDays(cutoffDate, Math.max(1, policy.proposeSessionAfterWorkingDays), holidays);
  return {
    dueDate,
    cutoffDate,
    cutoffAt: endOfDay(cutoffDate, timeZone),
    proposedSessionAt: localInstant(sessionDate, policy.sessionHour, timeZone),
  };
}

/** When a cycle opened for a quarter starts collecting, relative to now. */
export interface QuarterOpening {
  /**
   * `future`: the quarter has not begun, so the cycle waits for the policy's opening day and sends nothing before;
   * `current`: it opens now; `past`: the quarter is over, a catch-up cycle that opens now.
   */
  timing: 'future' | 'current' | 'past';
  /** When collection starts (now, or the opening day of a future quarter). */
  opensAt: string;
  /** Due date, cut-off and proposed session computed from `opensAt`. */
  dates: CollectionDates;
}

/** The opening of a cycle for `quarter` asked for at `now` (the same rule for the schedule, the API, the pages and the CLI). */
export function quarterOpening(
  quarter: Quarter,
  now: string,
  policy: CyclePolicy,
  holidays: DaysOff,
  timeZone: string,
): QuarterOpening {
  const at = new Date(now).toISOString();
  const starts = localInstant(quarterStartDate(quarter), 0, timeZone);
  const ends = localInstant(quarterStartDate(nextQuarter(quarter)), 0, timeZone);
  const timing = at < starts ? 'future' : at >= ends ? 'past' : 'current';
  const opensAt = timing === 'future' ? cycleOpensAt(quarter, policy, holidays, timeZone) : at;
  return { timing, opensAt, dates: collectionDates(opensAt, policy, holidays, timeZone) };
}

/** How long the working window after the send hour lasts: a send between sendHour and sendHour+8 local time is "sensible". */
export const SEND_WINDOW_HOURS = 8;

/**
 * The earliest sensible sending instant at or after `instant` for a recipient: now if it is a working day in
 * their zone and within the sending window, otherwise the send hour of their next working day.
 */
export function nextSendSlot(instant: string, sendHour: number, holidays: DaysOff, recipientTimeZone: string): string {
  const local = DateTime.fromISO(instant, { zone: 'UTC' }).setZone(recipientTimeZone);
  const date = iso(local);
  if (isWorkingDay(date, holidays) && local.hour >= sendHour && local.hour < sendHour + SEND_WINDOW_HOURS) {
    return new Date(instant).toISOString();
  }
  let candidate =
    isWorkingDay(date, holidays) && local.hour < sendHour ? date : addWorkingDays(addDays(date, 1), 0, holidays);
  // Clocks may jump in a DST gap; the computed instant is still on the candidate's local date.
  candidate = addWorkingDays(candidate, 0, holidays);
  return localInstant(candidate, sendHour, recipientTimeZone);
}
