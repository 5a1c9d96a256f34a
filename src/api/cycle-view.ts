/**
 * One cycle as the API and the pages show it: the live workflow state when the cycle runs, merged with the
 * store's per-project rows (owner, last and next send); the store alone once the workflow is gone.
 */
import type { CyclePhase, SubmissionState } from '../domain';
import { cycleWorkflowId, updateWorkflowId } from '../temporal/ids';
import type { RouteDeps } from './context';
import { ApiError, notFound } from './errors';

/** One project's line on the cycle page and in `GET .../cycles/{quarter}`. */
export interface CycleProjectView {
  projectId: string;
  state: SubmissionState;
  ownerId?: string;
  revision?: number;
  late?: boolean;
  lastSendAt?: string;
  nextSendAt?: string;
  workflowId: string;
}

/** A cycle as shown: phase, dates, session, projects, and where the data came from. */
export interface CycleView {
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
  session?: { sequence: number; startsAt: string; status: 'scheduled' | 'cancelled' | 'held' };
  projects: CycleProjectView[];
}

/** The cycle, or a 404 naming the mechanism or quarter that does not exist. */
export async function loadCycleView(deps: RouteDeps, mechanismId: string, quarter: string): Promise<CycleView> {
  if (!(await deps.store.mechanisms.get(mechanismId))) throw notFound(`mechanism ${mechanismId}`);
  const [live, record, rows] = await Promise.all([
    deps.cycles.cycleState(mechanismId, quarter),
    deps.store.cycles.get(mechanismId, quarter),
    deps.store.cycles.listProjectStates(mechanismId, quarter),
  ]);
  if (!live && !record) throw notFound(`cycle ${mechanismId} ${quarter}`);
  const byProject = new Map(rows.map((r) => [r.projectId, r]));
  const base = { mechanismId, quarter, workflowId: cycleWorkflowId(mechanismId, quarter) };
  const line = (projectId: string, state: SubmissionState, extra: Partial<CycleProjectView> = {}): CycleProjectView => {
    const r = byProject.get(projectId);
    return {
      projectId,
      state,
      ...(r && { ownerId: r.ownerId }),
      ...(r?.lastSendAt && { lastSendAt: r.lastSendAt }),
      ...(r?.nextSendAt && !['submitted', 'waived', 'missing'].includes(state) && { nextSendAt: r.nextSendAt }),
      ...extra,
      workflowId: updateWorkflowId(mechanismId, quarter, projectId),
    };
  };
  if (live) {
    return {
      ...base,
      phase: live.phase,
      source: 'workflow',
      waitingFor: live.waitingFor,
      ...(live.openedAt && { openedAt: live.openedAt }),
      ...(live.dueDate && { dueDate: live.dueDate }),
      ...(live.cutoffAt && { cutoffAt: live.cutoffAt }),
      reportVersion: live.reportVersion,
      ...(live.session && { session: live.session }),
      projects: live.projects.map((p) => line(p.projectId, p.state, { revision: p.revision, late: p.late })),
    };
  }
  const r = record!;
  return {
    ...base,
    phase: r.phase,
    source: 'store',
    openedAt: r.openedAt,
    ...(r.dueDate && { dueDate: r.dueDate }),
    ...(r.cutoffAt && { cutoffAt: r.cutoffAt }),
    projects: rows.map((p) => line(p.projectId, p.state)),
  };
}

/** Refuses commands on a cycle that is closed (409) or unknown (404); returns the view for convenience. */
export async function requireOpenCycle(deps: RouteDeps, mechanismId: string, quarter: string): Promise<CycleView> {
  const view = await loadCycleView(deps, mechanismId, quarter);
  if (view.phase === 'closed' || view.source === 'store') {
    throw new ApiError(409, 'cycle-closed', `cycle ${mechanismId} ${quarter} is closed: nothing can change any more`);
  }
  return view;
}
