/**
 * One cycle as `coord cycle status` shows it: the live workflow state while the cycle runs, merged with
 * the store's per-project rows (owner, last and next send, which the activities keep up to date); the
 * store alone once Temporal no longer has the workflow. Mirrors what the API's cycle view shows.
 */
import type { Client } from '@temporalio/client';
import type { CyclePhase, SubmissionState } from '../domain';
import type { Store } from '../store';
import type { CycleState } from '../workflows/messages';

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
  reportVersion?: number;
  session?: CycleState['session'];
  projects: CycleStatusProject[];
}

/** True for Temporal's answers meaning "no such (running) workflow": not found, or already completed. */
export function isWorkflowGone(err: unknown): boolean {
  const name = (err as Error)?.name ?? '';
  const message = (err as Error)?.message ?? '';
  return name === 'WorkflowNotFoundError' || /not found|already completed/i.test(message);
}

/** The live state of a running workflow, or undefined when it is not running (or unknown to Temporal). */
export async function queryIfRunning<T>(client: Client, workflowId: string, query: (handle: ReturnType<Client['workflow']['getHandle']>) => Promise<T>): Promise<T | undefined> {
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

/** The cycle's status, or undefined when neither Temporal nor the records know it. */
export async function loadCycleStatus(store: Store, client: Client, mechanismId: string, quarter: string): Promise<CycleStatus | undefined> {
  const [{ cycleWorkflowId }, { queryCycle }, { settledStates }] = await Promise.all([
    import('../temporal/ids'),
    import('../temporal/cycles'),
    import('../domain'),
  ]);
  const workflowId = cycleWorkflowId(mechanismId, quarter);
  const [live, record, rows] = await Promise.all([
    // queryCycle, not the raw query: children tell the cycle only when they settle, the helper asks them for the rest.
    queryIfRunning(client, workflowId, () => queryCycle(client, mechanismId, quarter)),
    store.cycles.get(mechanismId, quarter),
    store.cycles.listProjectStates(mechanismId, quarter),
  ]);
  if (!live && !record) return undefined;
  const byProject = new Map(rows.map((r) => [r.projectId, r]));
  const line = (projectId: string, state: SubmissionState, extra: Partial<CycleStatusProject> = {}): CycleStatusProject => {
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
    return {
      mechanismId,
      quarter,
      workflowId,
      phase: live.phase,
      source: 'workflow',
      waitingFor: live.waitingFor,
      openedAt: live.openedAt ?? record?.openedAt,
      dueDate: live.dueDate ?? record?.dueDate,
      cutoffAt: live.cutoffAt ?? record?.cutoffAt,
      reportVersion: live.reportVersion,
      ...(live.session && { session: live.session }),
      projects: live.projects.map((p) => line(p.projectId, p.state, { revision: p.revision, late: p.late })),
    };
  }
  const r = record!;
  return {
    mechanismId,
    quarter,
    workflowId,
    phase: r.phase,
    source: 'store',
    openedAt: r.openedAt,
    dueDate: r.dueDate,
    cutoffAt: r.cutoffAt,
    projects: rows.map((p) => line(p.projectId, p.state)),
  };
}
