/**
 * One cycle as the API, the pages and `coord cycle status` show it: the live workflow state while the cycle runs,
 * merged with the store's per-project rows (owner, last and next send, which the activities keep up to date); the
 * store alone once Temporal no longer has the workflow. The one place that merge is written.
 * (Types only from src/store: callers pass their repositories.)
 */
import type { Client } from '@temporalio/client';
import { settledStates, type CyclePhase, type SubmissionState } from '../domain';
import type {
  CycleProjectRecord,
  CycleRecord,
  CycleRepository,
  IntakeRecord,
  IntakeRepository,
  SubmissionRepository,
} from '../store';
import type { OutboxRepository } from '../store/outbox';
import { within } from './bounded';
import { cycleState, type CycleState } from '../workflows/messages';
import { cycleWorkflowId } from './ids';

/** One project's line. */
export interface CycleStatusProject {
  projectId: string;
  state: SubmissionState;
  ownerId?: string;
  revision?: number;
  late?: boolean;
  lastSendAt?: string;
  nextSendAt?: string;
}

/** A submission recorded by the intake but not yet applied by its workflow (the worker or Temporal was away). */
export interface PendingSubmission {
  projectId: string;
  key: string;
  submittedBy: string;
  receivedAt: string;
  attempts: number;
  lastError?: string;
}

/** The intake's pending rows as the status shows them (no submission text: ids, times and the last error). */
export function pendingSubmissions(rows: IntakeRecord[]): PendingSubmission[] {
  return rows.map((r) => ({
    projectId: r.projectId,
    key: r.key,
    submittedBy: r.input.submittedBy,
    receivedAt: r.receivedAt,
    attempts: r.attempts,
    ...(r.lastError && { lastError: r.lastError }),
  }));
}

/** The emails of one of the cycle's steps (`invitation-s1`, `minutes`...): how many went out of how many. */
export interface Delivery {
  step: string;
  total: number;
  sent: number;
  /** Refused by the relay for good (the secretariat has been told who). */
  undeliverable: number;
}

/** The cycle workflow's outbox counts per step, in the steps' order of names. */
export function deliveries(counts: { step: string; status: string; n: number }[]): Delivery[] {
  const bySteps = new Map<string, Delivery>();
  for (const { step, status, n } of counts) {
    const d = bySteps.get(step) ?? { step, total: 0, sent: 0, undeliverable: 0 };
    d.total += n;
    // `stored`: written to a file instead of a relay (development): delivered as far as the product goes.
    if (status === 'sent' || status === 'stored') d.sent += n;
    if (status === 'undeliverable') d.undeliverable += n;
    bySteps.set(step, d);
  }
  return [...bySteps.values()].sort((a, b) => a.step.localeCompare(b.step));
}

/** The cycle: phase, dates, and each project's state; `source` says whether Temporal or the records answered. */
export interface CycleStatus {
  mechanismId: string;
  quarter: string;
  workflowId: string;
  phase: CyclePhase;
  source: 'workflow' | 'store';
  waitingFor?: string;
  openedAt?: string;
  dueDate?: string;
  cutoffAt?: string;
  /** The session date the cycle proposes (live cycles only). */
  proposedSessionAt?: string;
  /** `future`: waits for its quarter's opening day (`opensAt`); `past`: a catch-up cycle (live cycles only). */
  timing?: CycleState['timing'];
  opensAt?: string;
  reportVersion?: number;
  session?: CycleState['session'];
  projects: CycleStatusProject[];
  /** Submissions recorded but not yet applied by their workflow, oldest first. */
  pendingSubmissions?: PendingSubmission[];
  /** What accepted commands still do, or failed to do, after they answered (live cycles only). */
  followUps?: NonNullable<CycleState['followUps']>;
  /** The cycle's own emails per step (invitations, minutes, reminders): sent of total. */
  deliveries?: Delivery[];
  /** The running workflow did not answer within `liveWaitMs` (no worker?): the records answered instead. */
  unanswered?: true;
}

/** True for Temporal's answers meaning "no such (running) workflow": not found, or already completed. */
export function isWorkflowGone(err: unknown): boolean {
  const name = (err as Error)?.name ?? '';
  const message = (err as Error)?.message ?? '';
  return name === 'WorkflowNotFoundError' || /not found|already completed/i.test(message);
}

/** The live state of a running workflow, or undefined when it is not running (or unknown to Temporal). */
export async function queryIfRunning<T>(
  client: Client,
  workflowId: string,
  query: (handle: ReturnType<Client['workflow']['getHandle']>) => Promise<T>,
): Promise<T | undefined> {
  const handle = client.workflow.getHandle(workflowId);
  try {
    const description = await handle.describe();
    if (description.status.name !== 'RUNNING') return undefined;
    return await query(handle);
  } catch (err) {
    if (isWorkflowGone(err)) return undefined;
    throw err;
  }
}

/**
 * The running cycle's own state (phase, session, report version, what its commands still do), or undefined when it
 * is not running: one query of the cycle, none of its projects. Each project's chase state comes from the records
 * (mergeCycleStatus), which its update workflow writes at every step: a 1,000-project cycle is read with one query,
 * not a thousand.
 */
export function liveCycleState(client: Client, mechanismId: string, quarter: string): Promise<CycleState | undefined> {
  return queryIfRunning(client, cycleWorkflowId(mechanismId, quarter), (h) => h.query(cycleState));
}

/** Each project's latest revision in the records, and whether it came after the due date. */
export type RecordedRevision = { projectId: string; revision: number; late: boolean };

/**
 * Merges the live state (when running) with the stored cycle, rows and revisions; undefined when neither knows the
 * cycle.
 */
export function mergeCycleStatus(
  mechanismId: string,
  quarter: string,
  live: CycleState | undefined,
  record: CycleRecord | undefined,
  rows: CycleProjectRecord[],
  revisions: RecordedRevision[] = [],
): CycleStatus | undefined {
  if (!live && !record) return undefined;
  const workflowId = cycleWorkflowId(mechanismId, quarter);
  const byProject = new Map(rows.map((r) => [r.projectId, r]));
  const line = (
    projectId: string,
    state: SubmissionState,
    extra: Partial<CycleStatusProject> = {},
  ): CycleStatusProject => {
    const r = byProject.get(projectId);
    return {
      projectId,
      state,
      ...(r && { ownerId: r.ownerId }),
      ...extra,
      ...(r?.lastSendAt && { lastSendAt: r.lastSendAt }),
      // A settled update sends nothing more, whatever the last recorded plan said.
      ...(r?.nextSendAt && !settledStates.includes(state) && { nextSendAt: r.nextSendAt }),
    };
  };
  if (live) {
    const openedAt = live.openedAt ?? record?.openedAt;
    const dueDate = live.dueDate ?? record?.dueDate;
    const cutoffAt = live.cutoffAt ?? record?.cutoffAt;
    return {
      mechanismId,
      quarter,
      workflowId,
      phase: live.phase,
      source: 'workflow',
      waitingFor: live.waitingFor,
      ...(openedAt && { openedAt }),
      ...(dueDate && { dueDate }),
      ...(cutoffAt && { cutoffAt }),
      ...(live.proposedSessionAt && { proposedSessionAt: live.proposedSessionAt }),
      ...(live.timing && { timing: live.timing }),
      ...(live.opensAt && { opensAt: live.opensAt }),
      reportVersion: live.reportVersion,
      ...(live.session && { session: live.session }),
      ...(live.followUps && { followUps: live.followUps }),
      // The cycle hears of a project only when it settles: a settled state it has is the answer. Before that, the
      // records hold every step of the chase (reminded, overdue, escalated), written by the update at each step, and a
      // settlement written just before the update tells the cycle: the recorded state, when there is one.
      projects: live.projects.map((p) =>
        line(p.projectId, settledStates.includes(p.state) ? p.state : (byProject.get(p.projectId)?.state ?? p.state), {
          revision: p.revision,
          late: p.late,
        }),
      ),
    };
  }
  const r = record!;
  const revisionOf = new Map(revisions.map((v) => [v.projectId, v]));
  return {
    mechanismId,
    quarter,
    workflowId,
    phase: r.phase,
    source: 'store',
    openedAt: r.openedAt,
    ...(r.dueDate && { dueDate: r.dueDate }),
    ...(r.cutoffAt && { cutoffAt: r.cutoffAt }),
    projects: rows.map((p) => {
      const submitted = revisionOf.get(p.projectId);
      return line(p.projectId, p.state, submitted && { revision: submitted.revision, late: submitted.late });
    }),
  };
}

/** A cycle's status as loaded: with the intake's pending submissions and the cycle's own emails. */
export type LoadedCycleStatus = CycleStatus & Required<Pick<CycleStatus, 'pendingSubmissions' | 'deliveries'>>;

/** The repositories a cycle's status is read from (the store's, for the API, the pages and the CLI alike). */
export const cycleRecords = (store: Omit<CycleStatusSources, 'live'>): Omit<CycleStatusSources, 'live'> => ({
  cycles: store.cycles,
  submissions: store.submissions,
  intake: store.intake,
  outbox: store.outbox,
});

/** Where a cycle's status is read from: the running cycle's own answer and the records. */
export interface CycleStatusSources {
  /** The running cycle's state, undefined when it is not running; aborted through `signal` once it is late. */
  live: (signal: AbortSignal) => Promise<CycleState | undefined>;
  cycles: Pick<CycleRepository, 'get' | 'listProjectStates'>;
  submissions: Pick<SubmissionRepository, 'latestRevisions'>;
  intake: Pick<IntakeRepository, 'listForCycle'>;
  outbox: Pick<OutboxRepository, 'countByStep'>;
}

/**
 * The cycle's status from Temporal and the records, or undefined when neither knows it: the one loader of the API,
 * the pages and `coord cycle status`. A running cycle that does not answer within `liveWaitMs` (no worker on the task
 * queue, Temporal unreachable, or a workflow busy with its fan-out) is shown from the records (`source: 'store'`,
 * `unanswered`), and its late query is aborted so that nothing lingers in the client's retries; with `liveWaitMs` 0 it
 * is not asked at all.
 */
export async function loadCycleStatus(
  sources: CycleStatusSources,
  mechanismId: string,
  quarter: string,
  liveWaitMs: number,
): Promise<LoadedCycleStatus | undefined> {
  const [answer, record, rows, revisions, pending, sent] = await Promise.all([
    // No wait at all: the caller knows the cycle is busy, and the records answer without asking it.
    liveWaitMs > 0 ? within(sources.live, liveWaitMs) : { answered: false as const },
    sources.cycles.get(mechanismId, quarter),
    sources.cycles.listProjectStates(mechanismId, quarter),
    sources.submissions.latestRevisions(mechanismId, quarter),
    sources.intake.listForCycle(mechanismId, quarter),
    sources.outbox.countByStep(cycleWorkflowId(mechanismId, quarter)),
  ]);
  const status = mergeCycleStatus(
    mechanismId,
    quarter,
    answer.answered ? answer.value : undefined,
    record,
    rows,
    revisions,
  );
  return (
    status && {
      ...status,
      pendingSubmissions: pendingSubmissions(pending),
      deliveries: deliveries(sent),
      ...(!answer.answered && { unanswered: true as const }),
    }
  );
}
