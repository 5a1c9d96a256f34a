import type { NotificationKind } from './kinds';

/** What the chase emails to the owner say: the due date (`YYYY-MM-DD`; it ends at midnight after it, mechanism time). */
interface DueParams {
  dueDate: string;
}

/** A session's invitation: what the cycle knows when it convenes; the venue is read from the stored session. */
interface InvitationParams {
  sequence: number;
  startsAt: string;
  durationMinutes: number;
  /** The agenda's documents (attached), and the report version whose files are attached too. */
  agendaDocumentIds: string[];
  reportVersion: number;
  /** The secretariat confirmed a date that is a holiday on a side: the invitation says so (issue 19). */
  holidayWarnings?: string[];
  /** A rescheduled session (`invitation-update`): when it was to start before; the email shows both. */
  previousStartsAt?: string;
}

/**
 * The parameters of each email kind: what the workflows send is what the templates read (src/notifications/compose.ts),
 * checked by the compiler from the `notify` call in a workflow to the template. Small values only: ids, dates, numbers.
 */
export interface NotificationParams {
  request: DueParams;
  reminder: DueParams;
  overdue: DueParams;
  /** Escalations name the owner who is late (the update's owner at that moment, after any reassignment). */
  'escalation-supervisor': DueParams & { lateOwnerId: string };
  'escalation-secretariat': DueParams & { lateOwnerId: string };
  /**
   * The revision a receipt confirms and how many revisions saved since the last receipt it covers (at most one receipt
   * an hour, issue 15); its step is `receipt-r<revision>`. Empty in receipts of updates started before: one per revision.
   */
  receipt: { revision?: number; covers?: number };
  'extension-granted': DueParams;
  'extension-refused': DueParams;
  /** To the secretariat: who asked for how many more days than the due date. */
  'extension-requested': DueParams & { days: number; requestedBy: string };
  /** The report's files (attached). */
  'report-ready': { documentIds: string[] };
  invitation: InvitationParams;
  'invitation-update': InvitationParams;
  'invitation-cancel': { sequence: number; startsAt: string };
  'session-reminder': { sequence: number; startsAt: string };
  /** The minutes' files (attached). */
  minutes: { documentIds: string[] };
  'action-item-reminder': DueParams;
  'action-item-overdue': DueParams;
  /** To the secretariat: which step could not be delivered to whom (contact ids); the rest is read from the outbox. */
  undeliverable: { failedStep: string; failedKind: NotificationKind; recipients: string[] };
}

/** What every email step carries besides its kind and parameters. */
export interface StepAddress {
  workflowId: string;
  step: string;
  mechanismId: string;
  quarter?: string;
  projectId?: string;
  actionItemId?: string;
  /** Contact ids. */
  to: string[];
}

/** One logical email step of one kind, with that kind's parameters. */
export type NotificationRequestOf<K extends NotificationKind> = StepAddress & {
  kind: K;
  params: NotificationParams[K];
};

/** One kind with its parameters (a union over the kinds): what an email says, without where it goes. */
export type NotificationContent = {
  [K in NotificationKind]: { kind: K; params: NotificationParams[K] };
}[NotificationKind];

/**
 * One logical email step, as the workflows ask for it (the `sendNotification` activity's input, src/activities/types.ts):
 * a union over the kinds, so `kind` decides which `params` are allowed.
 */
export type NotificationRequest = { [K in NotificationKind]: NotificationRequestOf<K> }[NotificationKind];

/** What happened to one step: `stored` in the embedded mode, `undeliverable` when no recipient could be written to. */
export interface NotificationResult {
  outcome: 'sent' | 'stored' | 'undeliverable';
  messageIds: string[];
  /** Contact ids that could not be written to. */
  undeliverable?: string[];
}
