/**
 * A project update's state and every rule that changes it, as plain functions of (state, input, now): no Temporal,
 * no I/O, so each rule is unit-tested without a server (test/workflows/project-update-state.test.ts). The workflow
 * (project-update.ts) holds one {@link UpdateState}, replaces it with what these functions return, and turns their
 * results into emails, store writes and signals.
 */
import { addDays, addWorkingDays, endOfDay } from '../domain/calendar';
import type { CyclePolicy } from '../domain/policy';
import { groupRecipients, recipientCalendar, type CalendarBook } from '../domain/recipients';
import { planReminders, type PlannedSend, type ReminderPlanInput } from '../domain/reminder-plan';
import { settledStates, type SubmissionState } from '../domain/states';
import type { EmailContent } from './activities';
import type { ProjectUpdateState } from './messages';
import type { Refusal } from './validation';

/** What does not change while an update runs: the cycle's dates, zone, calendar and rules. */
export interface ChaseRules {
  projectId: string;
  openedAt: string;
  timeZone: string;
  holidays: string[];
  policy: CyclePolicy;
  secretariatIds: string[];
}

/** Everything an update knows, replaced as a whole by each transition. */
export interface UpdateState {
  state: SubmissionState;
  ownerId: string;
  supervisorId?: string;
  ownerTimeZone: string;
  dueDate: string;
  /** When the due date ends, if the cycle worked it out; otherwise {@link dueEndsAt} computes it. */
  dueEndsAt?: string;
  cutoffAt: string;
  revision: number;
  late: boolean;
  /** How many times the chase was planned again; steps of a re-planned sequence carry `.p<generation>`. */
  generation: number;
  plan: PlannedSend[];
  /** Steps already sent, in order. */
  sent: string[];
  /** Days granted at once so far (the policy caps them). */
  autoExtensionDays: number;
  /** Days asked for and waiting for the secretariat. */
  pendingExtensionDays?: number;
  /** Extension requests, grants and refusals so far: numbers their email steps. */
  extensionCount: number;
  /** The recipients' calendars (absent in updates started before calendars per side). */
  book?: CalendarBook;
  /**
   * The owner's receipt emails (issue 15, amendment floods): the latest revision an email confirmed and when that
   * email was sent, so that a flood of amendments is confirmed at most once an hour ({@link receiptOwed}).
   */
  receipts: ReceiptLog;
}

/** Which revision the last receipt email confirmed, and when it went (absent before the first). */
export interface ReceiptLog {
  confirmed: number;
  lastAt?: string;
}

export type { Refusal } from './validation';

/** What an update starts from: its owner, dates and planned chase (everything else starts empty). */
export type UpdateStart = Pick<
  UpdateState,
  'ownerId' | 'supervisorId' | 'ownerTimeZone' | 'dueDate' | 'dueEndsAt' | 'cutoffAt' | 'plan' | 'book'
>;

/** An update before anything happened: requested, revision 0, nothing sent, no extension. The workflow starts here. */
export const initialUpdate = (start: UpdateStart): UpdateState => ({
  state: 'requested',
  revision: 0,
  late: false,
  generation: 0,
  sent: [],
  autoExtensionDays: 0,
  extensionCount: 0,
  receipts: { confirmed: 0 },
  ...start,
});

/** True when the chase is over: submitted, waived or missing (amendments and late answers are still accepted). */
export const isSettled = (u: UpdateState): boolean => settledStates.includes(u.state);

/** The state a send leaves an unsettled update in. */
export const stateAfterSend: Record<PlannedSend['kind'], SubmissionState> = {
  request: 'requested',
  reminder: 'reminded',
  overdue: 'overdue',
  'escalation-supervisor': 'escalated',
  'escalation-secretariat': 'escalated',
};

/** The instant the due date ends (midnight after it, mechanism time): an answer at or after it is late. */
export const dueEndsAt = (u: UpdateState, rules: ChaseRules): string =>
  u.dueEndsAt ?? endOfDay(u.dueDate, rules.timeZone);

/** A planned send's step name: unique per update, so that the outbox key (workflowId + step) is sent once. */
export const stepName = (u: UpdateState, send: PlannedSend): string =>
  u.generation === 0 ? send.step : `${send.step}.p${u.generation}`;

/** The next send of the chase: the first planned step not yet sent, if it falls before collection closes. */
export const nextSend = (u: UpdateState): PlannedSend | undefined =>
  u.plan.find((s) => !u.sent.includes(stepName(u, s)) && s.at <= u.cutoffAt);

/** True once collection has closed for this update (its own cut-off, later than the cycle's after a long extension). */
export const collectionClosed = (u: UpdateState, now: string): boolean => Date.parse(now) >= Date.parse(u.cutoffAt);

/** The contacts of the update: who it chases, and who hears about it. */
export const people = (u: UpdateState, rules: ChaseRules) => ({
  ownerId: u.ownerId,
  supervisorId: u.supervisorId,
  secretariatIds: rules.secretariatIds,
});

/** The calendars of an update's recipients, for its reminder plan (the mechanism's for everybody without a book). */
export function recipientsOfChase(
  book: CalendarBook | undefined,
  who: { ownerId: string; supervisorId?: string; secretariatIds: string[] },
): Pick<ReminderPlanInput, 'ownerCalendar' | 'supervisor' | 'secretariat'> {
  if (!book) return {};
  return {
    ownerCalendar: recipientCalendar(book, who.ownerId).calendar,
    ...(who.supervisorId !== undefined && { supervisor: recipientCalendar(book, who.supervisorId) }),
    secretariat: groupRecipients(book, who.secretariatIds),
  };
}

/** Who gets a planned send: the plan's own recipients when it names them, else the kind's usual ones. */
export function recipientsOfSend(
  send: PlannedSend,
  who: { ownerId: string; supervisorId?: string; secretariatIds: string[] },
): string[] {
  if (send.to) return send.to;
  if (send.kind === 'escalation-secretariat') return who.secretariatIds;
  if (send.kind === 'escalation-supervisor') return [who.supervisorId as string];
  return [who.ownerId];
}

/** The owner's calendar: their side's (the due date of an extension follows it), or the mechanism's. */
const ownerDays = (u: UpdateState, rules: ChaseRules) =>
  recipientsOfChase(u.book, people(u, rules)).ownerCalendar ?? rules.holidays;

/** The chase for the current owner and due date (`from`: re-planning from that instant). */
export function planChase(
  u: UpdateState,
  rules: ChaseRules,
  from?: { notBefore: string; includeRequest: boolean },
): PlannedSend[] {
  return planReminders({
    openedAt: rules.openedAt,
    dueDate: u.dueDate,
    policy: rules.policy,
    holidays: rules.holidays,
    mechanismTimeZone: rules.timeZone,
    recipientTimeZone: u.ownerTimeZone,
    includeSupervisor: u.supervisorId !== undefined,
    ...recipientsOfChase(u.book, people(u, rules)),
    ...from,
  });
}

/** The chase planned again from `now`: what was sent stays sent, later steps get the next generation's names. */
function replan(u: UpdateState, rules: ChaseRules, now: string, includeRequest: boolean): UpdateState {
  const next = { ...u, generation: u.generation + 1 };
  return { ...next, plan: planChase(next, rules, { notBefore: now, includeRequest }) };
}

/**
 * The email of a planned send: the due date, and for an escalation the owner who is late (the current one, after any
 * reassignment). The open action items of the owner are listed by the email itself, as they stand when it is written.
 */
export function chaseEmail(u: UpdateState, send: PlannedSend): EmailContent {
  if (send.kind === 'escalation-supervisor' || send.kind === 'escalation-secretariat') {
    return { kind: send.kind, params: { dueDate: u.dueDate, lateOwnerId: u.ownerId } };
  }
  return { kind: send.kind, params: { dueDate: u.dueDate } };
}

/** After a step went out: it is sent, and an unsettled update moves to the state the send means. */
export function afterSend(u: UpdateState, send: PlannedSend): UpdateState {
  const sent = [...u.sent, stepName(u, send)];
  return isSettled(u) ? { ...u, sent } : { ...u, sent, state: stateAfterSend[send.kind] };
}

/** Collection closed without an answer. */
export const markMissing = (u: UpdateState): UpdateState => ({ ...u, state: 'missing' });

/**
 * A new due date: the chase is planned again from now (no new request), an overdue or escalated update is back to
 * `requested`, and an update extended beyond the cycle's cut-off keeps its chase until its own cut-off.
 */
export function extend(u: UpdateState, rules: ChaseRules, newDueDate: string, now: string): UpdateState {
  const ownCutoff = endOfDay(
    addWorkingDays(newDueDate, rules.policy.cutoffAfterWorkingDays, rules.holidays),
    rules.timeZone,
  );
  const moved: UpdateState = {
    ...u,
    dueDate: newDueDate,
    dueEndsAt: undefined,
    cutoffAt: ownCutoff > u.cutoffAt ? ownCutoff : u.cutoffAt,
    state: u.state === 'overdue' || u.state === 'escalated' ? 'requested' : u.state,
  };
  return replan(moved, rules, now, false);
}

/** Whether the owner may ask for `days` more. */
export function refuseExtensionRequest(u: UpdateState, days: unknown): Refusal | undefined {
  if (!Number.isInteger(days) || (days as number) < 1 || (days as number) > 90)
    return { type: 'InvalidExtension', message: 'days: must be a whole number from 1 to 90' };
  if (isSettled(u)) return { type: 'AlreadySettled', message: `the update is already ${u.state}` };
  if (u.pendingExtensionDays !== undefined)
    return { type: 'ExtensionPending', message: 'an extension request is already waiting for the secretariat' };
  return undefined;
}

/**
 * The owner asks for `days` more: granted at once while the days granted so far stay within the policy's limit
 * (the new due date is the owner's next working day on or after the current one plus `days`), otherwise pending.
 */
export function applyExtensionRequest(
  u: UpdateState,
  rules: ChaseRules,
  days: number,
  now: string,
): { update: UpdateState; outcome: 'granted' | 'pending'; number: number } {
  const counted = { ...u, extensionCount: u.extensionCount + 1 };
  if (u.autoExtensionDays + days <= rules.policy.autoExtensionMaxDays) {
    const granted = { ...counted, autoExtensionDays: u.autoExtensionDays + days };
    return {
      update: extend(granted, rules, addWorkingDays(addDays(u.dueDate, days), 0, ownerDays(u, rules)), now),
      outcome: 'granted',
      number: counted.extensionCount,
    };
  }
  return { update: { ...counted, pendingExtensionDays: days }, outcome: 'pending', number: counted.extensionCount };
}

/** Whether the secretariat may move the due date to `newDueDate` (`isoDate`: the date's format is valid). */
export function refuseGrant(u: UpdateState, newDueDate: string, isoDate: boolean): Refusal | undefined {
  if (!isoDate) return { type: 'InvalidExtension', message: 'dueDate: must be a date YYYY-MM-DD' };
  if (!(newDueDate > u.dueDate))
    return { type: 'InvalidExtension', message: `dueDate: must be after the current due date ${u.dueDate}` };
  if (u.state === 'submitted' || u.state === 'waived')
    return { type: 'AlreadySettled', message: `the update is already ${u.state}` };
  return undefined;
}

/** The secretariat extends the due date (the owner's next working day on or after it), answering any pending request. */
export function applyGrant(u: UpdateState, rules: ChaseRules, newDueDate: string, now: string): UpdateState {
  const counted = { ...u, extensionCount: u.extensionCount + 1, pendingExtensionDays: undefined };
  return extend(counted, rules, addWorkingDays(newDueDate, 0, ownerDays(u, rules)), now);
}

/** Whether there is a request to refuse. */
export const refuseRefusal = (u: UpdateState): Refusal | undefined =>
  u.pendingExtensionDays === undefined
    ? { type: 'NoExtensionPending', message: 'no extension request is waiting' }
    : undefined;

/** The secretariat refuses the pending request: the due date stays. */
export const applyRefusal = (u: UpdateState): UpdateState => ({
  ...u,
  extensionCount: u.extensionCount + 1,
  pendingExtensionDays: undefined,
});

/** Whether the update can still be waived. */
export const refuseWaiver = (u: UpdateState): Refusal | undefined =>
  u.state === 'submitted' || u.state === 'waived'
    ? { type: 'AlreadySettled', message: `the update is already ${u.state}` }
    : undefined;

/** The secretariat waives the update: nothing more is sent, a pending request is dropped. */
export const applyWaiver = (u: UpdateState): UpdateState => ({
  ...u,
  state: 'waived',
  pendingExtensionDays: undefined,
});

/** Whether the update can go to `newOwner`. */
export function refuseReassignment(u: UpdateState, newOwner: unknown): Refusal | undefined {
  if (typeof newOwner !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(newOwner))
    return { type: 'InvalidOwner', message: 'ownerId: must be a contact id' };
  if (isSettled(u)) return { type: 'AlreadySettled', message: `the update is already ${u.state}` };
  if (newOwner === u.ownerId) return { type: 'InvalidOwner', message: 'ownerId: this contact already owns the update' };
  return undefined;
}

/** A new owner (and supervisor): the chase starts again from now with a request to them. */
export function reassign(
  u: UpdateState,
  rules: ChaseRules,
  to: { ownerId: string; ownerTimeZone: string; supervisorId?: string; ownerCalendar?: string },
  now: string,
): UpdateState {
  const book = u.book && {
    ...u.book,
    recipients: {
      ...u.book.recipients,
      [to.ownerId]: {
        timeZone: to.ownerTimeZone,
        ...(to.ownerCalendar !== undefined && { calendar: to.ownerCalendar }),
      },
    },
  };
  const handed: UpdateState = {
    ...u,
    ownerId: to.ownerId,
    ownerTimeZone: to.ownerTimeZone,
    ...(to.supervisorId !== undefined && { supervisorId: to.supervisorId }),
    book,
    state: 'requested',
  };
  return replan(handed, rules, now, true);
}

/** New calendars: an unsettled update plans what is still to come again (a request already sent is not sent again). */
export function changeCalendars(u: UpdateState, rules: ChaseRules, book: CalendarBook, now: string): UpdateState {
  const next = { ...u, book };
  if (isSettled(next)) return next;
  return replan(next, rules, now, !u.sent.some((step) => step === 'request' || step.startsWith('request.')));
}

/**
 * Whether a submission (already checked against the schema) may still be accepted: amendments end when collection
 * closes, and a text based on an older revision than the latest (`baseRevision`, issue 15's concurrent edits) never
 * silently replaces the newer one.
 */
export function refuseSubmission(u: UpdateState, now: string, baseRevision?: number): Refusal | undefined {
  if (u.state === 'submitted' && collectionClosed(u, now))
    return { type: 'CollectionClosed', message: 'collection has closed: the submission can no longer be amended' };
  if (typeof baseRevision === 'number' && baseRevision < u.revision)
    return {
      type: 'StaleRevision',
      message: `the submission is based on revision ${baseRevision}, but revision ${u.revision} has been saved since`,
    };
  return undefined;
}

/** The receipt of an accepted submission: its revision, whether it was late, when it arrived. */
export interface Receipt {
  revision: number;
  late: boolean;
  receivedAt: string;
}

/** A submission accepted at `now`: the next revision, late when it arrives at or after the due date's end. */
export function submit(u: UpdateState, rules: ChaseRules, now: string): { update: UpdateState; receipt: Receipt } {
  const receipt = { revision: u.revision + 1, late: now >= dueEndsAt(u, rules), receivedAt: now };
  return { update: { ...u, revision: receipt.revision, late: receipt.late, state: 'submitted' }, receipt };
}

/** The least time between two receipt emails of one update: further amendments are confirmed together. */
export const RECEIPT_INTERVAL_MS = 60 * 60 * 1000;

/** A receipt email owed to the owner: it names the latest revision and how many revisions it confirms. */
export interface OwedReceipt {
  revision: number;
  /** Revisions saved since the last receipt (1: this one only). */
  covers: number;
  /** When it may go: at once (`undefined`) when no receipt went within the hour, else an hour after the last. */
  notBefore?: string;
}

/**
 * The receipt email the owner is owed, if any: none while every revision has been confirmed; otherwise one for the
 * latest revision, covering every revision since the last receipt, sent at once when the last receipt is an hour
 * old or more (or there was none), else when that hour is up. So a flood of amendments costs at most one email an
 * hour, and the first amendment after a quiet hour is confirmed at once.
 */
export function receiptOwed(u: UpdateState): OwedReceipt | undefined {
  const { confirmed, lastAt } = u.receipts;
  if (u.revision <= confirmed) return undefined;
  const notBefore = lastAt === undefined ? undefined : new Date(Date.parse(lastAt) + RECEIPT_INTERVAL_MS).toISOString();
  return { revision: u.revision, covers: u.revision - confirmed, ...(notBefore !== undefined && { notBefore }) };
}

/** True when an owed receipt may go at `now`. */
export const receiptDue = (owed: OwedReceipt, now: string): boolean =>
  owed.notBefore === undefined || Date.parse(now) >= Date.parse(owed.notBefore);

/** After the receipt for `revision` went at `now`: every revision up to it is confirmed. */
export const receiptSent = (u: UpdateState, revision: number, now: string): UpdateState => ({
  ...u,
  receipts: { confirmed: Math.max(u.receipts.confirmed, revision), lastAt: now },
});

/** The update as the `state` query and the API show it. */
export function snapshot(u: UpdateState, rules: ChaseRules): ProjectUpdateState {
  const next = isSettled(u) ? undefined : nextSend(u);
  return {
    projectId: rules.projectId,
    state: u.state,
    ownerId: u.ownerId,
    dueDate: u.dueDate,
    cutoffAt: u.cutoffAt,
    revision: u.revision,
    late: u.late,
    sent: [...u.sent],
    nextSend: next && { step: stepName(u, next), kind: next.kind, at: next.at },
    pendingExtensionDays: u.pendingExtensionDays,
  };
}

/** What the Temporal UI shows as the update's current details (markdown). */
export function details(u: UpdateState, now: string): string {
  const next = isSettled(u) ? undefined : nextSend(u);
  const waiting = isSettled(u)
    ? collectionClosed(u, now)
      ? 'nothing (a late submission is still accepted until the cycle closes)'
      : 'nothing (amendments accepted until collection closes)'
    : `the owner's submission, due ${u.dueDate}`;
  return [
    `**State:** ${u.state}${u.revision ? ` (revision ${u.revision}${u.late ? ', late' : ''})` : ''}`,
    `**Waiting for:** ${waiting}`,
    `**Next send:** ${next ? `${stepName(u, next)} at ${next.at}` : 'none'}`,
    `**Collection closes:** ${u.cutoffAt}`,
    u.pendingExtensionDays
      ? `**Extension requested:** ${u.pendingExtensionDays} days, waiting for the secretariat`
      : '',
  ]
    .filter(Boolean)
    .join('\n\n');
}
