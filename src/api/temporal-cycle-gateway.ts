/**
 * The CycleGateway on a Temporal client. Commands are Temporal updates (`executeUpdate`): the workflow's validator
 * decides, and a refusal comes back as an ApplicationFailure whose type and message we pass on unchanged.
 * (Adapter kept in src/api until src/temporal/cycles.ts offers the same; it only uses public names: workflow ids,
 * search attribute keys and message definitions.)
 */
import {
  ScheduleNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, WorkflowNotFoundError } from '@temporalio/common';
import type { QueryDefinition, UpdateDefinition } from '@temporalio/common';
import { cycleWorkflowId, scheduleId, updateWorkflowId } from '../temporal/ids';
import { CyclePhaseKey, MechanismKey, QuarterKey } from '../temporal/search-attributes';
import * as messages from '../workflows/messages';
import { WorkflowGone, WorkflowRejection, type CycleCommand, type CycleGateway, type ProjectCommand } from './cycle-gateway';

/** Where the gateway finds Temporal and its UI. */
export interface TemporalGatewayOptions {
  client: Client;
  taskQueue: string;
  namespace: string;
  temporalUiUrl: string;
}

const projectDefs: Record<ProjectCommand['name'], UpdateDefinition<unknown, [unknown]>> = {
  submitUpdate: messages.submitUpdate as UpdateDefinition<unknown, [unknown]>,
  requestExtension: messages.requestExtension as UpdateDefinition<unknown, [unknown]>,
  grantExtension: messages.grantExtension as UpdateDefinition<unknown, [unknown]>,
  refuseExtension: messages.refuseExtension as UpdateDefinition<unknown, [unknown]>,
  waive: messages.waive as UpdateDefinition<unknown, [unknown]>,
  reassignOwner: messages.reassignOwner as UpdateDefinition<unknown, [unknown]>,
};
const cycleDefs: Record<CycleCommand['name'], UpdateDefinition<unknown, unknown[]>> = {
  convene: messages.convene as UpdateDefinition<unknown, unknown[]>,
  cancelSession: messages.cancelSession as UpdateDefinition<unknown, unknown[]>,
  recordDecisions: messages.recordDecisions as UpdateDefinition<unknown, unknown[]>,
  close: messages.close as UpdateDefinition<unknown, unknown[]>,
  regenerateReport: messages.regenerateReport as UpdateDefinition<unknown, unknown[]>,
};

// A workflow that finished (or never existed) answers NOT_FOUND; some servers say "already completed" instead.
function isGone(err: unknown): boolean {
  if (err instanceof WorkflowNotFoundError) return true;
  const message = err instanceof Error ? err.message : '';
  return /not found|already completed|workflow execution already completed/i.test(message);
}

function rethrow(err: unknown, workflowId: string): never {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const details = err.cause.details?.[0] as { fields?: { field: string; message: string }[] } | undefined;
    throw new WorkflowRejection(err.cause.type ?? 'Rejected', err.cause.message, details?.fields);
  }
  if (isGone(err)) throw new WorkflowGone(workflowId);
  throw err;
}

/** The gateway on a connected Temporal client. */
export function temporalCycleGateway(options: TemporalGatewayOptions): CycleGateway {
  const { client } = options;
  async function query<T>(workflowId: string, def: QueryDefinition<T>): Promise<T | undefined> {
    try {
      const handle = client.workflow.getHandle(workflowId);
      const description = await handle.describe();
      if (description.status.name !== 'RUNNING') return undefined;
      return await handle.query(def);
    } catch (err) {
      if (isGone(err)) return undefined;
      throw err;
    }
  }
  async function update(workflowId: string, def: UpdateDefinition<unknown, unknown[]>, args: unknown[]): Promise<unknown> {
    try {
      // The definitions are heterogeneous; the workflow validates the arguments it receives.
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return await client.workflow.getHandle(workflowId).executeUpdate(def as never, { args } as never);
    } catch (err) {
      rethrow(err, workflowId);
    }
  }
  return {
    async start(mechanismId, quarter) {
      const workflowId = cycleWorkflowId(mechanismId, quarter);
      try {
        await client.workflow.start('quarterlyCycle', {
          taskQueue: options.taskQueue,
          workflowId,
          args: [{ mechanismId, quarter }],
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          staticSummary: `Quarterly cycle ${mechanismId} ${quarter}`,
          typedSearchAttributes: [
            { key: MechanismKey, value: mechanismId },
            { key: QuarterKey, value: quarter },
            { key: CyclePhaseKey, value: 'collecting' },
          ],
        });
        return { workflowId, started: true };
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, started: false };
        throw err;
      }
    },
    cycleState: (mechanismId, quarter) => query(cycleWorkflowId(mechanismId, quarter), messages.cycleState),
    projectState: (mechanismId, quarter, projectId) => query(updateWorkflowId(mechanismId, quarter, projectId), messages.updateState),
    projectCommand: (mechanismId, quarter, projectId, command) =>
      update(updateWorkflowId(mechanismId, quarter, projectId), projectDefs[command.name], [command.input]),
    cycleCommand: (mechanismId, quarter, command) =>
      update(cycleWorkflowId(mechanismId, quarter), cycleDefs[command.name], command.input === undefined ? [] : [command.input]),
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
    workflowUiUrl: (workflowId) =>
      `${options.temporalUiUrl}/namespaces/${encodeURIComponent(options.namespace)}/workflows/${encodeURIComponent(workflowId)}`,
  };
}
