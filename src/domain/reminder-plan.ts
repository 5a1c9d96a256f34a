import {
  addDays,
  addWorkingDays,
  localDate,
  localInstant,
  nextSendSlot,
  workingDayOnOrBefore,
  type DaysOff,
} from './calendar';
import type { CyclePolicy } from './policy';

/** What a planned send is: the words match the notification kinds of the activities contract. */
export type PlannedKind = 'request' | 'reminder' | 'overdue' | 'escalation-supervisor' | 'escalation-secretariat';

/** One send of a project's collect-and-chase loop. */
export interface PlannedSend {
  /** Stable name, unique within the plan (`request`, `reminder-1`, `overdue-1`, `escalation-supervisor`, ...). */
  step: string;
  kind: PlannedKind;
  /** ISO instant (UTC). */
  at: string;
  /** The zone whose local date and hour the send was planned in (the recipient's). */
  timeZone: string;
  /**
   * Contact ids of the recipients when the kind alone does not say (an escalation to the secretariat officers of one
   * side, when the sides keep different calendars or zones). Absent: the kind's usual recipients.
   */
  to?: string[];
}

/** Where and by which calendar a recipient works. */
export interface RecipientCalendar {
  timeZone: string;
  calendar: DaysOff;
}

/** Secretariat officers who share a zone and a calendar: they get one escalation email together. */
export interface RecipientGroup extends RecipientCalendar {
  ids: string[];
}

/** Inputs of {@link planReminders}. */
export interface ReminderPlanInput {
  /** When the cycle opened (or, for a reassignment, when the new owner takes over). */
  openedAt: string;
  /** The date the update is due (end of day, mechanism time). */
  dueDate: string;
  policy: CyclePolicy;
  /** The mechanism's calendar: everybody's, unless the owner, supervisor or secretariat have their own below. */
  holidays: DaysOff;
  mechanismTimeZone: string;
  /** The owner's zone: request, reminders and overdue notices go out at the send hour there. */
  recipientTimeZone: string;
  /** The owner's calendar (their side's); default the mechanism's. */
  ownerCalendar?: DaysOff;
  /** The supervisor's zone and calendar; default the mechanism's. */
  supervisor?: RecipientCalendar;
  /** The secretariat officers grouped by zone and calendar; default one group in the mechanism's zone and calendar. */
  secretariat?: RecipientGroup[];
  /** Include the request itself (false when re-planning after an extension). Default true. */
  includeRequest?: boolean;
  /** Include the escalation to the supervisor (false when the project has none). Default true. */
  includeSupervisor?: boolean;
  /** Drop every send before this instant (re-planning "from now"). */
  notBefore?: string;
}

const rank: Record<PlannedKind, number> = {
  request: 0,
  reminder: 1,
  overdue: 2,
  'escalation-supervisor': 3,
  'escalation-secretariat': 4,
};

/**
 * The first instant at or after `instant` that is the send hour of a working day of the recipient (their zone, their
 * calendar). Used to keep the chase in order when recipients keep different calendars: an escalation never reaches
 * a supervisor before the owner's own overdue notice, even when the owner's holidays push that notice later.
 */
export function sendHourAtOrAfter(instant: string, sendHour: number, recipient: RecipientCalendar): string {
  let date = localDate(instant, recipient.timeZone);
  for (;;) {
    date = addWorkingDays(date, 0, recipient.calendar);
    const at = localInstant(date, sendHour, recipient.timeZone);
    if (at >= instant) return at;
    date = addDays(date, 1);
  }
}

/** The send hour of the `n`-th working day after `dueDate` in the recipient's calendar, not before `notBefore`. */
function afterDue(dueDate: string, n: number, sendHour: number, who: RecipientCalendar, notBefore: string): string {
  const at = localInstant(addWorkingDays(dueDate, n, who.calendar), sendHour, who.timeZone);
  return at >= notBefore ? at : sendHourAtOrAfter(notBefore, sendHour, who);
}

/**
 * The ordered sends of one project's update: request, reminders before the due date, overdue notices and
 * escalations after it. Guarantees, for any calendars and zones: ordered by instant; every send is on a working day
 * of its recipient's own calendar (weekends and holidays off, declared weekend working days on) in the recipient's
 * zone, at the policy's send hour there (the request may go at once when that is within the sending window); nothing
 * before the cycle opens or before `notBefore`; the chase keeps its order (request, reminders, overdue notices,
 * supervisor, secretariat) whatever the calendars.
 */
export function planReminders(input: ReminderPlanInput): PlannedSend[] {
  const { policy, holidays, dueDate, mechanismTimeZone, recipientTimeZone } = input;
  const owner: RecipientCalendar = { timeZone: recipientTimeZone, calendar: input.ownerCalendar ?? holidays };
  // Escalations default to mechanism time: before calendars per side, the service planned them there.
  const supervisor: RecipientCalendar = input.supervisor ?? { timeZone: mechanismTimeZone, calendar: holidays };
  const groups: (RecipientGroup | (RecipientCalendar & { ids?: undefined }))[] =
    input.secretariat && input.secretariat.length > 0
      ? input.secretariat
      : [{ timeZone: mechanismTimeZone, calendar: holidays }];
  // Instants are compared as strings: normalise them to the one UTC form first.
  const openedAt = new Date(input.openedAt).toISOString();
  const notBefore = new Date(input.notBefore ?? openedAt).toISOString();
  const start = notBefore > openedAt ? notBefore : openedAt;
  const sends: Omit<PlannedSend, 'step'>[] = [];

  // `sendRequestsAtOnce` is undefined in the policies of cycles started before it existed: those keep the send hour.
  const requestAt = policy.sendRequestsAtOnce
    ? start
    : nextSendSlot(start, policy.sendHour, owner.calendar, owner.timeZone);
  if (input.includeRequest !== false) sends.push({ kind: 'request', at: requestAt, timeZone: owner.timeZone });

  const reminderDates = new Set<string>();
  for (const before of [...policy.remindBeforeDueDays].sort((a, b) => b - a)) {
    reminderDates.add(workingDayOnOrBefore(addDays(dueDate, -before), owner.calendar));
  }
  for (const date of [...reminderDates].sort()) {
    const at = localInstant(date, policy.sendHour, owner.timeZone);
    if (at > requestAt) sends.push({ kind: 'reminder', at, timeZone: owner.timeZone });
  }
  // Each later stage starts no earlier than the last send of the stage before it.
  let floor = requestAt;
  const overdueDates = new Set(policy.overdueAfterWorkingDays.map((n) => addWorkingDays(dueDate, n, owner.calendar)));
  for (const date of [...overdueDates].sort()) {
    const at = localInstant(date, policy.sendHour, owner.timeZone);
    sends.push({ kind: 'overdue', at, timeZone: owner.timeZone });
    if (at > floor) floor = at;
  }
  if (input.includeSupervisor !== false) {
    const at = afterDue(dueDate, policy.escalateSupervisorAfterWorkingDays, policy.sendHour, supervisor, floor);
    sends.push({ kind: 'escalation-supervisor', at, timeZone: supervisor.timeZone });
    if (at > floor) floor = at;
  }
  const secretariatSends = groups.map((group, i) => ({
    kind: 'escalation-secretariat' as const,
    at: afterDue(dueDate, policy.escalateSecretariatAfterWorkingDays, policy.sendHour, group, floor),
    timeZone: group.timeZone,
    ...(groups.length > 1 && { to: group.ids, group: i + 1 }),
  }));

  const ordered = [...sends, ...secretariatSends]
    .filter((s) => s.kind === 'request' || s.at >= start)
    .sort((a, b) => (a.at === b.at ? rank[a.kind] - rank[b.kind] : a.at < b.at ? -1 : 1));
  const counters: Partial<Record<PlannedKind, number>> = {};
  return ordered.map((s) => {
    const { group, ...send } = s as typeof s & { group?: number };
    if (group !== undefined) return { ...send, step: `${s.kind}-${group}` };
    const n = (counters[s.kind] = (counters[s.kind] ?? 0) + 1);
    const numbered = s.kind === 'reminder' || s.kind === 'overdue';
    return { ...send, step: numbered ? `${s.kind}-${n}` : s.kind };
  });
}
