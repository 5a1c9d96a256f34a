import { z } from 'zod';

/** Every email the service writes (PRODUCT.md section 6); these names are the activity contract with the workflows. */
export const NotificationKind = z.enum([
  'request',
  'reminder',
  'overdue',
  'escalation-supervisor',
  'escalation-secretariat',
  'receipt',
  'extension-granted',
  'extension-refused',
  'extension-requested',
  'report-ready',
  'invitation',
  'invitation-update',
  'invitation-cancel',
  'session-reminder',
  'minutes',
  'action-item-reminder',
  'action-item-overdue',
  'undeliverable',
]);
export type NotificationKind = z.infer<typeof NotificationKind>;

/** Kinds that carry the owner's personal link to the update form. */
export const kindsWithOwnerLink: readonly NotificationKind[] = [
  'request',
  'reminder',
  'overdue',
  'extension-granted',
  'extension-refused',
  'receipt',
];

/** Kinds that carry a calendar invitation, and the iCalendar METHOD each uses. */
export const calendarMethod: Partial<Record<NotificationKind, 'REQUEST' | 'CANCEL'>> = {
  invitation: 'REQUEST',
  'invitation-update': 'REQUEST',
  'invitation-cancel': 'CANCEL',
};
