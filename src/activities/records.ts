import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Store, StepKey } from '../store';
import { cycleWorkflowId } from '../temporal/ids';
import { calendarIdOf, type Mechanism } from '../domain';
import type { Activities, CycleContext } from './types';

type RecordActivities = Pick<
  Activities,
  | 'loadCycleContext'
  | 'recordCyclePhase'
  | 'recordUpdateState'
  | 'recordSubmission'
  | 'recordSession'
  | 'recordDecisions'
  | 'recordActionItemState'
>;

/** The workflow asking, so a write can be keyed by (workflow id, step) even when the input does not carry it. */
function callerWorkflowId(fallback: string): string {
  try {
    return Context.current().info.workflowExecution?.workflowId ?? fallback;
  } catch {
    return fallback; // called outside an activity (tests of the glue itself)
  }
}

/** The calendars part of a cycle's context: the mechanism's calendars, who keeps which, and each side's. */
export function calendarsOf(mechanism: Mechanism): Pick<CycleContext, 'calendars' | 'recipients' | 'sides'> {
  const recipients: NonNullable<CycleContext['recipients']> = {};
  for (const c of mechanism.contacts) {
    const calendar = calendarIdOf(mechanism, c);
    const timeZone = c.timeZone !== undefined && c.timeZone !== mechanism.timeZone ? c.timeZone : undefined;
    if (calendar !== undefined || timeZone !== undefined)
      recipients[c.id] = { ...(timeZone && { timeZone }), ...(calendar && { calendar }) };
  }
  return {
    calendars: mechanism.calendars,
    recipients,
    sides: mechanism.sides.map((s) => ({
      sideId: s.id,
      timeZone: s.timeZone ?? mechanism.timeZone,
      ...(s.calendar && { calendar: s.calendar }),
    })),
  };
}

/** Activities that read and write the secretariat's records. Each write is idempotent, so Temporal may retry it. */
export function createRecordActivities(store: Store): RecordActivities {
  return {
    async loadCycleContext({ mechanismId, quarter }): Promise<CycleContext> {
      const mechanism = await store.mechanisms.get(mechanismId);
      // A cycle for a mechanism that does not exist can never succeed: fail the workflow, do not retry forever.
      if (!mechanism) throw ApplicationFailure.nonRetryable(`no mechanism ${mechanismId}`, 'UnknownMechanism');
      const zones = new Map(mechanism.contacts.map((c) => [c.id, c.timeZone ?? mechanism.timeZone]));
      const projects = await store.projects.list(mechanismId, { status: 'active' });
      const open = await store.actionItems.listOpen(mechanismId);
      return {
        mechanismId,
        quarter,
        timeZone: mechanism.timeZone,
        holidays: mechanism.holidays.map((h) => h.date),
        policy: mechanism.policy,
        projects: projects.map((p) => ({
          projectId: p.id,
          ownerId: p.owner,
          ...(p.supervisor && { supervisorId: p.supervisor }),
          ownerTimeZone: zones.get(p.owner) ?? mechanism.timeZone,
        })),
        openActionItems: open
          .filter((a) => a.quarter !== quarter)
          .map((a) => ({ actionItemId: a.id, ownerId: a.owner, dueDate: a.dueDate, projectIds: a.projects })),
        secretariatIds: [...new Set(mechanism.sides.flatMap((s) => s.secretariat))],
        chairIds: mechanism.sides.flatMap((s) => (s.chair ? [s.chair] : [])),
        ...calendarsOf(mechanism),
      };
    },

    async recordCyclePhase({ mechanismId, quarter, workflowId, phase, at, dueDate, cutoffAt }) {
      await store.cycles.open({ mechanismId, quarter, workflowId, openedAt: at, dueDate, cutoffAt });
      if (dueDate !== undefined || cutoffAt !== undefined)
        await store.cycles.setDates(mechanismId, quarter, { dueDate, cutoffAt });
      await store.cycles.setPhase(mechanismId, quarter, phase, at);
    },

    async recordUpdateState({ mechanismId, quarter, projectId, state, ownerId, lastSendAt, nextSendAt, at }) {
      await store.cycles.setProjectState({
        mechanismId,
        quarter,
        projectId,
        state,
        ownerId,
        lastSendAt,
        nextSendAt,
        at,
      });
    },

    async recordSubmission({
      workflowId,
      updateId,
      mechanismId,
      quarter,
      projectId,
      submission,
      submittedBy,
      receivedAt,
      late,
      revision,
    }) {
      return store.submissions.recordSubmission({
        mechanismId,
        quarter,
        projectId,
        // The update validator already parsed it with the domain schema; the store parses again (defaults applied).
        body: submission,
        submittedBy,
        workflowId,
        step: updateId,
        receivedAt,
        late,
        revision,
      });
    },

    async recordSession({ mechanismId, quarter, plan, sequence, status }) {
      const key: StepKey = {
        workflowId: callerWorkflowId(cycleWorkflowId(mechanismId, quarter)),
        step: `session-${sequence}-${status}`,
      };
      if (status === 'cancelled') await store.sessions.cancel(mechanismId, quarter, key);
      else if (status === 'held')
        await store.sessions.recordHeld(mechanismId, quarter, { present: plan.attendees }, key);
      else await store.sessions.schedule(mechanismId, quarter, plan, key);
    },

    async recordDecisions({ mechanismId, quarter, record }) {
      const workflowId = callerWorkflowId(cycleWorkflowId(mechanismId, quarter));
      await store.decisions.record(mechanismId, quarter, record.decisions, { workflowId, step: 'decisions' });
      // Decisions may be recorded for a session convened outside the service (no session row): nothing to mark held then.
      const session = await store.sessions.get(mechanismId, quarter);
      if (!session) return;
      // Attendance not recorded: the invited attendees stand (the minutes need an attendance list).
      const present = record.present.length > 0 ? record.present : [...session.chairs, ...session.attendees];
      await store.sessions.recordHeld(
        mechanismId,
        quarter,
        { present, nextMeeting: record.nextMeeting, notes: record.notes },
        { workflowId, step: 'session-held' },
      );
    },

    async recordActionItemState({ mechanismId, actionItemId, state, at }) {
      const existing = await store.actionItems.get(mechanismId, actionItemId);
      if (!existing)
        throw ApplicationFailure.nonRetryable(`no action item ${mechanismId} ${actionItemId}`, 'UnknownActionItem');
      await store.actionItems.setState(mechanismId, actionItemId, state, at);
    },
  };
}
