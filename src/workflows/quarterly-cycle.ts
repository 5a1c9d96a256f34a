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
  getExternalWorkflowHandle,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { CycleContext, CycleProject } from '../activities/types';
// Domain modules one by one, not the index (see action-item.ts).
import { addDays, collectionDates, cycleOpensAt, endOfDay, localDate, quarterOpening } from '../domain/calendar';
import { bookFor, makeCalendarBook, recipientCalendar, type CalendarBook } from '../domain/recipients';
import type { WorkCalendar } from '../domain/work-calendar';
import type { SessionPlan, SessionRecord } from '../domain/session';
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
  changeCalendars,
  close,
  convene,
  cycleState,
  projectStateChanged,
  recordDecisions,
  regenerateReport,
  replanCalendars,
  type CycleState,
} from './messages';
import { projectUpdate } from './project-update';
import { schemas } from './schemas';
import { serial } from './serial';
import { fieldErrors, reject } from './validation';
import {
  planProjectChase,
  sessionDateCheck,
  sessionReminders,
  unconfirmedHoliday,
  type ProjectChase,
} from './cycle-plan';

/** How many children are started at once. */
export const START_BATCH = 50;

/** Which cycle to run; `scheduled` cycles wait for the policy's opening instant (first working day of the month). */
export interface QuarterlyCycleInput {
  mechanismId: string;
  quarter: string;
  scheduled?: boolean;
}

/** How far around the opening an update's calendars reach: the chase, extensions and the cut-off fit in it. */
const BOOK_DAYS_BEFORE = 7;
const BOOK_DAYS_AFTER = 240;

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
  /** A `recordDecisions` was accepted (its store write may still be under way). */
  let decisionsTaken = false;
  /** Handlers that await run one at a time, in the order they were accepted. */
  const handlers = serial();
  let session: Session | undefined;
  let sessionChanged = false;
  let actionItemIds: string[] = [];
  let calendars: WorkCalendar[] = [];
  let book: CalendarBook | undefined;
  let timing: CycleState['timing'];
  let opensAt: string | undefined;
  /** Re-plans the running updates after a calendar change; set once the updates are started. */
  // eslint-disable-next-line prefer-const -- assigned once the updates are started; the handler installed before reads it
  let replanRunningUpdates: (() => Promise<void>) | undefined;
  const projects = new Map<string, { state: SubmissionState; revision: number; late: boolean }>();

  const now = () => new Date(Date.now()).toISOString();
  const snapshot = (): CycleState => ({
    mechanismId,
    quarter,
    phase,
    waitingFor,
    openedAt,
    timing,
    opensAt,
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
        projects.size
          ? `**Updates:** ${Object.entries(counts)
              .map(([s, n]) => `${n} ${s}`)
              .join(', ')}`
          : '',
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
      {
        startToCloseTimeout: '15 minutes',
        retry: { maximumAttempts: 20, maximumInterval: '10 minutes' },
        summary: `report version ${version}`,
      },
      [{ mechanismId, quarter, version }],
    );
    await notify(
      {
        workflowId,
        step: `report-ready-v${version}`,
        kind: 'report-ready',
        mechanismId,
        quarter,
        to: secretariat(),
        params: { documentIds },
      },
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

  /**
   * A cycle opened by hand for a quarter that has not begun waits for that quarter's opening day (the schedule's
   * rule) with its dates planned and nothing sent; a cycle for a quarter that is over is a catch-up and says so.
   */
  const waitForQuarter = async (context: CycleContext): Promise<boolean> => {
    const opening = quarterOpening(quarter, now(), context.policy, context.holidays, context.timeZone);
    timing = opening.timing;
    opensAt = opening.opensAt;
    if (opening.timing !== 'future') return false;
    dates = opening.dates;
    waitingFor = `the opening day of ${quarter} (${opening.opensAt}); nothing is sent before`;
    showDetails(`updates due ${opening.dates.dueDate}`);
    await waitUntil(opening.opensAt, () => closeRequested, `until ${quarter} opens`);
    return !closeRequested;
  };

  // ---- messages ----
  setHandler(cycleState, snapshot);
  setHandler(projectStateChanged, ({ projectId, state, revision, late }) => {
    const before = projects.get(projectId);
    projects.set(projectId, { state, revision, late });
    // A new revision after the report was compiled: the report gets a new version, never a silent overwrite.
    if (
      reportVersion > 0 &&
      state === 'submitted' &&
      revision > (before?.revision ?? 0) &&
      !decisions &&
      phase !== 'closed'
    ) {
      recompileWanted = true;
    }
    showDetails();
  });
  setHandler(
    convene,
    async (request) => {
      const plan = schemas().SessionPlan.parse({ ...request, startsAt: request.startsAt ?? dates?.proposedSessionAt });
      const check = sessionDateCheck(ctx, calendars, plan.startsAt);
      const update = session?.status === 'scheduled';
      const sequence = (session?.sequence ?? 0) + 1;
      session = { sequence, plan, status: 'scheduled' };
      sessionChanged = true;
      const attached = reportVersion;
      return handlers.run(async () => {
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
            params: {
              sequence,
              startsAt: plan.startsAt,
              durationMinutes: plan.durationMinutes,
              agendaDocumentIds: agenda.documentIds,
              reportVersion: attached,
              ...(check?.needsConfirmation && { holidayWarnings: check.warnings }),
            },
          },
          secretariat(),
        );
        showDetails();
        return { sequence, startsAt: plan.startsAt };
      });
    },
    {
      validator: (request) => {
        if (phase !== 'convening')
          reject(
            'WrongPhase',
            `the session can be convened once the report is compiled and before it starts (the cycle is ${phase})`,
          );
        const parsed = schemas().SessionPlan.safeParse({
          ...request,
          startsAt: request?.startsAt ?? dates?.proposedSessionAt,
        });
        if (!parsed.success)
          reject(
            'InvalidSession',
            `the session is not valid: ${fieldErrors(parsed.error)
              .map((f) => `${f.field}: ${f.message}`)
              .join('; ')}`,
            fieldErrors(parsed.error),
          );
        if (
          !schemas().isoInstant.safeParse(parsed.data.startsAt).success ||
          Date.parse(parsed.data.startsAt) <= Date.now()
        ) {
          reject('InvalidSession', 'startsAt: the session must start in the future', [
            { field: 'startsAt', message: 'must be in the future' },
          ]);
        }
        const holiday = unconfirmedHoliday(sessionDateCheck(ctx, calendars, parsed.data.startsAt), request);
        if (holiday) reject('HolidayNotConfirmed', holiday, [{ field: 'startsAt', message: holiday }]);
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
      return handlers.run(async () => {
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
      });
    },
    {
      validator: () => {
        if (phase !== 'convening' || session?.status !== 'scheduled')
          reject('WrongPhase', 'there is no convened session to cancel');
      },
    },
  );
  setHandler(
    recordDecisions,
    async (record) => {
      const parsed = schemas().SessionRecord.parse(record);
      // Taken before the store write is awaited: a second record arriving meanwhile is refused by the validator.
      decisionsTaken = true;
      return handlers.run(async () => {
        await store.recordDecisions({ mechanismId, quarter, record: parsed });
        decisions = parsed;
        actionItemIds = parsed.decisions.flatMap((d) => d.actionItems.map((a) => a.id));
        return { actionItemIds };
      });
    },
    {
      validator: (record) => {
        if (phase !== 'in-session' && phase !== 'recording')
          reject('WrongPhase', `decisions are recorded once the session has started (the cycle is ${phase})`);
        if (decisions || decisionsTaken)
          reject('AlreadyRecorded', 'the decisions of this session are already recorded');
        const parsed = schemas().SessionRecord.safeParse(record);
        if (!parsed.success)
          reject(
            'InvalidDecisions',
            `the decisions are not valid: ${fieldErrors(parsed.error)
              .map((f) => `${f.field}: ${f.message}`)
              .join('; ')}`,
            fieldErrors(parsed.error),
          );
        const ids = parsed.data.decisions.flatMap((d) => d.actionItems.map((a) => a.id));
        if (new Set(ids).size !== ids.length)
          reject('InvalidDecisions', 'action item ids must be unique', [
            { field: 'decisions', message: 'action item ids must be unique' },
          ]);
      },
    },
  );
  setHandler(
    close,
    (_input: { closedBy: string }) => {
      closeRequested = true;
    },
    {
      validator: (_input: { closedBy: string }) =>
        void (phase === 'closed' && reject('WrongPhase', 'the cycle is already closed')),
    },
  );
  setHandler(changeCalendars, async ({ calendars: next }) => {
    calendars = next;
    if (!ctx) return;
    book = makeCalendarBook({
      timeZone: ctx.timeZone,
      holidays: ctx.holidays,
      calendars: next,
      recipients: ctx.recipients ?? {},
    });
    await replanRunningUpdates?.();
  });
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
  calendars = ctx.calendars ?? [];
  book = makeCalendarBook({
    timeZone: ctx.timeZone,
    holidays: ctx.holidays,
    calendars,
    recipients: ctx.recipients ?? {},
  });
  if (input.scheduled) {
    // A schedule fires on the 1st of the month; the cycle itself waits for the first working day there.
    const opensAt = cycleOpensAt(quarter, ctx.policy, ctx.holidays, ctx.timeZone);
    waitingFor = `the opening day (${opensAt})`;
    await waitUntil(opensAt, () => closeRequested, 'until the first working day of the opening month');
  } else if (await waitForQuarter(ctx)) {
    // Weeks may have passed: the portfolio, the open action items and the calendars are read again at the opening.
    ctx = await store.loadCycleContext({ mechanismId, quarter, openedAt: now() });
    calendars = ctx.calendars ?? [];
    book = makeCalendarBook({
      timeZone: ctx.timeZone,
      holidays: ctx.holidays,
      calendars,
      recipients: ctx.recipients ?? {},
    });
  }
  openedAt = now();
  dates = collectionDates(openedAt, ctx.policy, ctx.holidays, ctx.timeZone);
  upsertSearchAttributes([{ key: DueTimeKey, value: new Date(endOfDay(dates.dueDate, ctx.timeZone)) }]);
  await enter('collecting', `submissions from ${ctx.projects.length} projects (due ${dates.dueDate})`);

  const context = ctx;
  const collection = dates;
  const openedOn = localDate(openedAt, context.timeZone);
  // One chase plan per owner zone and calendar (and supervisor's), shared by every update it fits.
  const plans = new Map<string, ProjectChase>();
  const planFor = (project: CycleProject): ProjectChase => {
    const current = book as CalendarBook;
    const people = [project.ownerId, ...(project.supervisorId !== undefined ? [project.supervisorId] : [])];
    const key = `${project.ownerTimeZone}|${people.map((id) => JSON.stringify(current.recipients[id] ?? null)).join('|')}|${project.supervisorId !== undefined}`;
    let chase = plans.get(key);
    if (!chase) {
      chase = planProjectChase(current, context, project, openedAt as string, collection);
      plans.set(key, chase);
    }
    return chase;
  };
  /** The calendars one update carries: its owner's, supervisor's and the secretariat's, for the weeks it runs. */
  const bookOf = (project: CycleProject, current: CalendarBook) =>
    bookFor(
      current,
      [
        project.ownerId,
        ...(project.supervisorId !== undefined ? [project.supervisorId] : []),
        ...context.secretariatIds,
      ],
      addDays(openedOn, -BOOK_DAYS_BEFORE),
      addDays(openedOn, BOOK_DAYS_AFTER),
    );
  const withCalendars = context.calendars !== undefined;
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
              { key: DueTimeKey, value: new Date(planFor(project).dueEndsAt) },
            ],
            args: [
              {
                ...project,
                mechanismId,
                quarter,
                cycleWorkflowId: workflowId,
                openedAt: openedAt as string,
                dueDate: planFor(project).dueDate,
                cutoffAt: planFor(project).cutoffAt,
                timeZone: context.timeZone,
                holidays: context.holidays,
                policy: context.policy,
                secretariatIds: context.secretariatIds,
                plan: planFor(project).plan,
                dueEndsAt: planFor(project).dueEndsAt,
                ...(withCalendars && { book: bookOf(project, book as CalendarBook) }),
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
  // A calendar changed while updates run (a holiday announced late): each unsettled update re-plans what is still to
  // come with the new calendars. Settled updates send nothing more, so they are left alone.
  replanRunningUpdates = async () => {
    const current = book as CalendarBook;
    const running = context.projects.filter(
      (p) => !settledStates.includes(projects.get(p.projectId)?.state ?? 'requested'),
    );
    for (let i = 0; i < running.length; i += START_BATCH) {
      await Promise.all(
        running.slice(i, i + START_BATCH).map(async (project) => {
          try {
            await getExternalWorkflowHandle(updateWorkflowId(mechanismId, quarter, project.projectId)).signal(
              replanCalendars,
              { book: bookOf(project, current) },
            );
          } catch {
            // The update has finished meanwhile: nothing left to re-plan.
          }
        }),
      );
    }
  };
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
    // The day-before reminder goes to each group of attendees on their own working day before the session, at the
    // send hour in their zone (one group, the mechanism's, for cycles opened before calendars per side).
    const reminders = sessionReminders(
      withCalendars ? (book as CalendarBook) : undefined,
      context,
      session.plan,
      sequence,
    );
    let interrupted = false;
    for (const reminder of reminders) {
      if (now() >= reminder.at) continue;
      waitingFor = `the day-before reminder (session ${startsAt})`;
      showDetails(`session reminder at ${reminder.at}`);
      if (await waitUntil(reminder.at, woken, 'until the day-before session reminder')) {
        interrupted = true;
        break;
      }
      await notify(
        {
          workflowId,
          step: reminder.step,
          kind: 'session-reminder',
          mechanismId,
          quarter,
          to: reminder.to,
          params: { sequence, startsAt },
        },
        secretariat(),
      );
    }
    if (interrupted) continue;
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
                  ...(withCalendars && { owner: recipientCalendar(book as CalendarBook, item.owner) }),
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
