/**
 * One cycle as `coord cycle status` shows it: the shared status of src/temporal/cycle-status.ts (the live workflow
 * state merged with the store's rows, or the store alone once Temporal forgot the cycle), the same the API shows.
 * Loaded lazily so `coord --help` does not pay for the Temporal client.
 */
import type { Client } from '@temporalio/client';
import type { Store } from '../store';
import type { CycleStatus } from '../temporal/cycle-status';

export type { CycleStatus, CycleStatusProject } from '../temporal/cycle-status';

/**
 * How long `coord cycle status` waits for the running cycle's own answer before showing the records (Temporal
 * unreachable, or no worker): the command answers within 2 s either way.
 */
const LIVE_WAIT_MS = 1500;

/** The cycle's status, or undefined when neither Temporal nor the records know it. */
export async function loadCycleStatus(
  store: Store,
  client: Client,
  mechanismId: string,
  quarter: string,
): Promise<CycleStatus | undefined> {
  const shared = await import('../temporal/cycle-status');
  // With no worker on the task queue, or Temporal unreachable, the cycle's query never answers: the records (and the
  // intake's pending submissions) are shown instead of a failure.
  return shared.loadCycleStatus(
    {
      live: (signal) => client.withAbortSignal(signal, () => shared.liveCycleState(client, mechanismId, quarter)),
      ...shared.cycleRecords(store),
    },
    mechanismId,
    quarter,
    LIVE_WAIT_MS,
  );
}

/** The live state of a running workflow, or undefined when it is not running (or unknown to Temporal). */
export async function queryIfRunning<T>(
  client: Client,
  workflowId: string,
  query: (handle: ReturnType<Client['workflow']['getHandle']>) => Promise<T>,
): Promise<T | undefined> {
  const shared = await import('../temporal/cycle-status');
  return shared.queryIfRunning(client, workflowId, query);
}
