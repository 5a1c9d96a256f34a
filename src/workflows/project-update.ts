/**
 * projectUpdate: one project's collect-and-chase loop within a cycle (id `update:<mechanism>:<quarter>:<project>`).
 * Sends the request, reminders, overdue notices and escalations per the reminder plan until a submission is
 * accepted, the secretariat waives it, or collection closes (`missing`). It then stays open, silent, until its
 * cycle closes (the cycle starts it with ParentClosePolicy REQUEST_CANCEL), so that amendments before the cut-off
 * and late submissions after it are still accepted and reach the cycle, which compiles a new report version.
 */
import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  currentUpdateInfo,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { CycleProject } from '../activities/types';
// Domain modules one by one, not the index (see action-item.ts).
import { addDays, addWorkingDays, endOfDay } from '../domain/calendar';
import type { CyclePolicy } from '../domain/policy';
import type { SubmissionInput } from '../domain/submission';
import { groupRecipients, recipientCalendar, type CalendarBook } from '../domain/recipients';
import { planReminders, type PlannedSend, type ReminderPlanInput } from '../domain/reminder-plan';
import { settledStates, type SubmissionState } from '../domain/states';
import { actionItemWorkflowId } from '../temporal/ids';
import { DueTimeKey, SubmissionStateKey } from '../temporal/search-attributes';
import { notify, store } from './activities';
import {
  actionItemDone,
  grantExtension,
  projectStateChanged,
  reassignOwner,
  refuseExtension,
  replanCalendars,
  requestExtension,
  submitUpdate,
  updateState,
  waive,
  type ProjectUpdateState,
  type SubmissionReceipt,
} from './messages';
import { schemas } from './schemas';
import { fieldErrors, later, reject } from './validation';

/** What a cycle gives each of its projects: ids, dates and the rules; no personal data. */
export interface ProjectUpdateInput extends CycleProject {
  mechanismId: string;
  quarter: string;
  cycleWorkflowId: string;
  openedAt: string;
  dueDate: string;
  /** When the cycle's collection closes. */
  cutoffAt: string;
  timeZone: string;
  holidays: string[];
  policy: CyclePolicy;
  secretariatIds: string[];
  /** Open action items owned by this owner, listed in the request. */
  openActionItemIds: string[];
  /**
   * The chase the cycle planned for this owner (`planReminders` of the inputs above), and the instant the due
   * date ends: the cycle works them out once per owner zone, so that a new update does not compute time zones
   * in its first task. Absent in updates started before they were passed; the update then plans itself.
   */
  plan?: PlannedSend[];
  dueEndsAt?: string;
  /**
   * Where the owner, the supervisor and the secretariat work and which calendars they keep (issue 19): every send
   * goes out on a working day of its recipient's calendar at the send hour in their zone. Absent in updates started
   * before calendars per side: everybody then keeps the mechanism's holidays, as before.
   */
  book?: CalendarBook;
}

/** The calendars of an update's recipients, for its reminder plan (the mechanism's for everybody without a book). */
function recipientsOfChase(
  book: CalendarBook | undefined,
  who: { ownerId: string; supervisorId?: string; secretariatIds: string[] },
): Pick<ReminderPlanInput, 'ownerCalendar' | 'supervisor' | 'secretariat'> & { ownerTimeZone?: string } {
  if (!book) return {};
  const owner = recipientCalendar(book, who.ownerId);
  return {
    ownerCalendar: owner.calendar,
    ownerTimeZone: owner.timeZone,
    ...(who.supervisorId !== undefined && { supervisor: recipientCalendar(book, who.supervisorId) }),
    secretariat: groupRecipients(book, who.secretariatIds),
  };
}

/** Who gets a planned send: the plan's own recipients when it names them, else the kind's usual ones. */
function recipientsOfSend(send: PlannedSend, who: { ownerId: string; supervisorId?: string; secretariatIds: string[] }): string[] {
  if (send.to) return send.to;
  if (send.kind === 'escalation-secretariat') return who.secretariatIds;
  if (send.kind === 'escalation-supervisor') return [who.supervisorId as string];
  return [who.ownerId];
}

/** Patch: `submitUpdate` answers at once and stores and follows up afterwards (before: all in the handler, first). */
const RECEIPT_FIRST = 'receipt-first';

const stateAfterSend: Record<PlannedSend['kind'], SubmissionState> = {
  request: 'requested',
  reminder: 'reminded',
  overdue: 'overdue',
  'escalation-supervisor': 'escalated',
  'escalation-secretariat': 'escalated',
};

/** Runs one project's update to a settled state and keeps accepting amendments and late answers until the cycle closes. */
export async function projectUpdate(input: ProjectUpdateInput): Promise<ProjectUpdateState> {
  const { mechanismId, quarter, projectId, policy, holidays, timeZone } = input;
  const workflowId = workflowInfo().workflowId;
  let ownerId = input.ownerId;
  let supervisorId = input.supervisorId;
  let ownerTimeZone = input.ownerTimeZone;
  let state: SubmissionState = 'requested';
  let dueDate = input.dueDate;
  let cutoffAt = input.cutoffAt;
  let revision = 0;
  let late = false;
  let generation = 0;
  let replanned = false;
  let autoExtensionDays = 0;
  let pendingExtensionDays: number | undefined;
  let extensionCount = 0;
  const sent: string[] = [];
  let book = input.book;
  const people = () => ({ ownerId, supervisorId, secretariatIds: input.secretariatIds });
  /** The owner's calendar: their side's (due dates of an extension follow it), or the mechanism's. */
  const ownerDays = () => recipientsOfChase(book, people()).ownerCalendar ?? holidays;
  /** The chase for the current owner and due date (`from`: re-planning from that instant). */
  const planChase = (from?: { notBefore: string; includeRequest: boolean }) => {
    const { ownerTimeZone: _zone, ...calendars } = recipientsOfChase(book, people());
    return planReminders({
      openedAt: input.openedAt,
      dueDate,
      policy,
      holidays,
      mechanismTimeZone: timeZone,
      recipientTimeZone: ownerTimeZone,
      includeSupervisor: supervisorId !== undefined,
      ...calendars,
      ...from,
    });
  };
  let plan = input.plan ?? planChase();
  let dueEndsAt = input.dueEndsAt;
  /** When the due date ends (mechanism time); worked out again after an extension. */
  const dueEnd = () => (dueEndsAt ??= endOfDay(dueDate, timeZone));
  // Steps of a re-planned sequence get a suffix so that the outbox key (workflowId + step) stays unique.
  const stepName = (s: PlannedSend) => (generation === 0 ? s.step : `${s.step}.p${generation}`);
  const nextSend = () => plan.find((s) => !sent.includes(stepName(s)) && s.at <= cutoffAt);
  const settled = () => settledStates.includes(state);
  const collectionClosed = () => Date.now() >= Date.parse(cutoffAt);

  const snapshot = (): ProjectUpdateState => {
    const next = settled() ? undefined : nextSend();
    return {
      projectId,
      state,
      ownerId,
      dueDate,
      cutoffAt,
      revision,
      late,
      sent: [...sent],
      nextSend: next && { step: stepName(next), kind: next.kind, at: next.at },
      pendingExtensionDays,
    };
  };
  const showDetails = () => {
    const s = snapshot();
    const waiting = settled()
      ? collectionClosed()
        ? 'nothing (a late submission is still accepted until the cycle closes)'
        : 'nothing (amendments accepted until collection closes)'
      : `the owner's submission, due ${dueDate}`;
    setCurrentDetails(
      [
        `**State:** ${state}${revision ? ` (revision ${revision}${late ? ', late' : ''})` : ''}`,
        `**Waiting for:** ${waiting}`,
        `**Next send:** ${s.nextSend ? `${s.nextSend.step} at ${s.nextSend.at}` : 'none'}`,
        `**Collection closes:** ${cutoffAt}`,
        pendingExtensionDays ? `**Extension requested:** ${pendingExtensionDays} days, waiting for the secretariat` : '',
      ]
        .filter(Boolean)
        .join('\n\n'),
    );
  };

  const showState = () => {
    upsertSearchAttributes([
      { key: SubmissionStateKey, value: state },
      { key: DueTimeKey, value: new Date(dueEnd()) },
    ]);
    showDetails();
  };
  const recordState = () =>
    store.recordUpdateState({
      mechanismId,
      quarter,
      projectId,
      state,
      ownerId,
      dueDate,
      lastSendAt: new Date(Date.now()).toISOString(),
      nextSendAt: settled() ? undefined : nextSend()?.at,
    });
  // Only settled states and new revisions go to the cycle: it needs them to close collection early and to
  // compile new report versions, and fewer signals keep a 1,000-project cycle's history small. The chase
  // states in between are in the store and in this workflow's own `state` query.
  const tellCycle = async () => {
    if (!settled()) return;
    try {
      await getExternalWorkflowHandle(input.cycleWorkflowId).signal(projectStateChanged, { projectId, state, revision, late });
    } catch {
      // The cycle has closed: nobody is waiting for this news any more.
    }
  };
  /** Records a change everywhere an operator or the cycle looks: search attributes, store, the cycle. */
  const report = async () => {
    showState();
    await recordState();
    await tellCycle();
  };

  /** An accepted submission, to be stored and followed up (receipt, action items, store state, the cycle). */
  interface Accepted {
    updateId: string;
    submission: SubmissionInput;
    revision: number;
    late: boolean;
    receivedAt: string;
    submittedBy: string;
    doneActionItemIds: string[];
  }
  const toFollowUp: Accepted[] = [];
  /**
   * Receipts by intake key: the intake forwarder may deliver a recorded submission twice (a lost answer, two web
   * processes); the second delivery gets the first receipt and adds no revision. Kept in memory only: every
   * accepted update is in history, so a replay rebuilds it.
   */
  const receiptsByKey = new Map<string, SubmissionReceipt>();
  const deliveredBefore = (key: string | undefined) => (key === undefined ? undefined : receiptsByKey.get(key));
  let followingUp = false;
  /** What follows an accepted submission once its receipt has gone back to the caller. */
  const followUp = async (a: Accepted) => {
    const { updateId, submission, revision: r, late: l, receivedAt, submittedBy } = a;
    await Promise.all([
      store.recordSubmission({ workflowId, updateId, mechanismId, quarter, projectId, submission, submittedBy, receivedAt, late: l, revision: r }),
      notify(
        {
          workflowId,
          step: `receipt-r${a.revision}`,
          kind: 'receipt',
          mechanismId,
          quarter,
          projectId,
          to: [...new Set([ownerId, a.submittedBy])],
          params: { revision: a.revision, late: a.late, receivedAt: a.receivedAt },
        },
        input.secretariatIds,
      ),
      recordState(),
      ...a.doneActionItemIds.map(async (id) => {
        try {
          await getExternalWorkflowHandle(actionItemWorkflowId(mechanismId, id)).signal(actionItemDone, { reportedBy: a.submittedBy });
        } catch {
          // Unknown or already finished action item: the store has the submission; nothing to follow up.
        }
      }),
    ]);
    await tellCycle();
  };
  const followUpAll = async () => {
    followingUp = true;
    // Not cancellable: a submission accepted just before the cycle closes still gets its receipt and reaches the cycle.
    await CancellationScope.nonCancellable(async () => {
      while (toFollowUp.length > 0) {
        await followUp(toFollowUp[0]);
        toFollowUp.shift();
      }
    });
    followingUp = false;
  };

  const replan = (from: string, includeRequest: boolean) => {
    generation++;
    replanned = true;
    plan = planChase({ notBefore: from, includeRequest });
  };

  const applyExtension = (newDueDate: string) => {
    dueDate = newDueDate;
    dueEndsAt = undefined;
    // An extended update keeps its chase after the new due date; it never closes before the cycle's cut-off.
    const ownCutoff = endOfDay(addWorkingDays(dueDate, policy.cutoffAfterWorkingDays, holidays), timeZone);
    if (ownCutoff > cutoffAt) cutoffAt = ownCutoff;
    if (state === 'overdue' || state === 'escalated') state = 'requested';
    replan(new Date(Date.now()).toISOString(), false);
  };

  const tellOwner = (step: string, kind: 'extension-granted' | 'extension-refused', to: string[] = [ownerId]) =>
    notify({ workflowId, step, kind, mechanismId, quarter, projectId, to, params: { dueDate } }, input.secretariatIds);

  // ---- messages ----
  setHandler(updateState, snapshot);

  setHandler(
    submitUpdate,
    async ({ submission, submittedBy, key }): Promise<SubmissionReceipt> => {
      const repeat = deliveredBefore(key);
      if (repeat) return repeat;
      const receivedAt = new Date(Date.now()).toISOString();
      const isLate = receivedAt >= dueEnd();
      const updateId = currentUpdateInfo()?.id ?? uuid4();
      if (patched(RECEIPT_FIRST)) {
        // The receipt goes back at once: from here the submission is in this workflow's history, which survives
        // any crash. Storing it, the receipt email, the store's state, done action items and the news to the
        // cycle follow, in order of acceptance.
        revision++;
        late = isLate;
        state = 'submitted';
        showState();
        const doneActionItemIds = schemas()
          .Submission.parse(submission)
          .actionItemUpdates.filter((u) => u.done)
          .map((u) => u.actionItemId);
        toFollowUp.push({ updateId, submission, revision, late, receivedAt, submittedBy, doneActionItemIds });
        if (!followingUp) void followUpAll();
        const receipt = { revision, late, receivedAt };
        if (key !== undefined) receiptsByKey.set(key, receipt);
        return receipt;
      }
      const stored = await store.recordSubmission({
        workflowId,
        updateId,
        mechanismId,
        quarter,
        projectId,
        submission,
        submittedBy,
        receivedAt,
        late: isLate,
      });
      revision = Math.max(revision, stored.revision);
      late = stored.late;
      state = 'submitted';
      await notify(
        {
          workflowId,
          step: `receipt-r${stored.revision}`,
          kind: 'receipt',
          mechanismId,
          quarter,
          projectId,
          to: [...new Set([ownerId, submittedBy])],
          params: { revision: stored.revision, late: stored.late, receivedAt },
        },
        input.secretariatIds,
      );
      for (const item of schemas().Submission.parse(submission).actionItemUpdates.filter((u) => u.done)) {
        try {
          await getExternalWorkflowHandle(actionItemWorkflowId(mechanismId, item.actionItemId)).signal(actionItemDone, {
            reportedBy: submittedBy,
          });
        } catch {
          // Unknown or already finished action item: the store has the submission; nothing to follow up.
        }
      }
      await report();
      return { revision: stored.revision, late: stored.late, receivedAt };
    },
    {
      validator: ({ submission, submittedBy, key }) => {
        // A repeat of a delivered submission is answered with its first receipt, whatever has changed since.
        if (deliveredBefore(key)) return;
        const parsed = schemas().Submission.safeParse(submission);
        if (!parsed.success) {
          throw ApplicationFailure.nonRetryable(
            `the submission is not valid: ${fieldErrors(parsed.error)
              .map((f) => `${f.field}: ${f.message}`)
              .join('; ')}`,
            'InvalidSubmission',
            { fields: fieldErrors(parsed.error) },
          );
        }
        if (typeof submittedBy !== 'string' || !submittedBy) reject('InvalidSubmission', 'submittedBy is required');
        if (state === 'submitted' && collectionClosed()) {
          reject('CollectionClosed', 'collection has closed: the submission can no longer be amended');
        }
      },
    },
  );

  setHandler(
    requestExtension,
    async ({ days, requestedBy }) => {
      extensionCount++;
      const n = extensionCount;
      if (autoExtensionDays + days <= policy.autoExtensionMaxDays) {
        autoExtensionDays += days;
        applyExtension(addWorkingDays(addDays(dueDate, days), 0, ownerDays()));
        await tellOwner(`extension-granted-${n}`, 'extension-granted', [...new Set([ownerId, requestedBy])]);
        await report();
        return { outcome: 'granted' as const, dueDate };
      }
      pendingExtensionDays = days;
      await notify(
        {
          workflowId,
          step: `extension-requested-${n}`,
          kind: 'extension-requested',
          mechanismId,
          quarter,
          projectId,
          to: input.secretariatIds,
          params: { days, dueDate, requestedBy },
        },
        input.secretariatIds,
      );
      showDetails();
      return { outcome: 'pending' as const, dueDate };
    },
    {
      validator: ({ days }) => {
        if (!Number.isInteger(days) || days < 1 || days > 90) reject('InvalidExtension', 'days: must be a whole number from 1 to 90');
        if (settled()) reject('AlreadySettled', `the update is already ${state}`);
        if (pendingExtensionDays !== undefined) reject('ExtensionPending', 'an extension request is already waiting for the secretariat');
      },
    },
  );

  setHandler(
    grantExtension,
    async ({ dueDate: newDueDate }) => {
      extensionCount++;
      pendingExtensionDays = undefined;
      applyExtension(addWorkingDays(newDueDate, 0, ownerDays()));
      await tellOwner(`extension-granted-${extensionCount}`, 'extension-granted');
      await report();
      return { dueDate };
    },
    {
      validator: ({ dueDate: newDueDate }) => {
        if (!schemas().isoDate.safeParse(newDueDate).success) reject('InvalidExtension', 'dueDate: must be a date YYYY-MM-DD');
        if (!later(newDueDate, dueDate)) reject('InvalidExtension', `dueDate: must be after the current due date ${dueDate}`);
        if (state === 'submitted' || state === 'waived') reject('AlreadySettled', `the update is already ${state}`);
      },
    },
  );

  setHandler(
    refuseExtension,
    async (_input: { refusedBy: string }) => {
      extensionCount++;
      pendingExtensionDays = undefined;
      await tellOwner(`extension-refused-${extensionCount}`, 'extension-refused');
      showDetails();
    },
    {
      validator: (_input: { refusedBy: string }) => {
        if (pendingExtensionDays === undefined) reject('NoExtensionPending', 'no extension request is waiting');
      },
    },
  );

  setHandler(
    waive,
    async (_input: { waivedBy: string }) => {
      state = 'waived';
      pendingExtensionDays = undefined;
      await report();
      return { state };
    },
    {
      validator: (_input: { waivedBy: string }) => {
        if (state === 'submitted' || state === 'waived') reject('AlreadySettled', `the update is already ${state}`);
      },
    },
  );

  setHandler(
    reassignOwner,
    async ({ ownerId: newOwner, ownerTimeZone: zone, supervisorId: newSupervisor, ownerCalendar }) => {
      ownerId = newOwner;
      ownerTimeZone = zone;
      if (book) book = { ...book, recipients: { ...book.recipients, [newOwner]: { timeZone: zone, ...(ownerCalendar !== undefined && { calendar: ownerCalendar }) } } };
      if (newSupervisor !== undefined) supervisorId = newSupervisor;
      state = 'requested';
      replan(new Date(Date.now()).toISOString(), true);
      await report();
      return { ownerId };
    },
    {
      validator: ({ ownerId: newOwner }) => {
        if (typeof newOwner !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(newOwner)) reject('InvalidOwner', 'ownerId: must be a contact id');
        if (settled()) reject('AlreadySettled', `the update is already ${state}`);
        if (newOwner === ownerId) reject('InvalidOwner', 'ownerId: this contact already owns the update');
      },
    },
  );

  setHandler(replanCalendars, ({ book: next }) => {
    book = next;
    if (settled()) return;
    // Only what is still to come is planned again; a request already sent is not sent again.
    replan(new Date(Date.now()).toISOString(), !sent.some((step) => step === 'request' || step.startsWith('request.')));
    showDetails();
  });

  // ---- the chase ----
  showDetails();
  try {
    await store.recordUpdateState({ mechanismId, quarter, projectId, state, ownerId, dueDate, nextSendAt: nextSend()?.at });
    while (!settled()) {
      const next = nextSend();
      const wakeAt = next ? next.at : cutoffAt;
      replanned = false;
      const wait = Date.parse(wakeAt) - Date.now();
      if (wait > 0) {
        const summary = next ? `until ${stepName(next)}` : 'until collection closes';
        const woken = await condition(() => replanned || settled(), wait, { summary });
        if (woken) continue;
      }
      if (next) {
        const step = stepName(next);
        const to = recipientsOfSend(next, people());
        const params =
          next.kind === 'request' ? { dueDate, openActionItemIds: input.openActionItemIds } : { dueDate, ownerId: next.kind.startsWith('escalation') ? ownerId : undefined };
        await notify({ workflowId, step, kind: next.kind, mechanismId, quarter, projectId, to, params }, input.secretariatIds);
        sent.push(step);
        if (!settled()) {
          state = stateAfterSend[next.kind];
          await report();
        }
        continue;
      }
      if (collectionClosed()) {
        state = 'missing';
        await report();
      }
    }
    showDetails();
    // Settled: stay silent but open for amendments and late answers until the cycle closes and cancels us.
    await condition(() => false);
  } catch (err) {
    if (!isCancellation(err)) throw err;
  }
  // Accepted submissions are followed up even when the cycle has closed (cancelled) this update meanwhile.
  await CancellationScope.nonCancellable(() => condition(() => !followingUp));
  await condition(allHandlersFinished);
  return snapshot();
}
