/**
 * One Temporal Schedule per mechanism (`schedule:<mechanism>`) opens its cycles. A calendar spec cannot say "first
 * working day", so the schedule fires on the 1st of the policy's opening month of each quarter at the opening
 * hour in the mechanism's zone; it runs `openCycle`, which reads the quarter from the scheduled time (a backfill
 * opens the right quarter) and starts the cycle, and the cycle waits for the first working day itself.
 */
import {
  MONTHS,
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleOptions,
} from '@temporalio/client';
import type { CyclePolicy } from '../domain';
import { scheduleId } from './ids';
import { TASK_QUEUE } from './cycle-start';
import { MechanismKey } from './search-attributes';

/** The few facts of a mechanism a schedule needs. */
export interface ScheduledMechanism {
  id: string;
  timeZone: string;
  policy: CyclePolicy;
}

/** The schedule's specification and action for a mechanism. */
export function scheduleOptions(mechanism: ScheduledMechanism, taskQueue = TASK_QUEUE): ScheduleOptions {
  const m = mechanism.policy.open.monthOfQuarter;
  return {
    scheduleId: scheduleId(mechanism.id),
    spec: {
      calendars: [
        {
          month: [m, m + 3, m + 6, m + 9].map((n) => MONTHS[n - 1]),
          dayOfMonth: 1,
          hour: mechanism.policy.open.hour,
          minute: 0,
        },
      ],
      timezone: mechanism.timeZone,
    },
    action: {
      type: 'startWorkflow',
      workflowType: 'openCycle',
      // The server appends the fire time to this id; the cycle's own id comes from openCycle.
      workflowId: `open:${mechanism.id}`,
      taskQueue,
      args: [{ mechanismId: mechanism.id, timeZone: mechanism.timeZone }],
      staticSummary: `Opens the quarterly cycle of ${mechanism.id}`,
      typedSearchAttributes: [{ key: MechanismKey, value: mechanism.id }],
    },
    policies: {
      // A worker or server down for a weekend still opens the quarter when it comes back.
      catchupWindow: '7 days',
      overlap: ScheduleOverlapPolicy.ALLOW_ALL,
    },
    memo: { mechanismId: mechanism.id },
  };
}

/** Creates the mechanism's schedule, or brings an existing one up to date; safe to call at every start-up. */
export async function ensureSchedule(
  client: Client,
  mechanism: ScheduledMechanism,
  taskQueue = TASK_QUEUE,
): Promise<'created' | 'updated'> {
  const options = scheduleOptions(mechanism, taskQueue);
  try {
    await client.schedule.create(options);
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(options.scheduleId).update((previous) => ({
      ...previous,
      spec: options.spec,
      action: options.action,
      policies: { ...previous.policies, ...options.policies },
    }));
    return 'updated';
  }
}

/** Stops the schedule opening cycles until resumed (running cycles are not affected). */
export function pauseSchedule(client: Client, mechanismId: string, note = 'paused by the secretariat'): Promise<void> {
  return client.schedule.getHandle(scheduleId(mechanismId)).pause(note);
}

/** Lets the schedule open cycles again. */
export function resumeSchedule(
  client: Client,
  mechanismId: string,
  note = 'resumed by the secretariat',
): Promise<void> {
  return client.schedule.getHandle(scheduleId(mechanismId)).unpause(note);
}

/** Opens the current quarter's cycle now through the schedule (harmless if it is already open). */
export function triggerSchedule(client: Client, mechanismId: string): Promise<void> {
  return client.schedule.getHandle(scheduleId(mechanismId)).trigger(ScheduleOverlapPolicy.ALLOW_ALL);
}
