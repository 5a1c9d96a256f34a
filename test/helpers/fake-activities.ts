/**
 * In-memory activities for the workflow tests: they record every call in order (with the test server's clock, so
 * a test can check on which day each email went out) and keep just enough state to behave like the store:
 * submission revisions per project, and open action items that reach the next cycle's context.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Activities, CycleContext, CycleProject, NotificationRequest } from '../../src/activities/types';
import { defaultPolicy, type ActionItemState, type CyclePolicy } from '../../src/domain';

/** One recorded activity call. */
export interface RecordedCall {
  name: keyof Activities;
  at: string;
  input: unknown;
}

/** A recorded email step. */
export interface RecordedSend {
  at: string;
  step: string;
  kind: NotificationRequest['kind'];
  to: string[];
  workflowId: string;
  projectId?: string;
  actionItemId?: string;
}

/** How the fake mechanism looks. */
export interface FakeWorld {
  timeZone?: string;
  holidays?: string[];
  policy?: CyclePolicy;
  projects?: CycleProject[];
  secretariatIds?: string[];
  chairIds?: string[];
  /** Contacts whose address bounces: their steps report them undeliverable. */
  undeliverable?: string[];
  /** Calendars per side (issue 19): passed to the cycle as the store would. */
  calendars?: CycleContext['calendars'];
  recipients?: CycleContext['recipients'];
  sides?: CycleContext['sides'];
}

/** The fakes plus what they saw. */
export interface FakeActivities {
  activities: Activities;
  calls: RecordedCall[];
  sends: RecordedSend[];
  /** Sends of one workflow, as `step kind to` lines (the exact sequence a test asserts). */
  sendsOf(workflowId: string): string[];
  actionItems: Map<string, { state: ActionItemState; ownerId: string; dueDate: string; projectIds: string[] }>;
  reportVersions: number[];
}

/** Builds fresh fake activities for one test; `clock` is the test server's time (env.currentTimeMs). */
export function createFakeActivities(world: FakeWorld, clock: () => Promise<number>): FakeActivities {
  const calls: RecordedCall[] = [];
  const sends: RecordedSend[] = [];
  const revisions = new Map<string, number>();
  const byUpdateId = new Map<string, number>();
  const actionItems: FakeActivities['actionItems'] = new Map();
  const reportVersions: number[] = [];
  const undeliverable = new Set(world.undeliverable ?? []);
  const now = async () => new Date(await clock()).toISOString();
  const record = async (name: keyof Activities, input: unknown) => {
    const at = await now();
    calls.push({ name, at, input });
    return at;
  };

  const activities: Activities = {
    async loadCycleContext(input): Promise<CycleContext> {
      await record('loadCycleContext', input);
      return {
        mechanismId: input.mechanismId,
        quarter: input.quarter,
        timeZone: world.timeZone ?? 'Africa/Maseru',
        holidays: world.holidays ?? [],
        policy: world.policy ?? defaultPolicy,
        projects: world.projects ?? [],
        openActionItems: [...actionItems]
          .filter(([, a]) => a.state === 'open' || a.state === 'overdue')
          .map(([actionItemId, a]) => ({
            actionItemId,
            ownerId: a.ownerId,
            dueDate: a.dueDate,
            projectIds: a.projectIds,
          })),
        secretariatIds: world.secretariatIds ?? ['secretariat-ls'],
        chairIds: world.chairIds ?? ['chair-ls'],
        ...(world.calendars && {
          calendars: world.calendars,
          recipients: world.recipients ?? {},
          sides: world.sides ?? [],
        }),
      };
    },
    async recordCyclePhase(input) {
      await record('recordCyclePhase', input);
    },
    async recordUpdateState(input) {
      await record('recordUpdateState', input);
    },
    async sendNotification(input) {
      const at = await record('sendNotification', input);
      const bounced = input.to.filter((c) => undeliverable.has(c));
      if (bounced.length === input.to.length && bounced.length > 0) {
        sends.push({
          at,
          step: input.step,
          kind: input.kind,
          to: [],
          workflowId: input.workflowId,
          projectId: input.projectId,
        });
        throw ApplicationFailure.nonRetryable('no recipient can be written to', 'Undeliverable');
      }
      // The outbox makes a step exactly-once: a retried step is not recorded twice.
      if (!sends.some((s) => s.workflowId === input.workflowId && s.step === input.step)) {
        sends.push({
          at,
          step: input.step,
          kind: input.kind,
          to: input.to.filter((c) => !undeliverable.has(c)),
          workflowId: input.workflowId,
          projectId: input.projectId,
          actionItemId: input.actionItemId,
        });
      }
      return { outcome: 'stored', messageIds: [`<${input.workflowId}/${input.step}@test>`], undeliverable: bounced };
    },
    async withdrawNotification(input) {
      await record('withdrawNotification', input);
      // Fake sends settle at once: nothing is ever left to withdraw.
      return { withdrawn: 0 };
    },
    async recordSubmission(input) {
      await record('recordSubmission', input);
      const known = byUpdateId.get(input.updateId);
      if (known !== undefined) return { revision: known, late: input.late };
      const revision = (revisions.get(input.projectId) ?? 0) + 1;
      revisions.set(input.projectId, revision);
      byUpdateId.set(input.updateId, revision);
      return { revision, late: input.late };
    },
    async compileReport(input) {
      await record('compileReport', input);
      reportVersions.push(input.version);
      return { documentIds: [`report-${input.quarter}-v${input.version}`] };
    },
    async renderAgenda(input) {
      await record('renderAgenda', input);
      return { documentIds: [`agenda-${input.quarter}-s${input.sessionSequence}`] };
    },
    async renderMinutes(input) {
      await record('renderMinutes', input);
      return { documentIds: [`minutes-${input.quarter}`] };
    },
    async recordSession(input) {
      await record('recordSession', input);
    },
    async recordDecisions(input) {
      await record('recordDecisions', input);
    },
    async recordActionItemState(input) {
      await record('recordActionItemState', input);
      actionItems.set(input.actionItemId, {
        state: input.state,
        ownerId: input.ownerId,
        dueDate: input.dueDate,
        projectIds: input.projectIds,
      });
    },
  };

  return {
    activities,
    calls,
    sends,
    sendsOf: (workflowId) =>
      sends.filter((s) => s.workflowId === workflowId).map((s) => `${s.step} ${s.kind} ${s.to.join(',')}`),
    actionItems,
    reportVersions,
  };
}
