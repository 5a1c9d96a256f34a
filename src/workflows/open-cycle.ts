/**
 * openCycle: what a mechanism's Temporal Schedule runs. A schedule appends its fire time to the workflow ids it
 * starts, so it cannot start `cycle:<mechanism>:<quarter>` itself; this small workflow derives the quarter from
 * the scheduled start time (so a backfill opens the right quarter) and starts that cycle, which is refused by the
 * server when it already exists: whoever opens a quarter first, there is one cycle.
 */
import { ParentClosePolicy, startChild, workflowInfo } from '@temporalio/workflow';
import {
  defineSearchAttributeKey,
  SearchAttributeType,
  WorkflowExecutionAlreadyStartedError,
} from '@temporalio/common';
import { quarterOf } from '../domain/quarter';
import { cycleStartOptions } from '../temporal/cycle-start';
import { cycleWorkflowId } from '../temporal/ids';
import { quarterlyCycle } from './quarterly-cycle';

/** Set by the server on workflows a schedule starts. */
const ScheduledStartTime = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

/** The mechanism to open, and its zone (the quarter is read in mechanism time). */
export interface OpenCycleInput {
  mechanismId: string;
  timeZone: string;
}

/** Which cycle was meant, and whether this run started it (false: it already existed). */
export interface OpenCycleResult {
  workflowId: string;
  quarter: string;
  started: boolean;
}

/** Opens the cycle of the quarter the schedule fired for, exactly once. */
export async function openCycle(input: OpenCycleInput): Promise<OpenCycleResult> {
  const info = workflowInfo();
  // Started by hand (no schedule), the quarter is the one of the start instant.
  const firedAt = info.typedSearchAttributes.get(ScheduledStartTime)?.toISOString() ?? info.startTime.toISOString();
  const quarter = quarterOf(firedAt, input.timeZone);
  const workflowId = cycleWorkflowId(input.mechanismId, quarter);
  try {
    await startChild(quarterlyCycle, {
      ...cycleStartOptions(input.mechanismId, quarter),
      args: [{ mechanismId: input.mechanismId, quarter, scheduled: true }],
      // The cycle lives on after this launcher ends; one cycle per quarter, for ever.
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
    return { workflowId, quarter, started: true };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, quarter, started: false };
    throw err;
  }
}
