/**
 * One cycle as the API and the pages show it: the shared status of src/temporal/cycle-status.ts (live workflow
 * state merged with the store's rows, as `coord cycle status` shows it) plus each project's workflow id.
 */
import {
  cycleRecords,
  loadCycleStatus,
  type CycleStatusProject,
  type LoadedCycleStatus,
} from '../temporal/cycle-status';
import { updateWorkflowId } from '../temporal/ids';
import type { RouteDeps } from './context';
import { ApiError, notFound } from './errors';

/**
 * How long the API waits for the running cycle's own answer before using the records: with Temporal or the workers
 * down, `GET .../cycles/{quarter}` answers within 2 s, from the records.
 */
export const CYCLE_READ_WAIT_MS = 1500;

/** One project's line on the cycle page and in `GET .../cycles/{quarter}`: the shared status plus its workflow id. */
export type CycleProjectView = CycleStatusProject & { workflowId: string };

/** A cycle as shown: the shared status (phase, dates, session, source), with each project's workflow id. */
export type CycleView = Omit<LoadedCycleStatus, 'projects'> & { projects: CycleProjectView[] };

/**
 * The cycle, or a 404 naming the mechanism or quarter that does not exist. The running cycle is asked for at most
 * `liveWaitMs`; past that the records answer, marked `unanswered`.
 */
export async function loadCycleView(
  deps: RouteDeps,
  mechanismId: string,
  quarter: string,
  liveWaitMs = CYCLE_READ_WAIT_MS,
): Promise<CycleView> {
  if (!(await deps.store.mechanisms.get(mechanismId))) throw notFound(`mechanism ${mechanismId}`);
  const status = await loadCycleStatus(
    { live: (signal) => deps.cycles.cycleState(mechanismId, quarter, signal), ...cycleRecords(deps.store) },
    mechanismId,
    quarter,
    liveWaitMs,
  );
  if (!status) throw notFound(`cycle ${mechanismId} ${quarter}`);
  return {
    ...status,
    projects: status.projects.map((p) => ({ ...p, workflowId: updateWorkflowId(mechanismId, quarter, p.projectId) })),
  };
}

/**
 * Refuses commands on a cycle that is closed (409) or unknown (404). Cheap on purpose, it runs before every
 * command: the store's cycle record answers (the cycle records each phase it enters), and Temporal is asked only
 * when the store has not heard of the cycle yet (it has just started). A cycle that ended while the store still
 * says it is open is caught by the command itself (409 `not-running`).
 */
export async function requireOpenCycle(deps: RouteDeps, mechanismId: string, quarter: string): Promise<void> {
  if (!(await deps.store.mechanisms.get(mechanismId))) throw notFound(`mechanism ${mechanismId}`);
  const record = await deps.store.cycles.get(mechanismId, quarter);
  const phase = record ? record.phase : await deps.cycles.cyclePhase(mechanismId, quarter);
  if (phase === undefined) throw notFound(`cycle ${mechanismId} ${quarter}`);
  if (phase === 'closed')
    throw new ApiError(409, 'cycle-closed', `cycle ${mechanismId} ${quarter} is closed: nothing can change any more`);
}
