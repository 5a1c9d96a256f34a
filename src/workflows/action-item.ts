/**
 * actionItem: the follow-up of one action item agreed at a session (id `action:<mechanism>:<id>`). Reminds the
 * owner before the due date, sends one overdue notice after it, and ends when the item is done (by update from
 * the secretariat, or reported done in a project submission) or cancelled. While it is open the store lists it,
 * so it reaches the next cycle's requests, report and agenda through loadCycleContext.
 */
import {
  allHandlersFinished,
  condition,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
// Domain modules one by one, not the index: every workflow evaluates what it imports (zod schemas included),
// so leaving out the mechanism/project/policy schemas makes each new workflow cheaper to start.
import { addDays, addWorkingDays, localInstant, workingDayOnOrBefore } from '../domain/calendar';
import type { CyclePolicy } from '../domain/policy';
import type { RecipientCalendar } from '../domain/reminder-plan';
import type { ActionItemState } from '../domain/states';
import { ActionItemStateKey } from '../temporal/search-attributes';
import { notify, store } from './activities';
import { actionItemDone, actionItemState, cancelActionItem, completeActionItem } from './messages';
import { reject } from './validation';

/** One action item: ids and dates only. */
export interface ActionItemInput {
  mechanismId: string;
  quarter: string;
  actionItemId: string;
  ownerId: string;
  dueDate: string;
  projectIds: string[];
  timeZone: string;
  holidays: string[];
  policy: CyclePolicy;
  secretariatIds: string[];
  /** The owner's zone and calendar (issue 19): reminders go out on their working days. Absent: the mechanism's. */
  owner?: RecipientCalendar;
}

/** Follows one action item until it is done or cancelled. */
export async function actionItem(input: ActionItemInput): Promise<{ state: ActionItemState }> {
  const { mechanismId, actionItemId, ownerId, dueDate, policy } = input;
  const timeZone = input.owner?.timeZone ?? input.timeZone;
  const holidays = input.owner?.calendar ?? input.holidays;
  const workflowId = workflowInfo().workflowId;
  let state: ActionItemState = 'open';
  const sent: string[] = [];
  const finished = () => state === 'done' || state === 'cancelled';

  const sends = [
    ...[...new Set(policy.actionItemRemindBeforeDueDays)]
      .sort((a, b) => b - a)
      .map((days) => ({
        step: `reminder-${days}d`,
        kind: 'action-item-reminder' as const,
        at: localInstant(workingDayOnOrBefore(addDays(dueDate, -days), holidays), policy.sendHour, timeZone),
      })),
    {
      step: 'overdue',
      kind: 'action-item-overdue' as const,
      at: localInstant(addWorkingDays(dueDate, 1, holidays), policy.sendHour, timeZone),
    },
  ].filter((s) => s.at > new Date(Date.now()).toISOString());

  const change = async (next: ActionItemState) => {
    state = next;
    upsertSearchAttributes([{ key: ActionItemStateKey, value: state }]);
    show();
    await store.recordActionItemState({
      mechanismId,
      actionItemId,
      quarter: input.quarter,
      state,
      at: new Date(Date.now()).toISOString(),
      ownerId,
      dueDate,
      projectIds: input.projectIds,
    });
  };
  const show = () => {
    const next = finished() ? undefined : sends.find((s) => !sent.includes(s.step));
    setCurrentDetails(
      [
        `**State:** ${state}`,
        `**Due:** ${dueDate}`,
        `**Next send:** ${next ? `${next.step} at ${next.at}` : 'none'}`,
      ].join('\n\n'),
    );
  };

  setHandler(actionItemState, () => ({ actionItemId, state, dueDate, sent: [...sent] }));
  const openOnly = (_input: unknown) => {
    if (finished()) reject('AlreadyFinished', `the action item is already ${state}`);
  };
  setHandler(
    completeActionItem,
    async (_input: { completedBy: string }) => {
      await change('done');
      return { state };
    },
    { validator: openOnly },
  );
  setHandler(
    cancelActionItem,
    async (_input: { cancelledBy: string }) => {
      await change('cancelled');
      return { state };
    },
    { validator: openOnly },
  );
  setHandler(actionItemDone, () => {
    // A signal carries no answer: if the item is already finished there is nothing to do.
    if (!finished()) state = 'done';
  });

  await change('open');
  for (const send of sends) {
    const ms = Date.parse(send.at) - Date.now();
    if (ms > 0 && (await condition(finished, ms, { summary: `until ${send.step}` }))) break;
    if (finished()) break;
    await notify(
      {
        workflowId,
        step: send.step,
        kind: send.kind,
        mechanismId,
        actionItemId,
        projectId: input.projectIds[0],
        to: [ownerId],
        params: { dueDate },
      },
      input.secretariatIds,
    );
    sent.push(send.step);
    if (send.kind === 'action-item-overdue') await change('overdue');
    show();
  }
  await condition(finished);
  // A done signal only flips the flag: record it here, once, outside the signal handler.
  await change(state);
  await condition(allHandlersFinished);
  return { state };
}
