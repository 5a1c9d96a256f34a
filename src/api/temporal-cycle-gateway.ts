/**
 * The CycleGateway on a Temporal client, through the helpers the CLI uses too (src/temporal/cycles.ts and
 * cycle-status.ts): commands are Temporal updates, and a refusal by the workflow comes back as a
 * WorkflowRejection with the workflow's rule name, message and fields, unchanged.
 */
import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { commandWorkflowId, sendCommand, startCycle } from '../temporal/cycles';
import { isWorkflowGone, liveCycleState, queryIfRunning } from '../temporal/cycle-status';
import { cycleWorkflowId, scheduleId, updateWorkflowId } from '../temporal/ids';
import * as messages from '../workflows/messages';
import { WorkflowGone, WorkflowRejection, type CycleGateway } from './cycle-gateway';
import { isUnavailable, TemporalUnavailable } from './errors';

/**
 * How long a command waits to learn whether Temporal answers at all (one cheap call). A reachable frontend answers in
 * milliseconds; past this the command answers 503 `temporal-unavailable` instead of hanging in the client's retries.
 */
export const TEMPORAL_REACH_MS = 1500;

/** How long a read (a query of a running workflow) may take before it fails. */
const READ_DEADLINE_MS = 10_000;

/**
 * How recently a worker must have polled the task queue to count as running. A worker always has a long poll open
 * (Temporal holds each for up to about a minute when there is no work), so a live worker is seen within this window;
 * a worker that stopped a moment ago is too, until the window passes.
 */
const POLLED_WITHIN_MS = 75_000;

/**
 * How long an answer about the pollers is kept (a busy cycle's pages ask often): small beside POLLED_WITHIN_MS, the
 * time a stopped worker is still counted anyway.
 */
const POLLERS_KEPT_MS = 30_000;

/** gRPC's status for a method the server does not have. */
const GRPC_UNIMPLEMENTED = 12;

/** Where the gateway finds Temporal and its UI; `taskQueue` is `config.TEMPORAL_TASK_QUEUE`. */
export interface TemporalGatewayOptions {
  client: Client;
  taskQueue: string;
  namespace: string;
  temporalUiUrl: string;
}

/** The gateway on a connected Temporal client. */
export function temporalCycleGateway(options: TemporalGatewayOptions): CycleGateway {
  const { client } = options;
  /** Reads end at a deadline, or sooner when their caller aborts: a query that no worker answers must not linger. */
  const read = <T>(fn: () => Promise<T>, signal?: AbortSignal) => {
    const bounded = () => client.withDeadline(Date.now() + READ_DEADLINE_MS, fn);
    return signal ? client.withAbortSignal(signal, bounded) : bounded();
  };
  /** The last answer about the task queue's pollers, kept for POLLERS_KEPT_MS (a busy cycle's page asks often). */
  let polled: { at: number; value: boolean | undefined } | undefined;
  /** Throws TemporalUnavailable (503) when Temporal does not answer within TEMPORAL_REACH_MS: nothing is sent then. */
  async function ensureReachable(): Promise<void> {
    try {
      await client.withDeadline(Date.now() + TEMPORAL_REACH_MS, () => client.workflowService.getSystemInfo({}));
    } catch (err) {
      if (isUnavailable(err)) throw new TemporalUnavailable(err);
      throw err;
    }
  }
  return {
    async start(mechanismId, quarter) {
      await ensureReachable();
      const { workflowId, created } = await startCycle(client, mechanismId, quarter, { taskQueue: options.taskQueue });
      return { workflowId, started: created };
    },
    cycleState: (mechanismId, quarter, signal) => read(() => liveCycleState(client, mechanismId, quarter), signal),
    cyclePhase: async (mechanismId, quarter) =>
      (
        await read(() =>
          queryIfRunning(client, cycleWorkflowId(mechanismId, quarter), (h) => h.query(messages.cycleState)),
        )
      )?.phase,
    projectState: (mechanismId, quarter, projectId, signal) =>
      read(
        () =>
          queryIfRunning(client, updateWorkflowId(mechanismId, quarter, projectId), (h) =>
            h.query(messages.updateState),
          ),
        signal,
      ),
    async send(target, update, args, options) {
      await ensureReachable();
      let outcome;
      try {
        const send = () => sendCommand(client, target, update, args, options);
        outcome = await (options.deadlineMs ? client.withDeadline(Date.now() + options.deadlineMs, send) : send());
      } catch (err) {
        if (isWorkflowGone(err)) throw new WorkflowGone(commandWorkflowId(target));
        throw err;
      }
      if (!outcome.accepted) throw new WorkflowRejection(outcome.code, outcome.message, outcome.fields);
      return outcome.result;
    },
    async schedule(mechanismId) {
      try {
        const d = await client.schedule.getHandle(scheduleId(mechanismId)).describe();
        return {
          scheduleId: d.scheduleId,
          paused: d.state.paused,
          ...(d.state.note && { note: d.state.note }),
          nextActionTimes: d.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString()),
        };
      } catch (err) {
        if (err instanceof ScheduleNotFoundError) return undefined;
        throw err;
      }
    },
    async scheduleAction(mechanismId, action, note) {
      const handle = client.schedule.getHandle(scheduleId(mechanismId));
      try {
        if (action === 'pause') await handle.pause(note);
        else if (action === 'resume') await handle.unpause(note);
        else await handle.trigger();
        return true;
      } catch (err) {
        if (err instanceof ScheduleNotFoundError) return false;
        throw err;
      }
    },
    async workersPolling(signal) {
      if (polled && Date.now() - polled.at < POLLERS_KEPT_MS) return polled.value;
      try {
        const { pollers } = await read(
          () =>
            client.workflowService.describeTaskQueue({
              namespace: options.namespace,
              taskQueue: { name: options.taskQueue },
              taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
            }),
          signal,
        );
        const since = Date.now() - POLLED_WITHIN_MS;
        polled = { at: Date.now(), value: pollers.some((p) => p.lastAccessTime && tsToMs(p.lastAccessTime) >= since) };
      } catch (err) {
        // A server that does not keep track of pollers (the time-skipping test server) cannot tell.
        const e = err as { code?: unknown; cause?: { code?: unknown } };
        if (e.code !== GRPC_UNIMPLEMENTED && e.cause?.code !== GRPC_UNIMPLEMENTED) throw err;
        polled = { at: Date.now(), value: undefined };
      }
      return polled.value;
    },
    workflowUiUrl: (workflowId) =>
      `${options.temporalUiUrl}/namespaces/${encodeURIComponent(options.namespace)}/workflows/${encodeURIComponent(workflowId)}`,
  };
}
