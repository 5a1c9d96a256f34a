import { addDays, addWorkingDays, localInstant, nextSendSlot, workingDayOnOrBefore } from './calendar';
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
}

/** Inputs of {@link planReminders}. */
export interface ReminderPlanInput {
  /** When the cycle opened (or, for a reassignment, when the new owner takes over). */
  openedAt: string;
  /** The date the update is due (end of day, mechanism time). */
  dueDate: string;
  policy: CyclePolicy;
  /** The mechanism's public holidays (`YYYY-MM-DD`). */
  holidays: readonly string[];
  mechanismTimeZone: string;
  /** The owner's zone: request, reminders and overdue notices go out at the send hour there. */
  recipientTimeZone: string;
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
 * The ordered sends of one project's update: request, reminders before the due date, overdue notices and
 * escalations after it. Guarantees: ordered by instant; every send is on a working day (not a weekend or a
 * mechanism holiday) in the zone it was planned in, at the policy's send hour there (the request may go at once
 * when that is within the sending window); nothing before `notBefore`; reminders never precede the request.
 */
export function planReminders(input: ReminderPlanInput): PlannedSend[] {
  const { policy, holidays, dueDate, mechanismTimeZone, recipientTimeZone } = input;
  // Instants are compared as strings: normalise them to the one UTC form first.
  const openedAt = new Date(input.openedAt).toISOString();
  const notBefore = new Date(input.notBefore ?? openedAt).toISOString();
  const start = notBefore > openedAt ? notBefore : openedAt;
  const sends: Omit<PlannedSend, 'step'>[] = [];

  const requestAt = nextSendSlot(start, policy.sendHour, holidays, recipientTimeZone);
  if (input.includeRequest !== false) sends.push({ kind: 'request', at: requestAt, timeZone: recipientTimeZone });

  const reminderDates = new Set<string>();
  for (const before of [...policy.remindBeforeDueDays].sort((a, b) => b - a)) {
    reminderDates.add(workingDayOnOrBefore(addDays(dueDate, -before), holidays));
  }
  for (const date of [...reminderDates].sort()) {
    const at = localInstant(date, policy.sendHour, recipientTimeZone);
    if (at > requestAt) sends.push({ kind: 'reminder', at, timeZone: recipientTimeZone });
  }
  const overdueDates = new Set(policy.overdueAfterWorkingDays.map((n) => addWorkingDays(dueDate, n, holidays)));
  for (const date of [...overdueDates].sort()) {
    sends.push({ kind: 'overdue', at: localInstant(date, policy.sendHour, recipientTimeZone), timeZone: recipientTimeZone });
  }
  // Escalations go to people whose zone the service does not know: plan them in mechanism time.
  if (input.includeSupervisor !== false) {
    const date = addWorkingDays(dueDate, policy.escalateSupervisorAfterWorkingDays, holidays);
    sends.push({ kind: 'escalation-supervisor', at: localInstant(date, policy.sendHour, mechanismTimeZone), timeZone: mechanismTimeZone });
  }
  const secretariatDate = addWorkingDays(dueDate, policy.escalateSecretariatAfterWorkingDays, holidays);
  sends.push({
    kind: 'escalation-secretariat',
    at: localInstant(secretariatDate, policy.sendHour, mechanismTimeZone),
    timeZone: mechanismTimeZone,
  });

  const ordered = sends
    .filter((s) => s.kind === 'request' || s.at >= start)
    .sort((a, b) => (a.at === b.at ? rank[a.kind] - rank[b.kind] : a.at < b.at ? -1 : 1));
  const counters: Partial<Record<PlannedKind, number>> = {};
  return ordered.map((s) => {
    const n = (counters[s.kind] = (counters[s.kind] ?? 0) + 1);
    const numbered = s.kind === 'reminder' || s.kind === 'overdue';
    return { ...s, step: numbered ? `${s.kind}-${n}` : s.kind };
  });
}
