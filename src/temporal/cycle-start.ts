/**
 * How a cycle is started, the same from the client (`startCycle`: the API, the CLI) and from the scheduled
 * `openCycle` workflow: its id, reuse policy, summary and search attributes. Deterministic and free of I/O, so the
 * workflow may import it.
 */
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { cycleWorkflowId } from './ids';
import { CyclePhaseKey, MechanismKey, QuarterKey } from './search-attributes';

/** The task queue every worker of this project serves (the default of `TEMPORAL_TASK_QUEUE`). */
export const TASK_QUEUE = 'coordination';

/** The start options of the one cycle of a mechanism's quarter; a second start of the same id is refused. */
export const cycleStartOptions = (mechanismId: string, quarter: string) => ({
  workflowId: cycleWorkflowId(mechanismId, quarter),
  // A closed cycle is history, not a slot to reuse: one cycle per quarter, for ever.
  workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
  staticSummary: `Quarterly cycle ${mechanismId} ${quarter}`,
  typedSearchAttributes: [
    { key: MechanismKey, value: mechanismId },
    { key: QuarterKey, value: quarter },
    { key: CyclePhaseKey, value: 'collecting' },
  ],
});
