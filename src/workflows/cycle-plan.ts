/**
 * What a cycle plans, as plain functions (no Temporal, no I/O; unit-tested in test/workflows/cycle-plan.test.ts):
 * each project's chase, the day-before session reminders, and the session date checked against every side's calendar.
 */
import type { CycleContext, CycleProject } from '../activities/types';
import { addDays, addWorkingDays, endOfDay, localDate, localInstant, workingDayOnOrBefore } from '../domain/calendar';
import { groupRecipients, recipientCalendar, type CalendarBook } from '../domain/recipients';
import { planReminders, type PlannedSend } from '../domain/reminder-plan';
import type { SessionPlan } from '../domain/session';
import { checkSessionDate, type SessionDateCheck } from '../domain/session-date';
import type { WorkCalendar } from '../domain/work-calendar';
import type { ConveneInput } from './messages';

/** The session start checked against every side's calendar; undefined for cycles opened before calendars per side. */
export function sessionDateCheck(
  ctx: CycleContext | undefined,
  calendars: WorkCalendar[],
  startsAt: string,
): SessionDateCheck | undefined {
  if (!ctx?.sides || Number.isNaN(Date.parse(startsAt))) return undefined;
  const sides = ctx.sides.map((side) => ({
    sideId: side.sideId,
    timeZone: side.timeZone,
    calendar: calendars.find((c) => c.id === side.calendar),
  }));
  return checkSessionDate(startsAt, sides, ctx.timeZone);
}

/** Why a session date that is a holiday on a side is refused, unless the secretariat confirmed it. */
export function unconfirmedHoliday(
  check: SessionDateCheck | undefined,
  request: Pick<ConveneInput, 'holidayConfirmed'>,
): string | undefined {
  if (!check?.needsConfirmation || request.holidayConfirmed === true) return undefined;
  return `${check.warnings.join('; ')}: confirm the date to convene on it anyway (dates both sides work: ${check.alternatives.join(', ')})`;
}

/** One update's chase as the cycle plans it: due date by its owner's calendar, the plan and its own cut-off. */
export interface ProjectChase {
  dueDate: string;
  dueEndsAt: string;
  cutoffAt: string;
  plan: PlannedSend[];
}

/**
 * Plans one project's chase: its due date follows the owner's side (their calendar's working days), every send goes
 * out on a working day of its recipient's calendar; the update never closes before the cycle's cut-off.
 */
export function planProjectChase(
  book: CalendarBook,
  ctx: CycleContext,
  project: CycleProject,
  openedAt: string,
  collection: { dueDate: string; cutoffAt: string },
): ProjectChase {
  const withCalendars = ctx.calendars !== undefined;
  const owner = recipientCalendar(book, project.ownerId);
  const dueDate = withCalendars
    ? addWorkingDays(localDate(openedAt, ctx.timeZone), ctx.policy.dueAfterWorkingDays, owner.calendar)
    : collection.dueDate;
  const ownCutoff = endOfDay(addWorkingDays(dueDate, ctx.policy.cutoffAfterWorkingDays, owner.calendar), ctx.timeZone);
  const plan = planReminders({
    openedAt,
    dueDate,
    policy: ctx.policy,
    holidays: ctx.holidays,
    mechanismTimeZone: ctx.timeZone,
    recipientTimeZone: project.ownerTimeZone,
    includeSupervisor: project.supervisorId !== undefined,
    ...(withCalendars && {
      ownerCalendar: owner.calendar,
      ...(project.supervisorId !== undefined && { supervisor: recipientCalendar(book, project.supervisorId) }),
      secretariat: groupRecipients(book, ctx.secretariatIds),
    }),
  });
  return {
    dueDate,
    dueEndsAt: endOfDay(dueDate, ctx.timeZone),
    cutoffAt: withCalendars && ownCutoff > collection.cutoffAt ? ownCutoff : collection.cutoffAt,
    plan,
  };
}

/** The day-before reminders of a session: one per group of attendees sharing a zone and a calendar, in time order. */
export function sessionReminders(
  book: CalendarBook | undefined,
  ctx: CycleContext,
  plan: SessionPlan,
  sequence: number,
): { step: string; at: string; to: string[] }[] {
  const everyone = [...new Set([...plan.chairs, ...plan.attendees])];
  const groups = book
    ? groupRecipients(book, everyone)
    : [{ ids: everyone, timeZone: ctx.timeZone, calendar: ctx.holidays }];
  return groups
    .map((g, i) => ({
      step: groups.length === 1 ? `session-reminder-s${sequence}` : `session-reminder-s${sequence}-${i + 1}`,
      at: localInstant(
        workingDayOnOrBefore(addDays(localDate(plan.startsAt, g.timeZone), -1), g.calendar),
        ctx.policy.sendHour,
        g.timeZone,
      ),
      to: g.ids,
    }))
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}
