/**
 * A quarterly cycle's phase, session and report state and every rule that changes it, as plain functions of
 * (state, input, now): no Temporal, no I/O, so each rule is unit-tested without a server
 * (test/workflows/cycle-state.test.ts). The workflow (quarterly-cycle.ts) holds one {@link Cycle}, replaces it with
 * what these functions return, and turns their results into timers, activities and children.
 */
import type { collectionDates } from '../domain/calendar';
import type { SessionPlan, SessionRecord } from '../domain/session';
import { settledStates, type CyclePhase, type SubmissionState } from '../domain/states';
import type { SessionDateCheck } from '../domain/session-date';
import type { FollowUp } from './after-answer';
import { unconfirmedHoliday } from './cycle-plan';
import type { ConveneInput, CycleState, ProjectStateChange } from './messages';
import { schemas } from './schemas';
import { fieldErrors, type Refusal } from './validation';

/** Where one project stands, as far as the cycle knows (it hears only when a project settles or sends a revision). */
export interface ProjectStatus {
  state: SubmissionState;
  revision: number;
  late: boolean;
}

/** The session as convened; `sequence` grows with every invitation, update and cancellation (iCalendar SEQUENCE). */
export interface Session {
  sequence: number;
  plan: SessionPlan;
  status: 'scheduled' | 'cancelled' | 'held';
}

/** Everything a cycle knows, replaced as a whole by each transition. */
export interface Cycle {
  phase: CyclePhase;
  /** What the cycle waits for now, in words (the `state` query and the Temporal UI show it). */
  waitingFor: string;
  openedAt?: string;
  timing?: CycleState['timing'];
  opensAt?: string;
  dates?: ReturnType<typeof collectionDates>;
  /** The last compiled report version (0: none yet). */
  reportVersion: number;
  /** A new revision arrived after the report was compiled: the next version is to be compiled. */
  recompileWanted: boolean;
  closeRequested: boolean;
  /** A `recordDecisions` was accepted (its store write may still be under way): a second one is refused. */
  decisionsTaken: boolean;
  /** The decisions, once stored. */
  decisions?: SessionRecord;
  actionItemIds: string[];
  session?: Session;
  projects: ReadonlyMap<string, ProjectStatus>;
}

/** A cycle that has not loaded anything yet. */
export const initialCycle = (): Cycle => ({
  phase: 'collecting',
  waitingFor: 'the cycle context to load',
  reportVersion: 0,
  recompileWanted: false,
  closeRequested: false,
  decisionsTaken: false,
  actionItemIds: [],
  projects: new Map(),
});

/** The cycle in a new phase, waiting for `waitingFor`. */
export const enter = (c: Cycle, phase: CyclePhase, waitingFor: string): Cycle => ({ ...c, phase, waitingFor });

/** The cycle waiting for something else in the same phase. */
export const waitFor = (c: Cycle, waitingFor: string): Cycle => ({ ...c, waitingFor });

/** Projects whose updates were just started: each `requested` until it says otherwise. */
export function projectsStarted(c: Cycle, projectIds: string[]): Cycle {
  const projects = new Map(c.projects);
  for (const id of projectIds) projects.set(id, { state: 'requested', revision: 0, late: false });
  return { ...c, projects };
}

/** True when every project has settled (submitted, waived or missing): collection can close early. */
export const allSettled = (c: Cycle): boolean => [...c.projects.values()].every((p) => settledStates.includes(p.state));

/**
 * A project's news. A new revision after the report was compiled (and before the decisions, while the cycle is
 * open) makes the cycle compile the next report version: a late answer is never a silent overwrite.
 */
export function projectChanged(c: Cycle, change: ProjectStateChange): Cycle {
  const { projectId, state, revision, late } = change;
  const before = c.projects.get(projectId);
  const projects = new Map(c.projects).set(projectId, { state, revision, late });
  const newRevision =
    c.reportVersion > 0 &&
    state === 'submitted' &&
    revision > (before?.revision ?? 0) &&
    !c.decisions &&
    c.phase !== 'closed';
  return { ...c, projects, recompileWanted: c.recompileWanted || newRevision };
}

/** Whether a new report version may be compiled on request. */
export function refuseRegenerate(c: Cycle): Refusal | undefined {
  if (c.reportVersion === 0) return { type: 'WrongPhase', message: 'the report has not been compiled yet' };
  if (c.phase === 'closed' || c.closeRequested) return { type: 'WrongPhase', message: 'the cycle is closed' };
  return undefined;
}

/** The next report version, taken before it is compiled (so two requests compile two distinct versions). */
export function nextReport(c: Cycle): { cycle: Cycle; version: number } {
  const version = c.reportVersion + 1;
  return { cycle: { ...c, reportVersion: version, recompileWanted: false }, version };
}

/** The session a convene request asks for: no `startsAt` takes the proposed date. */
const requestedPlan = (c: Cycle, request: ConveneInput | undefined) =>
  schemas().SessionPlan.safeParse({ ...request, startsAt: request?.startsAt ?? c.dates?.proposedSessionAt });

/**
 * Whether the session can be convened (or rescheduled) as asked at `now`: only while convening, with a valid plan
 * that starts in the future, on a date every side works unless the secretariat confirmed it (`checkDate`: the date
 * checked against each side's calendar).
 */
export function refuseConvene(
  c: Cycle,
  request: ConveneInput | undefined,
  now: string,
  checkDate: (startsAt: string) => SessionDateCheck | undefined,
): Refusal | undefined {
  if (c.phase !== 'convening')
    return {
      type: 'WrongPhase',
      message: `the session can be convened once the report is compiled and before it starts (the cycle is ${c.phase})`,
    };
  const parsed = requestedPlan(c, request);
  if (!parsed.success) {
    const fields = fieldErrors(parsed.error);
    return {
      type: 'InvalidSession',
      message: `the session is not valid: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`,
      fields,
    };
  }
  const { startsAt } = parsed.data;
  if (!schemas().isoInstant.safeParse(startsAt).success || Date.parse(startsAt) <= Date.parse(now))
    return {
      type: 'InvalidSession',
      message: 'startsAt: the session must start in the future',
      fields: [{ field: 'startsAt', message: 'must be in the future' }],
    };
  const holiday = unconfirmedHoliday(checkDate(startsAt), request ?? {});
  if (holiday)
    return { type: 'HolidayNotConfirmed', message: holiday, fields: [{ field: 'startsAt', message: holiday }] };
  return undefined;
}

/**
 * The session convened (accepted by {@link refuseConvene}): the next sequence, and whether its invitation updates a
 * scheduled one (rescheduling: `previousStartsAt` says when it was to start) or is a new one (first, or after a
 * cancellation).
 */
export function convened(
  c: Cycle,
  request: ConveneInput,
): { cycle: Cycle; session: Session; kind: 'invitation' | 'invitation-update'; previousStartsAt?: string } {
  const parsed = requestedPlan(c, request);
  if (!parsed.success) throw parsed.error;
  const session: Session = { sequence: (c.session?.sequence ?? 0) + 1, plan: parsed.data, status: 'scheduled' };
  const rescheduled = c.session?.status === 'scheduled' ? c.session.plan.startsAt : undefined;
  return rescheduled === undefined
    ? { cycle: { ...c, session }, session, kind: 'invitation' }
    : { cycle: { ...c, session }, session, kind: 'invitation-update', previousStartsAt: rescheduled };
}

/** Whether there is a convened session to cancel. */
export const refuseCancel = (c: Cycle): Refusal | undefined =>
  c.phase !== 'convening' || c.session?.status !== 'scheduled'
    ? { type: 'WrongPhase', message: 'there is no convened session to cancel' }
    : undefined;

/** The session cancelled (accepted by {@link refuseCancel}): the cancellation carries the next sequence. */
export function cancelled(c: Cycle): { cycle: Cycle; session: Session } {
  const current = c.session as Session;
  const session: Session = { ...current, sequence: current.sequence + 1, status: 'cancelled' };
  return { cycle: { ...c, session }, session };
}

/** The session took place: the secretariat records its decisions next. */
export const sessionHeld = (c: Cycle): Cycle => (c.session ? { ...c, session: { ...c.session, status: 'held' } } : c);

/** Whether decisions can be recorded: once the session has started, once, valid, with unique action item ids. */
export function refuseDecisions(c: Cycle, record: unknown): Refusal | undefined {
  if (c.phase !== 'in-session' && c.phase !== 'recording')
    return {
      type: 'WrongPhase',
      message: `decisions are recorded once the session has started (the cycle is ${c.phase})`,
    };
  if (c.decisions || c.decisionsTaken)
    return { type: 'AlreadyRecorded', message: 'the decisions of this session are already recorded' };
  const parsed = schemas().SessionRecord.safeParse(record);
  if (!parsed.success) {
    const fields = fieldErrors(parsed.error);
    return {
      type: 'InvalidDecisions',
      message: `the decisions are not valid: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`,
      fields,
    };
  }
  const ids = parsed.data.decisions.flatMap((d) => d.actionItems.map((a) => a.id));
  if (new Set(ids).size !== ids.length)
    return {
      type: 'InvalidDecisions',
      message: 'action item ids must be unique',
      fields: [{ field: 'decisions', message: 'action item ids must be unique' }],
    };
  return undefined;
}

/** Decisions accepted (by {@link refuseDecisions}), not yet stored: a second record is refused from now on. */
export function decisionsAccepted(c: Cycle, record: unknown): { cycle: Cycle; record: SessionRecord } {
  return { cycle: { ...c, decisionsTaken: true }, record: schemas().SessionRecord.parse(record) };
}

/** Decisions stored: the cycle writes the minutes, starts the action items and closes. */
export const decisionsRecorded = (c: Cycle, record: SessionRecord): Cycle => ({
  ...c,
  decisions: record,
  actionItemIds: record.decisions.flatMap((d) => d.actionItems.map((a) => a.id)),
});

/** Whether the cycle can be closed (any phase but closed). */
export const refuseClose = (c: Cycle): Refusal | undefined =>
  c.phase === 'closed' ? { type: 'WrongPhase', message: 'the cycle is already closed' } : undefined;

/** The secretariat closes the cycle: whatever it waits for, it stops and closes. */
export const closing = (c: Cycle): Cycle => ({ ...c, closeRequested: true });

/** A day-before session reminder: its step, when it goes, to whom. */
export interface SessionReminder {
  step: string;
  at: string;
  to: string[];
}

/**
 * What the cycle does next between compilation and the decisions, at `now`:
 * - `done`: closed, or decisions stored;
 * - `compile`: a new report version is wanted;
 * - `convene`: no session (or it was cancelled): wait for the secretariat;
 * - `reminder`: wait for the next day-before reminder still to come, then send it;
 * - `start`: wait for the session to start; `end`: in session, wait for it to end;
 * - `held`: the session is over: mark it held and wait for the decisions; `decisions`: keep waiting for them.
 * Every wait is cut short by a change of session, a wanted report, a close or the decisions ({@link woken}).
 */
export type SessionStep =
  | { kind: 'done' }
  | { kind: 'compile' }
  | { kind: 'convene' }
  | { kind: 'reminder'; reminder: SessionReminder }
  | { kind: 'start'; at: string }
  | { kind: 'end'; at: string }
  | { kind: 'held' }
  | { kind: 'decisions' };

/** The next step (see {@link SessionStep}); `reminders`: the scheduled session's, in time order. */
export function sessionStep(c: Cycle, now: string, reminders: SessionReminder[]): SessionStep {
  if (c.closeRequested || c.decisions) return { kind: 'done' };
  if (c.recompileWanted) return { kind: 'compile' };
  const session = c.session;
  if (!session || session.status === 'cancelled') return { kind: 'convene' };
  // Instants are compared as instants, never as strings: `...08:00:00Z` and `...08:00:00.000Z` are the same instant,
  // and every wait this returns must lie strictly in the future (the workflow's loop would otherwise not advance).
  const t = Date.parse(now);
  const reminder = reminders.find((r) => t < Date.parse(r.at));
  if (reminder) return { kind: 'reminder', reminder };
  const { startsAt, durationMinutes } = session.plan;
  if (t < Date.parse(startsAt)) return { kind: 'start', at: startsAt };
  const endsAt = new Date(Date.parse(startsAt) + durationMinutes * 60_000).toISOString();
  if (t < Date.parse(endsAt)) return { kind: 'end', at: endsAt };
  return c.phase === 'recording' ? { kind: 'decisions' } : { kind: 'held' };
}

/**
 * Whether a wait that began in state `before` is to be cut short: the session changed (convened, rescheduled or
 * cancelled: its sequence grew), a report version is wanted, the cycle is closing, or the decisions are stored.
 */
export const woken = (before: Cycle, c: Cycle): boolean =>
  c.session?.sequence !== before.session?.sequence ||
  c.recompileWanted ||
  c.closeRequested ||
  c.decisions !== undefined;

/** The cycle as the `state` query and the API show it. */
export function snapshot(
  c: Cycle,
  ids: { mechanismId: string; quarter: string },
  followUps: FollowUp[] = [],
): CycleState {
  const { session } = c;
  return {
    ...ids,
    phase: c.phase,
    waitingFor: c.waitingFor,
    openedAt: c.openedAt,
    timing: c.timing,
    opensAt: c.opensAt,
    dueDate: c.dates?.dueDate,
    cutoffAt: c.dates?.cutoffAt,
    proposedSessionAt: c.dates?.proposedSessionAt,
    reportVersion: c.reportVersion,
    session: session && { sequence: session.sequence, startsAt: session.plan.startsAt, status: session.status },
    projects: [...c.projects].map(([projectId, p]) => ({ projectId, ...p })),
    actionItemIds: c.actionItemIds,
    ...(followUps.length > 0 && { followUps }),
  };
}

/** What the Temporal UI shows as the cycle's current details (markdown); `next`: what comes next, in words. */
export function details(c: Cycle, next?: string): string {
  const counts: Record<string, number> = {};
  for (const p of c.projects.values()) counts[p.state] = (counts[p.state] ?? 0) + 1;
  const { session } = c;
  return [
    `**Phase:** ${c.phase}`,
    `**Waiting for:** ${c.waitingFor}`,
    next ? `**Next:** ${next}` : '',
    c.projects.size
      ? `**Updates:** ${Object.entries(counts)
          .map(([s, n]) => `${n} ${s}`)
          .join(', ')}`
      : '',
    c.reportVersion ? `**Report:** version ${c.reportVersion}` : '',
    session ? `**Session:** ${session.status} for ${session.plan.startsAt} (sequence ${session.sequence})` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
}
