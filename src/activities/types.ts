/**
 * The contract between the workflows and the world: every activity the workflows call, with small inputs and
 * results (ids, never documents or long texts). Workflows import these types only and call them through
 * `proxyActivities`; the notifications, documents and store code implement them (`createActivities(deps)`).
 * Every activity must be idempotent: Temporal retries it after a crash, with the same arguments.
 */
import type {
  CyclePhase,
  CyclePolicy,
  Quarter,
  SessionPlan,
  SessionRecord,
  SubmissionInput,
  SubmissionState,
  ActionItemState,
  WorkCalendar,
} from '../domain';

/** One active project as the cycle needs it: ids and the owner's zone, no names or addresses. */
export interface CycleProject {
  projectId: string;
  ownerId: string;
  supervisorId?: string;
  /** IANA zone of the owner (the mechanism's when the contact has none). */
  ownerTimeZone: string;
}

/** An action item still open from an earlier cycle ("matters arising"). */
export interface OpenActionItem {
  actionItemId: string;
  ownerId: string;
  dueDate: string;
  projectIds: string[];
}

/** Everything a cycle needs to run, loaded once when it opens. */
export interface CycleContext {
  mechanismId: string;
  quarter: Quarter;
  timeZone: string;
  /** The mechanism's public holidays, `YYYY-MM-DD`. */
  holidays: string[];
  policy: CyclePolicy;
  projects: CycleProject[];
  openActionItems: OpenActionItem[];
  /** Contact ids of the secretariat officers of every side. */
  secretariatIds: string[];
  /** Contact ids of the co-chairs. */
  chairIds: string[];
  /** The calendars the sides and contacts keep (issue 19; absent in cycles opened before). */
  calendars?: WorkCalendar[];
  /** Contacts whose zone or calendar is not the mechanism's: where they work and which calendar they keep. */
  recipients?: Record<string, { timeZone?: string; calendar?: string }>;
  /** Each side's zone and calendar, for the session date check. */
  sides?: { sideId: string; timeZone: string; calendar?: string }[];
}

/**
 * The email step types are defined once, next to the templates that honour them (src/notifications): the kinds,
 * the request (workflow id + step = the outbox's exactly-once key; contact ids; small params) and the result
 * (per-recipient permanent failures in `undeliverable`; the activity fails with the non-retryable type
 * `Undeliverable` only when no recipient can be written to). Type-only: nothing of notifications is bundled.
 */
import type { NotificationKind, NotificationRequest, NotificationResult } from '../notifications';
export type { NotificationKind, NotificationRequest, NotificationResult };

/** Every activity the workflows call. */
export interface Activities {
  /** Loads the cycle's context from the store: active projects, open action items of earlier cycles, policy. */
  loadCycleContext(input: { mechanismId: string; quarter: Quarter; openedAt: string }): Promise<CycleContext>;
  /** Records the cycle's phase in the store, so a cycle stays visible after Temporal's retention. */
  recordCyclePhase(input: {
    mechanismId: string;
    quarter: Quarter;
    workflowId: string;
    phase: CyclePhase;
    at: string;
    dueDate?: string;
    cutoffAt?: string;
    reportVersion?: number;
  }): Promise<void>;
  /** Records where one project's update stands (idempotent: last write wins per project and cycle). */
  recordUpdateState(input: {
    mechanismId: string;
    quarter: Quarter;
    projectId: string;
    state: SubmissionState;
    ownerId: string;
    dueDate: string;
    lastSendAt?: string;
    nextSendAt?: string;
    /** The workflow's time of the step: an older write than the stored one changes nothing. */
    at?: string;
  }): Promise<void>;
  /** Sends (or stores in the outbox) one logical email, at most once per workflowId + step. */
  sendNotification(input: NotificationRequest): Promise<NotificationResult>;
  /**
   * Withdraws what one email step (the request `sendNotification` was given) has not sent, when its workflow gives the
   * step up (cancelled while the email waited for a retry): its outbox rows become `withdrawn` instead of waiting for
   * ever, and recipients without a row get a withdrawn one. Idempotent.
   */
  withdrawNotification(input: NotificationRequest): Promise<{ withdrawn: number }>;
  /**
   * Stores one submission revision (idempotent per updateId) and returns its revision number: the one given (the
   * workflow numbers the revisions it acknowledges), or the next one when none is given (updates started before).
   */
  recordSubmission(input: {
    workflowId: string;
    updateId: string;
    mechanismId: string;
    quarter: Quarter;
    projectId: string;
    submission: SubmissionInput;
    submittedBy: string;
    receivedAt: string;
    late: boolean;
    revision?: number;
  }): Promise<{ revision: number; late: boolean }>;
  /** Generates and archives one version of the quarterly progress report (idempotent per version). */
  compileReport(input: { mechanismId: string; quarter: Quarter; version: number }): Promise<{ documentIds: string[] }>;
  /** Generates and archives the agenda for one convening of the session. */
  renderAgenda(input: {
    mechanismId: string;
    quarter: Quarter;
    sessionSequence: number;
  }): Promise<{ documentIds: string[] }>;
  /** Generates and archives the minutes from the recorded decisions. */
  renderMinutes(input: { mechanismId: string; quarter: Quarter }): Promise<{ documentIds: string[] }>;
  /** Stores the session plan as convened (sequence grows with every reschedule; the .ics SEQUENCE). */
  recordSession(input: {
    mechanismId: string;
    quarter: Quarter;
    plan: SessionPlan;
    sequence: number;
    status: 'scheduled' | 'cancelled' | 'held';
  }): Promise<void>;
  /** Stores the decisions and action items recorded after the session. */
  recordDecisions(input: { mechanismId: string; quarter: Quarter; record: SessionRecord }): Promise<void>;
  /** Stores where an action item stands; open items reach the next cycle through loadCycleContext. */
  recordActionItemState(input: {
    mechanismId: string;
    actionItemId: string;
    quarter: Quarter;
    state: ActionItemState;
    at: string;
    ownerId: string;
    dueDate: string;
    projectIds: string[];
  }): Promise<void>;
}
