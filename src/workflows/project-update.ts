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
  continueAsNew,
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
import type { CyclePolicy } from '../domain/policy';
import type { SubmissionInput } from '../domain/submission';
import type { CalendarBook } from '../domain/recipients';
import type { PlannedSend } from '../domain/reminder-plan';
import { actionItemWorkflowId } from '../temporal/ids';
import { DueTimeKey, SubmissionStateKey } from '../temporal/search-attributes';
import { notify, store, type EmailContent } from './activities';
import { afterAnswer } from './after-answer';
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
import {
  afterSend,
  applyExtensionRequest,
  applyGrant,
  applyRefusal,
  applyWaiver,
  changeCalendars,
  chaseEmail,
  collectionClosed,
  details,
  dueEndsAt,
  initialUpdate,
  isSettled,
  markMissing,
  nextSend,
  people,
  reassign,
  receiptDue,
  receiptOwed,
  receiptSent,
  recipientsOfSend,
  refuseExtensionRequest,
  refuseGrant,
  refuseReassignment,
  refuseRefusal,
  refuseSubmission,
  refuseWaiver,
  snapshot,
  stepName,
  submit,
  type ChaseRules,
  type Receipt,
  type UpdateState,
} from './project-update-state';
import { schemas } from './schemas';
import { fieldErrors, refuse, reject } from './validation';

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
  /**
   * The chase the cycle planned for this owner (`planReminders` of the inputs above), and the instant the due
   * date ends: the cycle works them out once per owner zone, so that a new update computes no time zones in its
   * first task.
   */
  plan: PlannedSend[];
  dueEndsAt: string;
  /**
   * Where the owner, the supervisor and the secretariat work and which calendars they keep (issue 19): every send
   * goes out on a working day of its recipient's calendar at the send hour in their zone. Absent in updates started
   * before calendars per side: everybody then keeps the mechanism's holidays, as before.
   */
  book?: CalendarBook;
  /** What an earlier run of this update handed on when it continued as new (absent in the first run). */
  carried?: Carried;
}

/**
 * What a run hands on to the next when its history grows long (issue 15, amendment floods): the whole state (chase
 * position, plan, revision, receipts), the receipts by intake key (so that a delivery retried across the
 * continue-as-new adds no revision) and the emails accepted commands asked for that have not gone yet.
 */
export interface Carried {
  update: UpdateState;
  /** Newest last; at most {@link KEYS_CARRIED}. */
  receiptsByKey: [string, SubmissionReceipt][];
  emails: { content: EmailContent; step: string; to: string[] }[];
  /** Who gets the next receipt (the owner and whoever sent the latest revision). */
  receiptTo: string[];
}

/**
 * A run continues as new once its history holds this many events (or Temporal suggests it): such a run replays in well
 * under a second, holds fewer than 1,000 updates (Temporal refuses a run's 2,001st), and the 51,200-event / 50 MB
 * limits stay far away whatever an owner sends.
 */
export const HISTORY_EVENTS_PER_RUN = 2000;
/**
 * Receipts by key handed to the next run: the newest ones. The intake forwarder redelivers a submission within
 * minutes of a lost answer (back-off up to a minute), long before this many other submissions are accepted; the cap
 * keeps the next run's input (about 80 bytes a key) under Temporal's 256 kB payload warning, far from its 2 MB limit.
 */
export const KEYS_CARRIED = 2000;

/** An accepted submission, to be stored and followed up (receipt, action items, store state, the cycle). */
interface Accepted extends Receipt {
  updateId: string;
  submission: SubmissionInput;
  submittedBy: string;
  doneActionItemIds: string[];
}

/** Runs one project's update to a settled state and keeps accepting amendments and late answers until the cycle closes. */
export async function projectUpdate(input: ProjectUpdateInput): Promise<ProjectUpdateState> {
  const { mechanismId, quarter, projectId } = input;
  const workflowId = workflowInfo().workflowId;
  const rules: ChaseRules = {
    projectId,
    openedAt: input.openedAt,
    timeZone: input.timeZone,
    holidays: input.holidays,
    policy: input.policy,
    secretariatIds: input.secretariatIds,
  };
  const now = () => new Date(Date.now()).toISOString();
  const initial = initialUpdate({
    ownerId: input.ownerId,
    supervisorId: input.supervisorId,
    ownerTimeZone: input.ownerTimeZone,
    dueDate: input.dueDate,
    dueEndsAt: input.dueEndsAt,
    cutoffAt: input.cutoffAt,
    plan: input.plan,
    book: input.book,
  });
  /** The one state of this update; every handler and the chase replace it with what a transition returns. */
  let u: UpdateState = input.carried?.update ?? initial;
  /**
   * Receipts at most once an hour and continue-as-new when the history grows (issue 15, amendment floods). Decided
   * once, at the start: an update started before (replaying without the marker) keeps a receipt per revision and one
   * run to the end, as its history says; every run started since, continued ones included, paces its receipts.
   */
  const paced = patched('paced-receipts');
  /**
   * What accepted commands and submissions do after they have answered, in order of acceptance: records and the news
   * to the cycle in one queue, emails in the other, so that a relay that hangs never holds the records or the cycle.
   */
  const records = afterAnswer();
  const emails = afterAnswer();
  const mail = (content: EmailContent, step: string, to: string[]) =>
    notify({ workflowId, step, mechanismId, quarter, projectId, to, ...content }, input.secretariatIds);
  /** Sends an email after the command has answered. */
  const unsent = new Map<string, Carried['emails'][number]>();
  const mailLater = (content: EmailContent, step: string, to: string[]) => {
    unsent.set(step, { content, step, to });
    emails.add(step, async () => {
      await mail(content, step, to);
      unsent.delete(step);
    });
  };
  // Emails the previous run had accepted but not sent: the outbox key (workflow id + step) sends each once.
  for (const e of input.carried?.emails ?? []) mailLater(e.content, e.step, e.to);

  const showDetails = () => setCurrentDetails(details(u, now()));
  const showState = () => {
    upsertSearchAttributes([
      { key: SubmissionStateKey, value: u.state },
      { key: DueTimeKey, value: new Date(dueEndsAt(u, rules)) },
    ]);
    showDetails();
  };
  /** Writes the update's state to the store (`sent: false` at the start, before anything was sent). */
  const recordState = (sent = true) => {
    const at = now();
    return store.recordUpdateState({
      mechanismId,
      quarter,
      projectId,
      state: u.state,
      ownerId: u.ownerId,
      dueDate: u.dueDate,
      lastSendAt: sent ? at : undefined,
      nextSendAt: isSettled(u) ? undefined : nextSend(u)?.at,
      at,
    });
  };
  // Only settled states and new revisions go to the cycle: it needs them to close collection early and to
  // compile new report versions, and fewer signals keep a 1,000-project cycle's history small. The chase
  // states in between are in the store and in this workflow's own `state` query.
  let told = '';
  const tellCycle = async () => {
    if (!isSettled(u)) return;
    // Paced: news the cycle already has is not sent again (follow-ups of a burst of amendments all read the latest).
    const news = `${u.state} ${u.revision} ${u.late}`;
    if (paced && news === told) return;
    told = news;
    try {
      const { state, revision, late } = u;
      await getExternalWorkflowHandle(input.cycleWorkflowId).signal(projectStateChanged, {
        projectId,
        state,
        revision,
        late,
      });
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
  /** A command's change: the search attributes at once, the store and the cycle after the command has answered. */
  const reportLater = (step: string) => {
    showState();
    records.add(step, report);
  };
  const signalDone = async (ids: string[], reportedBy: string) => {
    for (const id of ids) {
      try {
        await getExternalWorkflowHandle(actionItemWorkflowId(mechanismId, id)).signal(actionItemDone, { reportedBy });
      } catch {
        // Unknown or already finished action item: the store has the submission; nothing to follow up.
      }
    }
  };

  /**
   * Receipts by intake key: the intake forwarder may deliver a recorded submission twice (a lost answer, two web
   * processes); the second delivery gets the first receipt and adds no revision. Kept in memory: every accepted
   * update is in history, so a replay rebuilds it, and a run that continues as new hands the newest on to the next.
   */
  const receiptsByKey = new Map<string, SubmissionReceipt>(input.carried?.receiptsByKey);
  const deliveredBefore = (key: string | undefined) => (key === undefined ? undefined : receiptsByKey.get(key));
  /** Who gets the next receipt: the owner and whoever sent the latest revision. */
  let receiptTo: string[] = input.carried?.receiptTo ?? [u.ownerId];
  /** Set when the update ends (its cycle closed): a receipt owed goes at once. */
  let closing = false;
  /**
   * Sends the receipt emails of a paced update: at once for a revision when none went within the hour, else one when
   * the hour is up, naming the latest revision and how many it covers (`receiptOwed`). Not cancellable: a receipt
   * owed when the cycle closes goes at once.
   */
  const paceReceipts = () =>
    CancellationScope.nonCancellable(async () => {
      for (;;) {
        await condition(() => receiptOwed(u) !== undefined);
        const owed = receiptOwed(u)!;
        if (!closing && !receiptDue(owed, now())) {
          const wait = Date.parse(owed.notBefore!) - Date.now();
          await condition(() => closing, wait, { summary: 'until the next receipt' });
        }
        const latest = receiptOwed(u)!;
        u = receiptSent(u, latest.revision, now());
        mailLater(
          { kind: 'receipt', params: { revision: latest.revision, covers: latest.covers } },
          `receipt-r${latest.revision}`,
          receiptTo,
        );
      }
    });
  /** What follows an accepted submission once its receipt has gone back to the caller (the email: `mailLater`). */
  const followUp = async (a: Accepted) => {
    const { updateId, submission, revision, late, receivedAt, submittedBy } = a;
    await Promise.all([
      store.recordSubmission({
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
      }),
      recordState(),
      ...a.doneActionItemIds.map((id) => signalDone([id], submittedBy)),
    ]);
    await tellCycle();
  };

  // ---- messages ----
  setHandler(updateState, () => snapshot(u, rules));

  setHandler(
    submitUpdate,
    async ({ submission, submittedBy, key }): Promise<SubmissionReceipt> => {
      const repeat = deliveredBefore(key);
      if (repeat) return repeat;
      const updateId = currentUpdateInfo()?.id ?? uuid4();
      // The receipt goes back at once: from here the submission is in this workflow's history, which survives any
      // crash. Storing it, the receipt email, the store's state, done action items and the news to the cycle follow,
      // in order of acceptance (not cancellable: a submission accepted just before the cycle closes still gets its
      // receipt and reaches the cycle).
      const accepted = submit(u, rules, now());
      u = accepted.update;
      showState();
      const doneActionItemIds = schemas()
        .Submission.parse(submission)
        .actionItemUpdates.filter((i) => i.done)
        .map((i) => i.actionItemId);
      const a: Accepted = { updateId, submission, submittedBy, doneActionItemIds, ...accepted.receipt };
      records.add(`revision-r${a.revision}`, () => followUp(a));
      receiptTo = [...new Set([u.ownerId, submittedBy])];
      // Paced, the receipt email is sent by paceReceipts (at once for the first amendment in an hour).
      if (!paced) mailLater({ kind: 'receipt', params: {} }, `receipt-r${a.revision}`, receiptTo);
      if (key !== undefined) receiptsByKey.set(key, accepted.receipt);
      return accepted.receipt;
    },
    {
      validator: ({ submission, submittedBy, key, baseRevision }) => {
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
        refuse(refuseSubmission(u, now(), baseRevision));
      },
    },
  );

  setHandler(
    requestExtension,
    ({ days, requestedBy }) => {
      const asked = applyExtensionRequest(u, rules, days, now());
      u = asked.update;
      const { dueDate, ownerId } = u;
      if (asked.outcome === 'granted') {
        mailLater({ kind: 'extension-granted', params: { dueDate } }, `extension-granted-${asked.number}`, [
          ...new Set([ownerId, requestedBy]),
        ]);
        reportLater(`extension-granted-${asked.number}`);
        return { outcome: 'granted' as const, dueDate };
      }
      mailLater(
        { kind: 'extension-requested', params: { days, dueDate, requestedBy } },
        `extension-requested-${asked.number}`,
        input.secretariatIds,
      );
      showDetails();
      return { outcome: 'pending' as const, dueDate };
    },
    { validator: ({ days }) => refuse(refuseExtensionRequest(u, days)) },
  );

  setHandler(
    grantExtension,
    ({ dueDate: newDueDate }) => {
      u = applyGrant(u, rules, newDueDate, now());
      const { dueDate, ownerId, extensionCount } = u;
      mailLater({ kind: 'extension-granted', params: { dueDate } }, `extension-granted-${extensionCount}`, [ownerId]);
      reportLater(`extension-granted-${extensionCount}`);
      return { dueDate };
    },
    {
      validator: ({ dueDate: newDueDate }) =>
        refuse(refuseGrant(u, newDueDate, schemas().isoDate.safeParse(newDueDate).success)),
    },
  );

  setHandler(
    refuseExtension,
    (_input: { refusedBy: string }) => {
      u = applyRefusal(u);
      const { dueDate, ownerId, extensionCount } = u;
      mailLater({ kind: 'extension-refused', params: { dueDate } }, `extension-refused-${extensionCount}`, [ownerId]);
      showDetails();
    },
    { validator: (_input: { refusedBy: string }) => refuse(refuseRefusal(u)) },
  );

  setHandler(
    waive,
    (_input: { waivedBy: string }) => {
      u = applyWaiver(u);
      reportLater('waived');
      return { state: u.state };
    },
    { validator: (_input: { waivedBy: string }) => refuse(refuseWaiver(u)) },
  );

  setHandler(
    reassignOwner,
    ({ ownerId: newOwner, ownerTimeZone, supervisorId, ownerCalendar }) => {
      u = reassign(u, rules, { ownerId: newOwner, ownerTimeZone, supervisorId, ownerCalendar }, now());
      reportLater(`reassigned-${u.ownerId}`);
      return { ownerId: u.ownerId };
    },
    { validator: ({ ownerId: newOwner }) => refuse(refuseReassignment(u, newOwner)) },
  );

  setHandler(replanCalendars, ({ book }) => {
    u = changeCalendars(u, rules, book, now());
    showDetails();
  });

  /** True when this run's history is long enough to continue as new (paced runs only: older ones keep one run). */
  const historyLong = () =>
    paced && (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= HISTORY_EVENTS_PER_RUN);

  // ---- the chase ----
  if (paced) void paceReceipts();
  showDetails();
  try {
    // A continued run changes nothing in the store: the run before wrote this state.
    if (input.carried) showState();
    else await recordState(false);
    while (!isSettled(u)) {
      const next = nextSend(u);
      const wakeAt = next ? next.at : u.cutoffAt;
      // Woken early when the update settles or its chase is planned again (extension, new owner, new calendars).
      const generation = u.generation;
      const wait = Date.parse(wakeAt) - Date.now();
      if (wait > 0) {
        const summary = next ? `until ${stepName(u, next)}` : 'until collection closes';
        const woken = await condition(() => u.generation !== generation || isSettled(u), wait, { summary });
        if (woken) continue;
      }
      if (next) {
        await mail(chaseEmail(u, next), stepName(u, next), recipientsOfSend(next, people(u, rules)));
        const settledBefore = isSettled(u);
        u = afterSend(u, next);
        if (!settledBefore) await report();
        continue;
      }
      if (collectionClosed(u, now())) {
        u = markMissing(u);
        await report();
      }
    }
    showDetails();
    // Settled: stay silent but open for amendments and late answers until the cycle closes and cancels us, or the
    // history grows long (a flood of amendments): then continue as new with the same id, carrying what is needed.
    await condition(historyLong);
    // The records of every accepted submission are written first (they hold the bodies, which are not carried);
    // handlers finish in the task that accepts them, so nothing accepted is left behind.
    await condition(() => records.idle() && allHandlersFinished());
    const carried: Carried = {
      update: u,
      receiptsByKey: [...receiptsByKey].slice(-KEYS_CARRIED),
      emails: [...unsent.values()],
      receiptTo,
    };
    return await continueAsNew<typeof projectUpdate>({ ...input, carried });
  } catch (err) {
    if (!isCancellation(err)) throw err;
  }
  closing = true;
  // Accepted submissions are followed up even when the cycle has closed (cancelled) this update meanwhile.
  await CancellationScope.nonCancellable(() =>
    condition(() => records.idle() && emails.idle() && (!paced || receiptOwed(u) === undefined)),
  );
  await condition(allHandlersFinished);
  return snapshot(u, rules);
}
