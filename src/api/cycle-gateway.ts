/**
 * What the API needs from the running workflows, as one small interface: tests and the server pass the Temporal
 * implementation (temporal-cycle-gateway.ts); the routes never touch the Temporal client directly.
 */
import type {
  ConveneInput,
  CycleState,
  ExtensionOutcome,
  ExtensionRequest,
  ProjectUpdateState,
  SubmissionReceipt,
  SubmitUpdateInput,
} from '../workflows/messages';

/** A command to one project's update workflow (`update:<mechanism>:<quarter>:<project>`). */
export type ProjectCommand =
  | { name: 'submitUpdate'; input: SubmitUpdateInput }
  | { name: 'requestExtension'; input: ExtensionRequest }
  | { name: 'grantExtension'; input: { dueDate: string; grantedBy: string } }
  | { name: 'refuseExtension'; input: { refusedBy: string } }
  | { name: 'waive'; input: { waivedBy: string } }
  | {
      name: 'reassignOwner';
      input: { ownerId: string; ownerTimeZone: string; supervisorId?: string; reassignedBy: string };
    };

/** A command to the cycle workflow (`cycle:<mechanism>:<quarter>`). */
export type CycleCommand =
  | { name: 'convene'; input: ConveneInput }
  | { name: 'cancelSession'; input?: undefined }
  | { name: 'recordDecisions'; input: unknown }
  | { name: 'close'; input: { closedBy: string } }
  | { name: 'regenerateReport'; input?: undefined };

/** How a command is sent: `updateId` makes a repeat of the same command a no-op that gets the first answer. */
export interface CommandOptions {
  updateId?: string;
  /** Give up waiting for the workflow's answer after this long (the command may still be applied later). */
  deadlineMs?: number;
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

/** Results of the commands, by name (what the workflow decided). */
export type ProjectCommandResult =
  SubmissionReceipt | ExtensionOutcome | { dueDate: string } | { state: string } | { ownerId: string } | void;

/** The running side of cycles, as the API uses it. */
export interface CycleGateway {
  /** Opens a cycle; `started: false` when it already exists (never a second one). */
  start(mechanismId: string, quarter: string): Promise<{ workflowId: string; started: boolean }>;
  /** The live state of a running cycle, or undefined when the workflow is not running. */
  cycleState(mechanismId: string, quarter: string): Promise<CycleState | undefined>;
  /** The running cycle's phase (one query of the cycle, none of its projects), or undefined when it is not running. */
  cyclePhase(mechanismId: string, quarter: string): Promise<CycleState['phase'] | undefined>;
  /** The live state of one project's update, or undefined when its workflow is not running. */
  projectState(mechanismId: string, quarter: string, projectId: string): Promise<ProjectUpdateState | undefined>;
  /**
   * Sends an update to a project's workflow and returns what it decided; throws WorkflowRejection or WorkflowGone.
   * The same `updateId` twice runs the command once (the second call gets the first answer).
   */
  projectCommand(
    mechanismId: string,
    quarter: string,
    projectId: string,
    command: ProjectCommand,
    options?: CommandOptions,
  ): Promise<unknown>;
  /** Sends an update to the cycle workflow and returns what it decided; throws WorkflowRejection or WorkflowGone. */
  cycleCommand(mechanismId: string, quarter: string, command: CycleCommand, options?: CommandOptions): Promise<unknown>;
  /** The mechanism's schedule, or undefined when it has none. */
  schedule(mechanismId: string): Promise<ScheduleView | undefined>;
  /** Pauses, resumes or triggers the schedule now; false when it does not exist. */
  scheduleAction(mechanismId: string, action: 'pause' | 'resume' | 'trigger', note?: string): Promise<boolean>;
  /** Temporal UI address of a workflow, for links from the pages. */
  workflowUiUrl(workflowId: string): string;
}
