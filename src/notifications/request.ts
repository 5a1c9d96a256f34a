import type { NotificationKind } from './kinds';

/** One logical email step, as the workflows ask for it (the `sendNotification` activity's input, src/activities/types.ts). */
export interface NotificationRequest {
  workflowId: string;
  step: string;
  kind: NotificationKind;
  mechanismId: string;
  quarter?: string;
  projectId?: string;
  actionItemId?: string;
  /** Contact ids. */
  to: string[];
  /**
   * Small template parameters (what the workflows pass). Understood keys: `dueDate` (YYYY-MM-DD, end of
   * that day in the mechanism's zone) or `dueAt` (instant); `days`/`extensionDays`, `newDueDate`/`newDueAt`,
   * `reason`, `requestedBy` (contact id); `startsAt`, `durationMinutes`, `venue`, `sequence`,
   * `previousStartsAt` (sessions; the rest is read from the stored session); `documentIds`,
   * `agendaDocumentIds`, `reportVersion` (attachments); `lateOwnerId`; `note`; `failedStep`, `failedKind`,
   * `recipients` (the secretariat's undeliverable notice).
   */
  params: Record<string, string | number | boolean | string[] | undefined>;
}

/** What happened to one step: `stored` in the embedded mode, `undeliverable` when no recipient could be written to. */
export interface NotificationResult {
  outcome: 'sent' | 'stored' | 'undeliverable';
  messageIds: string[];
  /** Contact ids that could not be written to. */
  undeliverable?: string[];
}
