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
import { settledStates, type CyclePhase } from '../domain/states';
import { HEARTBEAT_TIMEOUT } from '../temporal/heartbeat-timing';
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
import { afterAnswer } from './after-answer';
import { documents, notify, store } from './activities';
import { planProjectChase, sessionDateCheck, sessionReminders, type ProjectChase } from './cycle-plan';
import {
  allSettled,
  cancelled,
  closing,
  convened,
  decisionsAccepted,
  decisionsRecorded,
  details,
  enter as enterPhase,
  initialCycle,
  nextReport,
  projectChanged,
  projectsStarted,
  refuseCancel,
  refuseClose,
  refuseConvene,
  refuseDecisions,
  refuseRegenerate,
  sessionHeld,
  sessionStep,
  snapshot,
  waitFor,
  woken,
  type Cycle,
  type Session,
} from './cycle-state';
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
} from './messages';
import { projectUpdate } from './project-update';
import { refuse } from './validation';

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

/** Runs one cycle from opening to close. */
export async function quarterlyCycle(input: QuarterlyCycleInput): Promise<QuarterlyCycleResult> {
  const { mechanismId, quarter } = input;
  const workflowId = workflowInfo().workflowId;
  /** The one state of this cycle; every handler and the main line replace it with what a transition returns. */
  let c: Cycle = initialCycle();
  // Assigned once, after the handlers that read them are installed (they see `undefined` until then).
  let ctx: CycleContext | undefined;
  let calendars: WorkCalendar[] = [];
  let book: CalendarBook | undefined;
  /** What convening, cancelling and recording decisions do after they have answered, in order of acceptance. */
  const followUps = afterAnswer();
  /** Re-plans the running updates after a calendar change; set once the updates are started. */
  // eslint-disable-next-line prefer-const -- assigned once the updates are started; the handler installed before reads it
  let replanRunningUpdates: (() => Promise<void>) | undefined;

  const now = () => new Date(Date.now()).toISOString();
  const showDetails = (next?: string) => setCurrentDetails(details(c, next));
  const enter = async (phase: CyclePhase, what: string) => {
    c = enterPhase(c, phase, what);
    upsertSearchAttributes([{ key: CyclePhaseKey, value: phase }]);
    showDetails();
    await store.recordCyclePhase({
      mechanismId,
      quarter,
      workflowId,
      phase,
      at: now(),
      dueDate: c.dates?.dueDate,
      cutoffAt: c.dates?.cutoffAt,
      reportVersion: c.reportVersion,
    });
  };
  const secretariat = () => ctx?.secretariatIds ?? [];
  const compileNext = async (): Promise<number> => {
    // The version is taken before the await, so concurrent requests compile distinct versions.
    const next = nextReport(c);
    c = next.cycle;
    const { version } = next;
    const { documentIds } = await documents.compileReport.executeWithOptions(
      {
        startToCloseTimeout: '15 minutes',
        heartbeatTimeout: HEARTBEAT_TIMEOUT,
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
  const loadContext = async () => {
    const loaded = await store.loadCycleContext({ mechanismId, quarter, openedAt: now() });
    ctx = loaded;
    calendars = loaded.calendars ?? [];
    book = makeCalendarBook({
      timeZone: loaded.timeZone,
      holidays: loaded.holidays,
      calendars,
      recipients: loaded.recipients ?? {},
    });
    return loaded;
  };

  /**
   * A cycle opened by hand for a quarter that has not begun waits for that quarter's opening day (the schedule's
   * rule) with its dates planned and nothing sent; a cycle for a quarter that is over is a catch-up and says so.
   */
  const waitForQuarter = async (context: CycleContext): Promise<boolean> => {
    const opening = quarterOpening(quarter, now(), context.policy, context.holidays, context.timeZone);
    c = { ...c, timing: opening.timing, opensAt: opening.opensAt };
    if (opening.timing !== 'future') return false;
    c = waitFor(
      { ...c, dates: opening.dates },
      `the opening day of ${quarter} (${opening.opensAt}); nothing is sent before`,
    );
    showDetails(`updates due ${opening.dates.dueDate}`);
    await waitUntil(opening.opensAt, () => c.closeRequested, `until ${quarter} opens`);
    return !c.closeRequested;
  };

  // ---- messages ----
  setHandler(cycleState, () => snapshot(c, { mechanismId, quarter }, followUps.list()));
  setHandler(projectStateChanged, (change) => {
    c = projectChanged(c, change);
    showDetails();
  });
  setHandler(
    convene,
    (request) => {
      const accepted = convened(c, request);
      c = accepted.cycle;
      const { sequence, plan } = accepted.session;
      const check = sessionDateCheck(ctx, calendars, plan.startsAt);
      const attached = c.reportVersion;
      const step = `invitation-s${sequence}`;
      followUps.add(step, async () => {
        await store.recordSession({ mechanismId, quarter, plan, sequence, status: 'scheduled' });
        const agenda = await documents.renderAgenda({ mechanismId, quarter, sessionSequence: sequence });
        await notify(
          {
            workflowId,
            step,
            kind: accepted.kind,
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
              ...(accepted.previousStartsAt !== undefined && { previousStartsAt: accepted.previousStartsAt }),
            },
          },
          secretariat(),
        );
      });
      showDetails();
      return { sequence, startsAt: plan.startsAt };
    },
    {
      validator: (request) =>
        refuse(refuseConvene(c, request, now(), (startsAt) => sessionDateCheck(ctx, calendars, startsAt))),
    },
  );
  setHandler(
    cancelSession,
    () => {
      const accepted = cancelled(c);
      c = accepted.cycle;
      const { sequence, plan } = accepted.session;
      const step = `invitation-cancel-s${sequence}`;
      followUps.add(step, async () => {
        await store.recordSession({ mechanismId, quarter, plan, sequence, status: 'cancelled' });
        await notify(
          {
            workflowId,
            step,
            kind: 'invitation-cancel',
            mechanismId,
            quarter,
            to: [...new Set([...plan.chairs, ...plan.attendees])],
            params: { sequence, startsAt: plan.startsAt },
          },
          secretariat(),
        );
      });
      showDetails();
      return { sequence };
    },
    { validator: () => refuse(refuseCancel(c)) },
  );
  setHandler(
    recordDecisions,
    (input) => {
      // Taken at once: a second record arriving while this one is being stored is refused by the validator.
      const accepted = decisionsAccepted(c, input);
      c = accepted.cycle;
      const { record } = accepted;
      followUps.add('decisions', async () => {
        await store.recordDecisions({ mechanismId, quarter, record });
        // Stored: from here the cycle writes the minutes and starts the action items.
        c = decisionsRecorded(c, record);
      });
      return { actionItemIds: decisionsRecorded(c, record).actionItemIds };
    },
    { validator: (record) => refuse(refuseDecisions(c, record)) },
  );
  setHandler(
    close,
    (_input: { closedBy: string }) => {
      c = closing(c);
    },
    { validator: (_input: { closedBy: string }) => refuse(refuseClose(c)) },
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
    validator: () => refuse(refuseRegenerate(c)),
  });

  // ---- open ----
  upsertSearchAttributes([
    { key: MechanismKey, value: mechanismId },
    { key: QuarterKey, value: quarter },
    { key: CyclePhaseKey, value: c.phase },
  ]);
  showDetails();
  let context = await loadContext();
  if (input.scheduled) {
    // A schedule fires on the 1st of the month; the cycle itself waits for the first working day there.
    const opensAt = cycleOpensAt(quarter, context.policy, context.holidays, context.timeZone);
    c = waitFor(c, `the opening day (${opensAt})`);
    await waitUntil(opensAt, () => c.closeRequested, 'until the first working day of the opening month');
  } else if (await waitForQuarter(context)) {
    // Weeks may have passed: the portfolio, the open action items and the calendars are read again at the opening.
    context = await loadContext();
  }
  const openedAt = now();
  const collection = collectionDates(openedAt, context.policy, context.holidays, context.timeZone);
  c = { ...c, openedAt, dates: collection };
  upsertSearchAttributes([{ key: DueTimeKey, value: new Date(endOfDay(collection.dueDate, context.timeZone)) }]);
  await enter('collecting', `submissions from ${context.projects.length} projects (due ${collection.dueDate})`);

  const openedOn = localDate(openedAt, context.timeZone);
  // One chase plan per owner zone and calendar (and supervisor's), shared by every update it fits.
  const plans = new Map<string, ProjectChase>();
  const planFor = (project: CycleProject): ProjectChase => {
    const current = book as CalendarBook;
    const people = [project.ownerId, ...(project.supervisorId !== undefined ? [project.supervisorId] : [])];
    const key = `${project.ownerTimeZone}|${people.map((id) => JSON.stringify(current.recipients[id] ?? null)).join('|')}|${project.supervisorId !== undefined}`;
    let chase = plans.get(key);
    if (!chase) {
      chase = planProjectChase(current, context, project, openedAt, collection);
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
  for (let i = 0; i < context.projects.length && !c.closeRequested; i += START_BATCH) {
    const batch = context.projects.slice(i, i + START_BATCH);
    c = projectsStarted(
      c,
      batch.map((p) => p.projectId),
    );
    await Promise.all(
      batch.map(async (project) => {
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
                openedAt,
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
      (p) => !settledStates.includes(c.projects.get(p.projectId)?.state ?? 'requested'),
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
  await waitUntil(collection.cutoffAt, () => allSettled(c) || c.closeRequested, 'until collection closes');

  // ---- compile ----
  if (!c.closeRequested) {
    await enter('compiling', 'the progress report');
    await compileNext();
    await enter('convening', `the secretariat to convene the session (proposed ${collection.proposedSessionAt})`);
  }

  // ---- convene, hold, record: each step is what sessionStep() says the state calls for now ----
  for (;;) {
    const before = c;
    const wake = () => woken(before, c);
    // The day-before reminder goes to each group of attendees on their own working day before the session, at the
    // send hour in their zone (one group, the mechanism's, for cycles opened before calendars per side).
    const reminders =
      c.session?.status === 'scheduled'
        ? sessionReminders(
            withCalendars ? (book as CalendarBook) : undefined,
            context,
            c.session.plan,
            c.session.sequence,
          )
        : [];
    const step = sessionStep(c, now(), reminders);
    if (step.kind === 'done') break;
    if (step.kind === 'compile') {
      await compileNext();
    } else if (step.kind === 'convene') {
      c = waitFor(c, `the secretariat to convene the session (proposed ${collection.proposedSessionAt})`);
      showDetails();
      await condition(wake);
    } else if (step.kind === 'reminder') {
      const { sequence, plan } = c.session as Session;
      c = waitFor(c, `the day-before reminder (session ${plan.startsAt})`);
      showDetails(`session reminder at ${step.reminder.at}`);
      if (await waitUntil(step.reminder.at, wake, 'until the day-before session reminder')) continue;
      // Every group due at this instant goes now: once the first is sent the clock has moved past the others'
      // instant, and sessionStep would skip them (two groups of attendees can share a zone's send hour).
      for (const reminder of reminders.filter((r) => Date.parse(r.at) === Date.parse(step.reminder.at))) {
        await notify(
          {
            workflowId,
            step: reminder.step,
            kind: 'session-reminder',
            mechanismId,
            quarter,
            to: reminder.to,
            params: { sequence, startsAt: plan.startsAt },
          },
          secretariat(),
        );
      }
    } else if (step.kind === 'start') {
      c = waitFor(c, `the session on ${step.at}`);
      showDetails();
      await waitUntil(step.at, wake, 'until the session starts');
    } else if (step.kind === 'end') {
      if (c.phase !== 'in-session') await enter('in-session', `the session to end (${step.at})`);
      await waitUntil(step.at, wake, 'until the session ends');
    } else if (step.kind === 'held') {
      c = sessionHeld(c);
      const { plan, sequence } = c.session as Session;
      await store.recordSession({ mechanismId, quarter, plan, sequence, status: 'held' });
      await enter('recording', 'the secretariat to record decisions and action items');
    } else {
      await condition(wake);
    }
  }

  const decisions = c.decisions;
  if (decisions && !c.closeRequested) {
    if (c.phase !== 'recording') await enter('recording', 'the minutes');
    const minutes = await documents.renderMinutes({ mechanismId, quarter });
    const plan = c.session?.plan;
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
  // Invitations and records of commands accepted before the close still go out.
  await condition(() => followUps.idle());
  await condition(allHandlersFinished);
  return { phase: c.phase, reportVersion: c.reportVersion, actionItemIds: c.actionItemIds };
}
