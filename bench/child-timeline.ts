/**
 * Where a fan-out child's time goes on the server's clock: from its `WorkflowExecutionStarted` event to the end of
 * its first activity (the product's `recordUpdateState`, the baseline's `noop`), each gap charged to what the later
 * event ended (see update-timeline.ts). Also how long the parent took to start all its children.
 */
import type { temporal } from '@temporalio/proto';
import { tsToMs } from '@temporalio/common/lib/time';
import { activityTypes, category } from './update-timeline';

/** Mean milliseconds per child and category, and the spread of the children's start times. */
export interface ChildTimeline {
  children: number;
  meanToFirstActivityMs: number;
  meanMs: Record<string, number>;
  /** Mean bytes of the child's input payloads (what the parent sent to each child). */
  meanInputBytes: number;
  /** Workflow tasks the child's worker completed up to that point (means). */
  meanWorkflowTasks: number;
}

/** Sums the children's histories. */
export function childTimeline(histories: temporal.api.history.v1.IHistory[]): ChildTimeline {
  const sums: Record<string, number> = {};
  let total = 0;
  let inputBytes = 0;
  let tasks = 0;
  let n = 0;
  for (const history of histories) {
    const events = history.events ?? [];
    const activityType = activityTypes(events);
    const end = events.findIndex((e) => e.activityTaskCompletedEventAttributes);
    if (end < 0) continue;
    n++;
    total += tsToMs(events[end].eventTime) - tsToMs(events[0].eventTime);
    for (const p of events[0].workflowExecutionStartedEventAttributes?.input?.payloads ?? [])
      inputBytes += p.data?.length ?? 0;
    for (let k = 1; k <= end; k++) {
      const key = category(events[k], activityType);
      sums[key] = (sums[key] ?? 0) + tsToMs(events[k].eventTime) - tsToMs(events[k - 1].eventTime);
      if (events[k].workflowTaskCompletedEventAttributes) tasks++;
    }
  }
  const mean = (v: number) => (n ? Math.round((v / n) * 10) / 10 : Number.NaN);
  return {
    children: n,
    meanToFirstActivityMs: mean(total),
    meanMs: Object.fromEntries(
      Object.entries(sums)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => [k, mean(v)]),
    ),
    meanInputBytes: mean(inputBytes),
    meanWorkflowTasks: mean(tasks),
  };
}

/**
 * Server-side span of a parent: first event to the last child-started event, how many workflow tasks it took, and
 * where that time went (milliseconds per category, each gap charged to what the later event ended).
 */
export function parentSpan(history: temporal.api.history.v1.IHistory): {
  toLastChildStartedMs: number;
  workflowTasks: number;
  events: number;
  ms: Record<string, number>;
} {
  const events = history.events ?? [];
  let last = 0;
  events.forEach((e, k) => {
    if (e.childWorkflowExecutionStartedEventAttributes) last = k;
  });
  const tasks = events.slice(0, last + 1).filter((e) => e.workflowTaskCompletedEventAttributes).length;
  const ms: Record<string, number> = {};
  const types = activityTypes(events);
  for (let k = 1; k <= last; k++) {
    const key = category(events[k], types);
    ms[key] = (ms[key] ?? 0) + tsToMs(events[k].eventTime) - tsToMs(events[k - 1].eventTime);
  }
  return {
    toLastChildStartedMs: tsToMs(events[last]?.eventTime) - tsToMs(events[0]?.eventTime),
    workflowTasks: tasks,
    events: events.length,
    ms: Object.fromEntries(
      Object.entries(ms)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => [k, Math.round(v)]),
    ),
  };
}
