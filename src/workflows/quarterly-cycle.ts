/**
 * quarterlyCycle: one quarter of one mechanism (id `cycle:<mechanism>:<quarter>`), through the phases
 * collecting -> compiling -> convening -> in-session -> recording -> closed (PRODUCT.md section 4).
 *
 * Fan-out: one projectUpdate child per active project, started in batches of {@link START_BATCH}. Children
 * report back by signal only when their state changes (at most about five times each) and are never awaited
 * one by one, so a 1,000-project cycle stays near 2 + 5 events per project, well under Temporal's 10,240-event
 * history limit. Children stay open until the cycle completes; ParentClosePolicy REQUEST_CANCEL then ends them.
 */
import {
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  allHandlersFinished,
  condition,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { CycleContext, CycleProject } from '../activities/types';
// Domain modules one by one, not the index (see action-item.ts).
import { addDays, collectionDates, cycleOpensAt, endOfDay, localDate, localInstant, workingDayOnOrBefore } from '../domain/calendar';
import type { SessionPlan, SessionRecord } from '../domain/session';
import { planReminders, type PlannedSend } from '../domain/reminder-plan';
import { settledStates, type CyclePhase, type SubmissionState } from '../domain/states';
import { actionItemWorkflowId, updateWorkflowId } from '../temporal/ids';
import {
  ActionItemStateKey,
  CyclePhaseKey,
  DueTimeKey,
  MechanismKey,
  ProjectKey,
  QuarterKey,
  SubmissionStateKey,
} from '../temporal/search-attributes';
import { actionItem } from './action-item';
import { documents, notify, store } from './activities';
import {
  cancelSession,
  close,
  convene,
  cycleState,
  projectStateChanged,
  recordDecisions,
  regenerateReport,
  type CycleState,
} from './messages';
import { projectUpdate } from './project-update';
import { schemas } from './schemas';
import { fieldErrors, reject } from './validation';

/** How many children are started at once. */
export const START_BATCH = 50;

/** Which cycle to run; `scheduled` cycles wait for the policy's opening instant (first working day of the month). */
export interface QuarterlyCycleInput {
  mechanismId: string;
  quarter: string;
  scheduled?: boolean;
}

/** What a finished cycle leaves behind: small facts, documents live in the archive. */
export interface QuarterlyCycleResult {
  phase: CyclePhase;
  reportVersion: number;
  actionItemIds: string[];
}

interface Session {
  sequence: number;
  plan: SessionPlan;
  status: 'scheduled' | 'cancelled' | 'held';
}

/** Runs one cycle from opening to close. */
export async function quarterlyCycle(input: QuarterlyCycleInput): Promise<QuarterlyCycleResult> {
  const { mechanismId, quarter } = input;
  const workflowId = workflowInfo().workflowId;
  let phase = 'collecting' as CyclePhase;
  let waitingFor = 'the cycle context to load';
  // Assigned once, after the handlers and queries that read them are installed (they see `undefined` until then).
  /* eslint-disable prefer-const */
  let ctx: CycleContext | undefined;
  let dates: ReturnType<typeof collectionDates> | undefined;
  let openedAt: string | undefined;
  /* eslint-enable prefer-const */
  let reportVersion = 0;
  let recompileWanted = false;
  let closeRequested = false;
  let decisions: SessionRecord | undefined;
  let session: Session | undefined;
  let sessionChanged = false;
  let actionItemIds: string[] = [];
  const projects = new Map<string, { state: SubmissionState; revision: number; late: boolean }>();

  const now = () => new Date(Date.now()).toISOString();
  const snapshot = (): CycleState => ({
    mechanismId,
    quarter,
    phase,
    waitingFor,
    openedAt,
    dueDate: dates?.dueDate,
    cutoffAt: dates?.cutoffAt,
    proposedSessionAt: dates?.proposedSessionAt,
    reportVersion,
    session: session && { sequence: session.sequence, startsAt: session.plan.startsAt, status: session.status },
    projects: [...projects].map(([projectId, p]) => ({ projectId, ...p })),
    actionItemIds,
  });
  const showDetails = (next?: string) => {
    const counts: Record<string, number> = {};
    for (const p of projects.values()) counts[p.state] = (counts[p.state] ?? 0) + 1;
    setCurrentDetails(
      [
        `**Phase:** ${phase}`,
        `**Waiting for:** ${waitingFor}`,
        next ? `**Next:** ${next}` : '',
        projects.size ? `**Updates:** ${Object.entries(counts).map(([s, n]) => `${n} ${s}`).join(', ')}` : '',
        reportVersion ? `**Report:** version ${reportVersion}` : '',
        session ? `**Session:** ${session.status} for ${session.plan.startsAt} (sequence ${session.sequence})` : '',
      ]
        .filter(Boolean)
        .join('\n\n'),
    );
  };
  const enter = async (next: CyclePhase, what: string) => {
    phase = next;
    waitingFor = what;
    upsertSearchAttributes([{ key: CyclePhaseKey, value: phase }]);
    showDetails();
    await store.recordCyclePhase({
      mechanismId,
      quarter,
      workflowId,
      phase,
      at: now(),
      dueDate: dates?.dueDate,
      cutoffAt: dates?.cutoffAt,
      reportVersion,
    });
  };
  const secretariat = () => ctx?.secretariatIds ?? [];
  const compileNext = async (): Promise<number> => {
    // The version is taken before the await, so concurrent requests compile distinct versions.
    const version = ++reportVersion;
    recompileWanted = false;
    const { documentIds } = await documents.compileReport.executeWithOptions(
      { startToCloseTimeout: '15 minutes', retry: { maximumAttempts: 20, maximumInterval: '10 minutes' }, summary: `report version ${version}` },
      [{ mechanismId, quarter, version }],
    );
    await notify(
      { workflowId, step: `report-ready-v${version}`, kind: 'report-ready', mechanismId, quarter, to: secretariat(), params: { version, documentIds } },
      secretariat(),
    );
    showDetails();
    return version;
  };
  /** Waits until `until` (ISO) or until `wake` becomes true; true when woken early. */
  const waitUntil = async (until: string | undefined, wake: () => boolean, summary: string): Promise<boolean> => {
    if (until === undefined) {
      await condition(wake);
      return true;
    }
    const ms = Date.parse(until) - Date.now();
    if (ms <= 0) return wake();
    return condition(wake, ms, { summary });
  };

  // ---- messages ----
  setHandler(cycleState, snapshot);
  setHandler(projectStateChanged, ({ projectId, state, revision, late }) => {
    const before = projects.get(projectId);
    projects.set(projectId, { state, revision, late });
    // A new revision after the report was compiled: the report gets a new version, never a silent overwrite.
    if (reportVersion > 0 && state === 'submitted' && revision > (before?.revision ?? 0) && !decisions && phase !== 'closed') {
      recompileWanted = true;
    }
    showDetails();
  });
  setHandler(
    convene,
    async (request) => {
      const plan = schemas().SessionPlan.parse({ ...request, startsAt: request.startsAt ?? dates?.proposedSessionAt });
      const update = session?.status === 'scheduled';
      const sequence = (session?.sequence ?? 0) + 1;
      session = { sequence, plan, status: 'scheduled' };
      sessionChanged = true;
      await store.recordSession({ mechanismId, quarter, plan, sequence, status: 'scheduled' });
      const agenda = await documents.renderAgenda({ mechanismId, quarter, sessionSequence: sequence });
      await notify(
        {
          workflowId,
          step: `invitation-s${sequence}`,
          kind: update ? 'invitation-update' : 'invitation',
          mechanismId,
          quarter,
          to: [...new Set([...plan.chairs, ...plan.attendees])],
          params: { sequence, startsAt: plan.startsAt, durationMinutes: plan.durationMinutes, agendaDocumentIds: agenda.documentIds, reportVersion },
        },
        secretariat(),
      );
      showDetails();
      return { sequence, startsAt: plan.startsAt };
    },
    {
      validator: (request) => {
        if (phase !== 'convening') reject('WrongPhase', `the session can be convened once the report is compiled and before it starts (the cycle is ${phase})`);
        const parsed = schemas().SessionPlan.safeParse({ ...request, startsAt: request?.startsAt ?? dates?.proposedSessionAt });
        if (!parsed.success) reject('InvalidSession', `the session is not valid: ${fieldErrors(parsed.error).map((f) => `${f.field}: ${f.message}`).join('; ')}`, fieldErrors(parsed.error));
        if (!schemas().isoInstant.safeParse(parsed.data.startsAt).success || Date.parse(parsed.data.startsAt) <= Date.now()) {
          reject('InvalidSession', 'startsAt: the session must start in the future', [{ field: 'startsAt', message: 'must be in the future' }]);
        }
      },
    },
  );
  setHandler(
    cancelSession,
    async () => {
      const current = session as Session;
      const sequence = current.sequence + 1;
      session = { ...current, sequence, status: 'cancelled' };
      sessionChanged = true;
      await store.recordSession({ mechanismId, quarter, plan: current.plan, sequence, status: 'cancelled' });
      await notify(
        {
          workflowId,
          step: `invitation-cancel-s${sequence}`,
          kind: 'invitation-cancel',
          mechanismId,
          quarter,
          to: [...new Set([...current.plan.chairs, ...current.plan.attendees])],
          params: { sequence, startsAt: current.plan.startsAt },
        },
        secretariat(),
      );
      return { sequence };
    },
    {
      validator: () => {
        if (phase !== 'convening' || session?.status !== 'scheduled') reject('WrongPhase', 'there is no convened session to cancel');
      },
    },
  );
  setHandler(
    recordDecisions,
    async (record) => {
      const parsed = schemas().SessionRecord.parse(record);
      await store.recordDecisions({ mechanismId, quarter, record: parsed });
      decisions = parsed;
      actionItemIds = parsed.decisions.flatMap((d) => d.actionItems.map((a) => a.id));
      return { actionItemIds };
    },
    {
      validator: (record) => {
        if (phase !== 'in-session' && phase !== 'recording') reject('WrongPhase', `decisions are recorded once the session has started (the cycle is ${phase})`);
        if (decisions) reject('AlreadyRecorded', 'the decisions of this session are already recorded');
        const parsed = schemas().SessionRecord.safeParse(record);
        if (!parsed.success) reject('InvalidDecisions', `the decisions are not valid: ${fieldErrors(parsed.error).map((f) => `${f.field}: ${f.message}`).join('; ')}`, fieldErrors(parsed.error));
        const ids = parsed.data.decisions.flatMap((d) => d.actionItems.map((a) => a.id));
        if (new Set(ids).size !== ids.length) reject('InvalidDecisions', 'action item ids must be unique', [{ field: 'decisions', message: 'action item ids must be unique' }]);
      },
    },
  );
  setHandler(
    close,
    (_input: { closedBy: string }) => {
      closeRequested = true;
    },
    { validator: (_input: { closedBy: string }) => void (phase === 'closed' && reject('WrongPhase', 'the cycle is already closed')) },
  );
  setHandler(regenerateReport, async () => ({ version: await compileNext() }), {
    validator: () => {
      if (reportVersion === 0) reject('WrongPhase', 'the report has not been compiled yet');
      if (phase === 'closed' || closeRequested) reject('WrongPhase', 'the cycle is closed');
    },
  });

  // ---- open ----
  upsertSearchAttributes([
    { key: MechanismKey, value: mechanismId },
    { key: QuarterKey, value: quarter },
    { key: CyclePhaseKey, value: phase },
  ]);
  showDetails();
  ctx = await store.loadCycleContext({ mechanismId, quarter, openedAt: now() });
  if (input.scheduled) {
    // A schedule fires on the 1st of the month; the cycle itself waits for the first working day there.
    const opensAt = cycleOpensAt(quarter, ctx.policy, ctx.holidays, ctx.timeZone);
    waitingFor = `the opening day (${opensAt})`;
    await waitUntil(opensAt, () => closeRequested, 'until the first working day of the opening month');
  }
  openedAt = now();
  dates = collectionDates(openedAt, ctx.policy, ctx.holidays, ctx.timeZone);
  upsertSearchAttributes([{ key: DueTimeKey, value: new Date(endOfDay(dates.dueDate, ctx.timeZone)) }]);
  await enter('collecting', `submissions from ${ctx.projects.length} projects (due ${dates.dueDate})`);

  const context = ctx;
  const collection = dates;
  const dueEndsAt = endOfDay(collection.dueDate, context.timeZone);
  // One chase plan per owner zone (and with or without a supervisor), shared by every update it fits.
  const plans = new Map<string, PlannedSend[]>();
  const planFor = (project: CycleProject) => {
    const key = `${project.ownerTimeZone}|${project.supervisorId !== undefined}`;
    let plan = plans.get(key);
    if (!plan) {
      plan = planReminders({
        openedAt: openedAt as string,
        dueDate: collection.dueDate,
        policy: context.policy,
        holidays: context.holidays,
        mechanismTimeZone: context.timeZone,
        recipientTimeZone: project.ownerTimeZone,
        includeSupervisor: project.supervisorId !== undefined,
      });
      plans.set(key, plan);
    }
    return plan;
  };
  for (let i = 0; i < context.projects.length && !closeRequested; i += START_BATCH) {
    await Promise.all(
      context.projects.slice(i, i + START_BATCH).map(async (project) => {
        projects.set(project.projectId, { state: 'requested', revision: 0, late: false });
        try {
          await startChild(projectUpdate, {
            workflowId: updateWorkflowId(mechanismId, quarter, project.projectId),
            parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
            workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
            staticSummary: `Update of ${project.projectId} for ${mechanismId} ${quarter}`,
            typedSearchAttributes: [
              { key: MechanismKey, value: mechanismId },
              { key: QuarterKey, value: quarter },
              { key: ProjectKey, value: project.projectId },
              { key: SubmissionStateKey, value: 'requested' },
              { key: DueTimeKey, value: new Date(dueEndsAt) },
            ],
            args: [
              {
                ...project,
                mechanismId,
                quarter,
                cycleWorkflowId: workflowId,
                openedAt: openedAt as string,
                dueDate: collection.dueDate,
                cutoffAt: collection.cutoffAt,
                timeZone: context.timeZone,
                holidays: context.holidays,
                policy: context.policy,
                secretariatIds: context.secretariatIds,
                openActionItemIds: context.openActionItems.filter((a) => a.ownerId === project.ownerId).map((a) => a.actionItemId),
                plan: planFor(project),
                dueEndsAt,
              },
            ],
          });
        } catch (err) {
          // Already running (this cycle was reset or replayed onto a new run): the existing child carries on.
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        }
      }),
    );
  }
  showDetails(`collection closes ${collection.cutoffAt}`);
  const allSettled = () => [...projects.values()].every((p) => settledStates.includes(p.state));
  await waitUntil(collection.cutoffAt, () => allSettled() || closeRequested, 'until collection closes');

  // ---- compile ----
  if (!closeRequested) {
    await enter('compiling', 'the progress report');
    await compileNext();
    await enter('convening', `the secretariat to convene the session (proposed ${collection.proposedSessionAt})`);
  }

  // ---- convene, hold, record ----
  while (!closeRequested && !decisions) {
    if (recompileWanted) {
      await compileNext();
      continue;
    }
    sessionChanged = false;
    const woken = () => sessionChanged || recompileWanted || closeRequested || decisions !== undefined;
    if (!session || session.status === 'cancelled') {
      waitingFor = `the secretariat to convene the session (proposed ${collection.proposedSessionAt})`;
      showDetails();
      await condition(woken);
      continue;
    }
    const startsAt = session.plan.startsAt;
    const endsAt = new Date(Date.parse(startsAt) + session.plan.durationMinutes * 60_000).toISOString();
    const sequence = session.sequence;
    const reminderAt = localInstant(
      workingDayOnOrBefore(addDays(localDate(startsAt, context.timeZone), -1), context.holidays),
      context.policy.sendHour,
      context.timeZone,
    );
    if (now() < reminderAt) {
      waitingFor = `the day-before reminder (session ${startsAt})`;
      showDetails(`session reminder at ${reminderAt}`);
      if (await waitUntil(reminderAt, woken, 'until the day-before session reminder')) continue;
      await notify(
        {
          workflowId,
          step: `session-reminder-s${sequence}`,
          kind: 'session-reminder',
          mechanismId,
          quarter,
          to: [...new Set([...session.plan.chairs, ...session.plan.attendees])],
          params: { sequence, startsAt },
        },
        secretariat(),
      );
    }
    if (now() < startsAt) {
      waitingFor = `the session on ${startsAt}`;
      showDetails();
      if (await waitUntil(startsAt, woken, 'until the session starts')) continue;
    }
    if (now() < endsAt) {
      if (phase !== 'in-session') await enter('in-session', `the session to end (${endsAt})`);
      if (await waitUntil(endsAt, woken, 'until the session ends')) continue;
    }
    if (phase !== 'recording') {
      session = { ...session, status: 'held' };
      await store.recordSession({ mechanismId, quarter, plan: session.plan, sequence, status: 'held' });
      await enter('recording', 'the secretariat to record decisions and action items');
    }
    await condition(woken);
  }

  if (decisions && !closeRequested) {
    if (phase !== 'recording') await enter('recording', 'the minutes');
    const minutes = await documents.renderMinutes({ mechanismId, quarter });
    const plan = session?.plan;
    await notify(
      {
        workflowId,
        step: 'minutes',
        kind: 'minutes',
        mechanismId,
        quarter,
        to: [...new Set([...(plan?.chairs ?? []), ...(plan?.attendees ?? []), ...context.secretariatIds])],
        params: { documentIds: minutes.documentIds },
      },
      context.secretariatIds,
    );
    const items = decisions.decisions.flatMap((d) => d.actionItems);
    for (let i = 0; i < items.length; i += START_BATCH) {
      await Promise.all(
        items.slice(i, i + START_BATCH).map(async (item) => {
          try {
            await startChild(actionItem, {
              workflowId: actionItemWorkflowId(mechanismId, item.id),
              // Action items outlive the cycle that created them.
              parentClosePolicy: ParentClosePolicy.ABANDON,
              staticSummary: `Action item ${item.id} of ${mechanismId} ${quarter}`,
              typedSearchAttributes: [
                { key: MechanismKey, value: mechanismId },
                { key: QuarterKey, value: quarter },
                { key: ActionItemStateKey, value: 'open' },
                { key: DueTimeKey, value: new Date(endOfDay(item.dueDate, context.timeZone)) },
              ],
              args: [
                {
                  mechanismId,
                  quarter,
                  actionItemId: item.id,
                  ownerId: item.owner,
                  dueDate: item.dueDate,
                  projectIds: item.projects,
                  timeZone: context.timeZone,
                  holidays: context.holidays,
                  policy: context.policy,
                  secretariatIds: context.secretariatIds,
                },
              ],
            });
          } catch (err) {
            if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
          }
        }),
      );
    }
  }

  await enter('closed', 'nothing: the cycle is closed');
  await condition(allHandlersFinished);
  return { phase, reportVersion, actionItemIds };
}
