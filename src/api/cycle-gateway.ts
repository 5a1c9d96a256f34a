/**
 * What the API needs from the running workflows, as one small interface: tests and the server pass the Temporal
 * implementation (temporal-cycle-gateway.ts); the routes never touch the Temporal client directly.
 */
import type { UpdateDefinition } from '@temporalio/common';
import type { CommandAudit, CommandTarget } from '../temporal/cycles';
import type { CycleState, ProjectUpdateState } from '../workflows/messages';

export type { CommandAudit, CommandTarget } from '../temporal/cycles';

/** How a command is sent: `updateId` makes a repeat of the same command a no-op that gets the first answer. */
export interface CommandOptions {
  updateId?: string;
  /** Give up waiting for the workflow's answer after this long (the command may still be applied later). */
  deadlineMs?: number;
  /** Who sent it and where its audit entry goes once accepted; null when the sender audits elsewhere (the intake). */
  audit: CommandAudit | null;
}

/** The workflow refused a command: `type` is its rule (`WrongPhase`, `InvalidSession`...), `message` its reason. */
export class WorkflowRejection extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly fields?: { field: string; message: string }[],
  ) {
    super(message);
    this.name = 'WorkflowRejection';
  }
}

/** The workflow is not running (never started, or finished and perhaps gone from Temporal's retention). */
export class WorkflowGone extends Error {
  constructor(readonly workflowId: string) {
    super(`workflow ${workflowId} is not running`);
    this.name = 'WorkflowGone';
  }
}

/** A mechanism's opening schedule as the API shows it. */
export interface ScheduleView {
  scheduleId: string;
  paused: boolean;
  note?: string;
  nextActionTimes: string[];
}

/** The running side of cycles, as the API uses it. */
export interface CycleGateway {
  /** Opens a cycle; `started: false` when it already exists (never a second one). */
  start(mechanismId: string, quarter: string): Promise<{ workflowId: string; started: boolean }>;
  /**
   * The live state of a running cycle, or undefined when the workflow is not running. An aborted `signal` cancels the
   * read (a caller that stopped waiting leaves nothing in flight).
   */
  cycleState(mechanismId: string, quarter: string, signal?: AbortSignal): Promise<CycleState | undefined>;
  /** The running cycle's phase (one query of the cycle, none of its projects), or undefined when it is not running. */
  cyclePhase(mechanismId: string, quarter: string): Promise<CycleState['phase'] | undefined>;
  /** The live state of one project's update, or undefined when its workflow is not running; `signal` as for cycleState. */
  projectState(
    mechanismId: string,
    quarter: string,
    projectId: string,
    signal?: AbortSignal,
  ): Promise<ProjectUpdateState | undefined>;
  /**
   * Sends a typed update to a project's workflow (`target.projectId`) or the cycle's, writes its audit entry when
   * accepted and returns what the workflow decided; throws WorkflowRejection or WorkflowGone. The same `updateId`
   * twice runs the command once (the second call gets the first answer).
   */
  send<R, A extends unknown[]>(
    target: CommandTarget,
    update: UpdateDefinition<R, A>,
    args: A,
    options: CommandOptions,
  ): Promise<R>;
  /** The mechanism's schedule, or undefined when it has none. */
  schedule(mechanismId: string): Promise<ScheduleView | undefined>;
  /** Pauses, resumes or triggers the schedule now; false when it does not exist. */
  scheduleAction(mechanismId: string, action: 'pause' | 'resume' | 'trigger', note?: string): Promise<boolean>;
  /**
   * Whether a worker has polled the cycles' task queue lately: a cycle that does not answer a query at once is then
   * busy (its fan-out), not stranded. Undefined when the server does not keep track of pollers; fails when Temporal
   * cannot be reached. `signal` as for cycleState.
   */
  workersPolling(signal?: AbortSignal): Promise<boolean | undefined>;
  /** Temporal UI address of a workflow, for links from the pages. */
  workflowUiUrl(workflowId: string): string;
}
