/**
 * What a workflow's history shows of the worker losing it: workflow tasks that timed out or failed (the retry replays
 * the whole history), and workflow tasks the server put back on the normal task queue after the workflow had been
 * sticky (its worker missed the sticky queue's deadline, or gave the workflow up). A workflow dropped from the
 * worker's cache leaves no trace when the same worker then takes its next task from the sticky queue (the SDK fetches
 * the whole history and replays it on its own), so these counts are a lower bound of the replays.
 */
import { temporal } from '@temporalio/proto';

const { TASK_QUEUE_KIND_NORMAL, TASK_QUEUE_KIND_STICKY } = temporal.api.enums.v1.TaskQueueKind;

/** Events counted over several histories. */
export interface WorkflowTaskTrouble {
  timedOut: number;
  failed: number;
  /** Workflow tasks scheduled on the normal queue after one was scheduled on the sticky queue. */
  backOnNormalQueue: number;
}

/** Sums the workflow tasks that timed out, failed or left the sticky queue in `histories`. */
export function workflowTaskTrouble(histories: temporal.api.history.v1.IHistory[]): WorkflowTaskTrouble {
  const trouble = { timedOut: 0, failed: 0, backOnNormalQueue: 0 };
  for (const history of histories) {
    let sticky = false;
    for (const e of history.events ?? []) {
      if (e.workflowTaskTimedOutEventAttributes) trouble.timedOut++;
      if (e.workflowTaskFailedEventAttributes) trouble.failed++;
      const kind = e.workflowTaskScheduledEventAttributes?.taskQueue?.kind;
      if (kind === TASK_QUEUE_KIND_STICKY) sticky = true;
      if (kind === TASK_QUEUE_KIND_NORMAL && sticky) {
        trouble.backOnNormalQueue++;
        sticky = false;
      }
    }
  }
  return trouble;
}

/** `timed out / failed / back on the normal queue`, e.g. `2 / 0 / 2` (a table cell). */
export const formatTrouble = (t: WorkflowTaskTrouble) => `${t.timedOut} / ${t.failed} / ${t.backOnNormalQueue}`;
