/**
 * Where the time of a Temporal update goes on the server's clock: from the workflow task that accepted it to the
 * `WorkflowExecutionUpdateCompleted` event, each gap between consecutive events of that workflow is charged to what
 * the later event ended (a workflow task waiting for a worker, running on it, an activity waiting, running...).
 * Read from histories after the fact, so the measured path carries no instrumentation.
 */
import type { temporal } from '@temporalio/proto';
import { tsToMs } from '@temporalio/common/lib/time';

/** One history event as the client returns it. */
export type Event = temporal.api.history.v1.IHistoryEvent;

/** Milliseconds per category, summed over the updates seen, and how many updates that was. */
export interface UpdateTimeline {
  updates: number;
  /** Mean server-side time of one update (accepting workflow task scheduled -> update completed). */
  meanServerMs: number;
  /** Mean milliseconds per update and category. */
  meanMs: Record<string, number>;
  /** Activities, signals and workflow tasks per update (means). */
  perUpdate: { activities: number; workflowTasks: number; signals: number };
}

/** What the gap that ends at event `e` was spent on (`activityType` maps scheduled event ids to activity names). */
export function category(e: Event, activityType: Map<string, string>): string {
  if (e.workflowTaskScheduledEventAttributes) return 'server: between tasks';
  if (e.workflowTaskStartedEventAttributes) return 'workflow task: waiting for the worker';
  if (e.workflowTaskCompletedEventAttributes) return 'workflow task: on the worker';
  if (e.activityTaskScheduledEventAttributes) return 'workflow task: commands recorded';
  if (e.activityTaskStartedEventAttributes) return 'activity: waiting for the worker';
  if (e.activityTaskCompletedEventAttributes) {
    const type = activityType.get(String(e.activityTaskCompletedEventAttributes.scheduledEventId)) ?? '?';
    return `activity: running ${type}`;
  }
  if (e.externalWorkflowExecutionSignaledEventAttributes) return 'signal to the cycle: delivery';
  if (e.workflowExecutionCompletedEventAttributes) return 'workflow task: commands recorded';
  return 'other events';
}

/** The activity type of each scheduled activity, by the id of its scheduled event (what `category` needs). */
export function activityTypes(events: Event[]): Map<string, string> {
  const types = new Map<string, string>();
  for (const e of events) {
    const a = e.activityTaskScheduledEventAttributes;
    if (a) types.set(String(e.eventId), a.activityType?.name ?? '?');
  }
  return types;
}

/** Accumulates the update windows of several histories (one per workflow); `name` keeps only that update's. */
export function updateTimeline(histories: temporal.api.history.v1.IHistory[], name?: string): UpdateTimeline {
  const sums: Record<string, number> = {};
  let updates = 0;
  let serverMs = 0;
  const counts = { activities: 0, workflowTasks: 0, signals: 0 };
  for (const history of histories) {
    const events = history.events ?? [];
    const activityType = activityTypes(events);
    for (let i = 0; i < events.length; i++) {
      const accepted = events[i].workflowExecutionUpdateAcceptedEventAttributes;
      if (!accepted || (name && accepted.acceptedRequest?.input?.name !== name)) continue;
      // The window opens at the workflow task that accepted the update (the last one scheduled before acceptance).
      let start = i;
      while (start > 0 && !events[start].workflowTaskScheduledEventAttributes) start--;
      let end = i + 1;
      while (
        end < events.length &&
        events[end].workflowExecutionUpdateCompletedEventAttributes?.meta?.updateId !== accepted.protocolInstanceId
      ) {
        end++;
      }
      if (end >= events.length) continue; // not completed in this history
      updates++;
      serverMs += tsToMs(events[end].eventTime) - tsToMs(events[start].eventTime);
      for (let k = start + 1; k <= end; k++) {
        const key = category(events[k], activityType);
        sums[key] = (sums[key] ?? 0) + tsToMs(events[k].eventTime) - tsToMs(events[k - 1].eventTime);
        if (events[k].activityTaskScheduledEventAttributes) counts.activities++;
        if (events[k].workflowTaskCompletedEventAttributes) counts.workflowTasks++;
        if (events[k].signalExternalWorkflowExecutionInitiatedEventAttributes) counts.signals++;
      }
    }
  }
  const mean = (v: number) => (updates ? Math.round((v / updates) * 10) / 10 : Number.NaN);
  return {
    updates,
    meanServerMs: mean(serverMs),
    meanMs: Object.fromEntries(
      Object.entries(sums)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => [k, mean(v)]),
    ),
    perUpdate: {
      activities: mean(counts.activities),
      workflowTasks: mean(counts.workflowTasks),
      signals: mean(counts.signals),
    },
  };
}
