/** Emails: templates (en, zh), calendar invitations, transports, and the outbox-backed notifier the activities call. */
export { createNotificationActivities } from './activities';
export type { AttachableDocument, Directory } from './directory';
export { classifySmtpError, TransientDeliveryError, UndeliverableError, type DeliveryFailure } from './errors';
export { escapeHtml, HeaderInjectionError } from './escape';
export { buildIcs, sessionUid, type CalendarEvent } from './ics';
export { NotificationKind } from './kinds';
export { rawMessageOf } from './mailbox';
export { messageIdFor, outboxId, parseMailFrom } from './message-id';
export { createNotifier, secretariatIds, type Notifier, type NotifierDeps } from './notifier';
export type {
  NotificationContent,
  NotificationParams,
  NotificationRequest,
  NotificationRequestOf,
  NotificationResult,
  StepAddress,
} from './request';
export { storeDirectory } from './store-directory';
export { renderEmail, type RenderedEmail, type TemplateContext } from './templates';
export {
  composeRaw,
  createLocalTransport,
  createSmtpTransport,
  createTransport,
  type MailTransport,
  type OutgoingEmail,
} from './transport';
