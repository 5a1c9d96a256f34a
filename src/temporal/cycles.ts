/**
 * Client-side helpers the API and the CLI share to drive cycles: start one (treating "already started" as
 * success and saying which), send updates and map the workflow's answer to accepted / rejected-with-reason,
 * and read state. Exactly one cycle per mechanism and quarter is enforced by the workflow id.
 */
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { settledStates } from '../domain/states';
import type { WorkCalendar } from '../domain/work-calendar';
import { ApplicationFailure } from '@temporalio/common';
import type { UpdateDefinition } from '@temporalio/common';
import {
  changeCalendars,
  cycleState,
  type CycleState,
  updateState,
  type ProjectUpdateState,
} from '../workflows/messages';
import { cycleStartOptions, TASK_QUEUE } from './cycle-start';
import { cycleWorkflowId, updateWorkflowId } from './ids';

export { TASK_QUEUE } from './cycle-start';

/** Whether this call started the cycle (`created`) or found it already there. */
export interface StartCycleResult {
  workflowId: string;
  created: boolean;
}

/** Opens the cycle of a quarter; a second call for the same quarter (from anywhere) finds the first one. */
export async function startCycle(
  client: Client,
  mechanismId: string,
  quarter: string,
  options: { taskQueue?: string } = {},
): Promise<StartCycleResult> {
  const workflowId = cycleWorkflowId(mechanismId, quarter);
  try {
    await client.workflow.start('quarterlyCycle', {
      ...cycleStartOptions(mechanismId, quarter),
      taskQueue: options.taskQueue ?? TASK_QUEUE,
      args: [{ mechanismId, quarter }],
    });
    return { workflowId, created: true };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, created: false };
    throw err;
  }
}

/** An update's answer: accepted with the workflow's result, or rejected with the rule's name and a message. */
export type UpdateOutcome<R> =
  | { accepted: true; result: R }
  | { accepted: false; code: string; message: string; fields?: { field: string; message: string }[] };

/** Sends an update to a workflow and maps a rejection (validator or handler failure) to a reason. */
export function sendUpdate<R, A extends unknown[]>(
  client: Client,
  workflowId: string,
  update: UpdateDefinition<R, A>,
  ...args: A
): Promise<UpdateOutcome<R>> {
  return sendKeyedUpdate(client, workflowId, update, undefined, ...args);
}

// Temporal's executeUpdate has one overload for no argument and one for some: this guard picks it without a cast.
const hasArgs = <A extends unknown[]>(args: A): args is A & [unknown, ...unknown[]] => args.length > 0;

/**
 * {@link sendUpdate} with an update id: Temporal runs an update id at most once per workflow run and answers a
 * repeat with the first outcome, so a request retried with the same key (a double click, a retried HTTP call, the
 * intake forwarder after a lost answer) changes nothing.
 */
export async function sendKeyedUpdate<R, A extends unknown[]>(
  client: Client,
  workflowId: string,
  update: UpdateDefinition<R, A>,
  updateId: string | undefined,
  ...args: A
): Promise<UpdateOutcome<R>> {
  try {
    const handle = client.workflow.getHandle(workflowId);
    const options = updateId ? { updateId } : {};
    const result = hasArgs(args)
      ? await handle.executeUpdate<R, typeof args>(update.name, { ...options, args })
      : await handle.executeUpdate<R, []>(update.name, options);
    return { accepted: true, result };
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      const details = err.cause.details?.[0] as { fields?: { field: string; message: string }[] } | undefined;
      return {
        accepted: false,
        code: err.cause.type ?? 'Rejected',
        message: err.cause.message,
        fields: details?.fields,
      };
    }
    throw err;
  }
}

/** Where a command goes: one project's update when `projectId` is given, otherwise the cycle itself. */
export interface CommandTarget {
  mechanismId: string;
  quarter: string;
  projectId?: string;
}

/** The workflow id of a command's target. */
export const commandWorkflowId = (target: CommandTarget): string =>
  target.projectId === undefined
    ? cycleWorkflowId(target.mechanismId, target.quarter)
    : updateWorkflowId(target.mechanismId, target.quarter, target.projectId);

/**
 * Who sent a command and where its audit entry goes (the store's audit log fits). `note` is kept with the
 * command's input (the CLI's `--reason`).
 */
export interface CommandAudit {
  actor: string;
  log: {
    append(entry: {
      actor: string;
      action: string;
      entityType: string;
      entityId: string;
      details?: unknown;
      at?: Date;
    }): Promise<unknown>;
  };
  now?: () => Date;
  note?: Record<string, unknown>;
}

/** A typed update with its arguments, built by {@link command} so the pair is checked where it is written. */
export interface UpdateCommand<R, A extends unknown[]> {
  update: UpdateDefinition<R, A>;
  args: A;
}

/** Pairs an update definition with arguments of its own type. */
export const command = <R, A extends unknown[]>(update: UpdateDefinition<R, A>, ...args: A): UpdateCommand<R, A> => ({
  update,
  args,
});

/**
 * Sends a command and, when the workflow accepts it, writes its audit entry: the one place an operator's command
 * is audited, whether it came from the API, the pages or the CLI (`update.<name>` for a project's update,
 * `cycle.<name>` for the cycle, with the command's input). `audit: null` is for senders that audit elsewhere
 * (the intake records the submission it forwards) or not at all (the owner's own extension request, which the
 * workflow's history keeps).
 */
export async function sendCommand<R, A extends unknown[]>(
  client: Client,
  target: CommandTarget,
  update: UpdateDefinition<R, A>,
  args: A,
  options: { updateId?: string; audit: CommandAudit | null },
): Promise<UpdateOutcome<R>> {
  const outcome = await sendKeyedUpdate(client, commandWorkflowId(target), update, options.updateId, ...args);
  if (outcome.accepted && options.audit) {
    const { actor, log, now, note } = options.audit;
    const input: unknown = args[0];
    await log.append({
      actor,
      action: `${target.projectId === undefined ? 'cycle' : 'update'}.${update.name}`,
      entityType: 'cycle',
      entityId: [target.mechanismId, target.quarter, target.projectId].filter(Boolean).join('/'),
      details: note ? { ...(typeof input === 'object' && input), ...note } : input,
      ...(now && { at: now() }),
    });
  }
  return outcome;
}

/**
 * The cycle's state (phase, per-project states, session, report version). Unsettled projects get their exact
 * chase state (reminded, overdue, escalated) from their own workflow, a few queries at a time.
 */
export async function queryCycle(client: Client, mechanismId: string, quarter: string): Promise<CycleState> {
  const state = await client.workflow.getHandle(cycleWorkflowId(mechanismId, quarter)).query(cycleState);
  const unsettled = state.projects.filter((p) => !settledStates.includes(p.state));
  for (let i = 0; i < unsettled.length; i += 20) {
    await Promise.all(
      unsettled.slice(i, i + 20).map(async (p) => {
        try {
          p.state = (await queryProjectUpdate(client, mechanismId, quarter, p.projectId)).state;
        } catch {
          // Not started yet or already gone: keep what the cycle knows.
        }
      }),
    );
  }
  return state;
}

/** One project's update state. */
export function queryProjectUpdate(
  client: Client,
  mechanismId: string,
  quarter: string,
  projectId: string,
): Promise<ProjectUpdateState> {
  return client.workflow.getHandle(updateWorkflowId(mechanismId, quarter, projectId)).query(updateState);
}

/**
 * Tells every running cycle of a mechanism that its calendars changed; each re-plans the pending sends of its running
 * updates (what was sent stays sent). Returns the workflow ids told. Cycles no longer running are skipped.
 */
export async function announceCalendars(
  client: Client,
  cycles: { workflowId: string; phase: string }[],
  calendars: WorkCalendar[],
  changedBy: string,
): Promise<string[]> {
  const told: string[] = [];
  for (const cycle of cycles.filter((c) => c.phase !== 'closed')) {
    try {
      await client.workflow.getHandle(cycle.workflowId).signal(changeCalendars, { calendars, changedBy });
      told.push(cycle.workflowId);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }
  return told;
}
