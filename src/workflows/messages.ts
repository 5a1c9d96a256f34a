/**
 * Every message the workflows accept, defined once so the API, the CLI and the tests use the same names and
 * types. Updates answer (accepted with a result, or rejected by their validator with a reason, leaving no event
 * in history); signals are fire-and-forget between workflows; queries read state.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CalendarBook } from '../domain/recipients';
import type { SessionRecord } from '../domain/session';
import type { WorkCalendar } from '../domain/work-calendar';
import type { ActionItemState, CyclePhase, SubmissionState } from '../domain/states';
import type { SubmissionInput } from '../domain/submission';
import type { FollowUp } from './after-answer';

// ---- projectUpdate -------------------------------------------------------------------------------------------

/** A submission (or amendment) from the owner, or from the secretariat on their behalf. */
export interface SubmitUpdateInput {
  submission: SubmissionInput;
  /** Contact id of who submitted (the owner, or a secretariat officer). */
  submittedBy: string;
  /**
   * The intake key the submission was recorded under before it reached the workflow (src/api/intake.ts): a second
   * delivery with the same key gets the first receipt and adds no revision. Absent in submissions sent directly.
   */
  key?: string;
  /**
   * The revision the sender's text was based on (0: none yet). A submission based on an older revision than the
   * workflow's latest is refused (`StaleRevision`) instead of silently replacing the newer text. Absent: no check.
   */
  baseRevision?: number;
}
/** The receipt shown to the owner: which revision was stored and whether it was late. */
export interface SubmissionReceipt {
  revision: number;
  late: boolean;
  receivedAt: string;
}
/** Accepts a submission, validated against the domain schema before anything is written to history. */
export const submitUpdate = defineUpdate<SubmissionReceipt, [SubmitUpdateInput]>('submitUpdate');

/** The owner asks for more time. */
export interface ExtensionRequest {
  /** Calendar days after the current due date. */
  days: number;
  requestedBy: string;
}
/** `granted` at once within the policy limit; otherwise `pending` until the secretariat decides. */
export interface ExtensionOutcome {
  outcome: 'granted' | 'pending';
  dueDate: string;
}
/** The owner asks for an extension; auto-granted within the policy limit, otherwise it waits for the secretariat. */
export const requestExtension = defineUpdate<ExtensionOutcome, [ExtensionRequest]>('requestExtension');
/** The secretariat extends the due date (also answers a pending request). */
export const grantExtension = defineUpdate<{ dueDate: string }, [{ dueDate: string; grantedBy: string }]>(
  'grantExtension',
);
/** The secretariat refuses a pending extension request. */
export const refuseExtension = defineUpdate<void, [{ refusedBy: string }]>('refuseExtension');
/** The secretariat waives this quarter's update: nothing more is sent. */
export const waive = defineUpdate<{ state: SubmissionState }, [{ waivedBy: string }]>('waive');
/** The secretariat hands the update to a new owner, who gets the request; the old owner gets nothing more. */
export const reassignOwner = defineUpdate<
  { ownerId: string },
  [{ ownerId: string; ownerTimeZone: string; supervisorId?: string; reassignedBy: string; ownerCalendar?: string }]
>('reassignOwner');
/**
 * The calendars changed while the update runs (a holiday announced late): its pending sends are planned again from
 * now with the new calendars; what was sent stays sent. Sent by the cycle to each of its running updates.
 */
export const replanCalendars = defineSignal<[{ book: CalendarBook }]>('replanCalendars');

/** Where one project's update stands. */
export interface ProjectUpdateState {
  projectId: string;
  state: SubmissionState;
  ownerId: string;
  dueDate: string;
  cutoffAt: string;
  revision: number;
  late: boolean;
  /** Steps already sent, in order. */
  sent: string[];
  nextSend?: { step: string; kind: string; at: string };
  pendingExtensionDays?: number;
}
/** The update's state, for the API and the cycle page. */
export const updateState = defineQuery<ProjectUpdateState>('state');

// ---- quarterlyCycle -----------------------------------------------------------------------------------------

/** How the secretariat convenes (or reschedules) the session; no `startsAt` accepts the proposed date. */
export interface ConveneInput {
  startsAt?: string;
  durationMinutes?: number;
  venue: string;
  chairs: string[];
  attendees: string[];
  /**
   * The secretariat confirms a date that is a holiday (or a weekend) on at least one side: without it such a date
   * is refused, with it the invitation says so.
   */
  holidayConfirmed?: boolean;
}
/** Convenes the session, or reschedules it (the invitation's sequence grows). */
export const convene = defineUpdate<{ sequence: number; startsAt: string }, [ConveneInput]>('convene');
/** Cancels the convened session; the cycle waits to be convened again. */
export const cancelSession = defineUpdate<{ sequence: number }, []>('cancelSession');
/** Records decisions and action items after the session; minutes follow and the cycle closes. */
export const recordDecisions = defineUpdate<{ actionItemIds: string[] }, [SessionRecord | unknown]>('recordDecisions');
/** Closes the cycle now, whatever its phase (open updates stop chasing). */
export const close = defineUpdate<void, [{ closedBy: string }]>('close');
/** Compiles a new version of the report. */
export const regenerateReport = defineUpdate<{ version: number }, []>('regenerateReport');

/** The mechanism's calendars changed (`coord calendar import`, a re-applied mechanism file): running updates re-plan. */
export const changeCalendars = defineSignal<[{ calendars: WorkCalendar[]; changedBy: string }]>('changeCalendars');

/** A child tells its cycle that its state changed (or that a new revision arrived). */
export interface ProjectStateChange {
  projectId: string;
  state: SubmissionState;
  revision: number;
  late: boolean;
}
/** Sent by each projectUpdate to its cycle when it settles (submitted, waived, missing) and on every new revision. */
export const projectStateChanged = defineSignal<[ProjectStateChange]>('projectStateChanged');

/** Where a cycle stands. */
export interface CycleState {
  mechanismId: string;
  quarter: string;
  phase: CyclePhase;
  /** What the cycle waits for now, in words. */
  waitingFor: string;
  openedAt?: string;
  /**
   * `future`: opened before its quarter began, it waits for `opensAt` and sends nothing before; `past`: a catch-up
   * cycle for a quarter that is over. Absent for a cycle of the current quarter (and in cycles started before).
   */
  timing?: 'future' | 'current' | 'past';
  /** When collection starts (or started). */
  opensAt?: string;
  dueDate?: string;
  cutoffAt?: string;
  proposedSessionAt?: string;
  reportVersion: number;
  session?: { sequence: number; startsAt: string; status: 'scheduled' | 'cancelled' | 'held' };
  /**
   * Every project of the cycle. The cycle hears from a project only when it settles, so an unsettled project
   * shows `requested` here; the API, the pages and `coord cycle status` show the chase state the update recorded
   * (mergeCycleStatus in src/temporal/cycle-status.ts), {@link queryCycle} asks each update instead.
   */
  projects: { projectId: string; state: SubmissionState; revision: number; late: boolean }[];
  actionItemIds: string[];
  /**
   * What accepted commands still do, or failed to do, after they answered (recording the session, the agenda, the
   * invitations, storing the decisions); absent when nothing is pending or failed.
   */
  followUps?: FollowUp[];
}
/** The cycle's state, for the API and the cycle page. */
export const cycleState = defineQuery<CycleState>('state');

// ---- actionItem ---------------------------------------------------------------------------------------------

/** Marks the action item done. */
export const completeActionItem = defineUpdate<{ state: ActionItemState }, [{ completedBy: string }]>(
  'completeActionItem',
);
/** Cancels the action item (the secretariat decided it is no longer needed). */
export const cancelActionItem = defineUpdate<{ state: ActionItemState }, [{ cancelledBy: string }]>('cancelActionItem');
/** A submission reported the item done (sent by the projectUpdate that received it). */
export const actionItemDone = defineSignal<[{ reportedBy: string }]>('actionItemDone');
/** Where an action item stands. */
export const actionItemState = defineQuery<{
  actionItemId: string;
  state: ActionItemState;
  dueDate: string;
  sent: string[];
}>('state');
