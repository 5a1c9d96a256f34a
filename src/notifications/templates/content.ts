import type { Language } from '../../domain';

/**
 * What an email says, as plain text pieces. Templates build this model and never write HTML; the
 * layout escapes every piece when it renders, so user text cannot reach the HTML part unescaped.
 */
export type Block =
  | { type: 'paragraph'; text: string }
  | { type: 'list'; title?: string; items: string[]; empty?: string }
  | { type: 'facts'; rows: [label: string, value: string][] }
  | { type: 'button'; label: string; url: string };

/** One email's content in one language, before layout. */
export interface EmailContent {
  subject: string;
  greeting: string;
  blocks: Block[];
  signOff: string;
}

/** What a template needs to know about the reader and the occasion; every field is plain text or an ISO value. */
export interface TemplateContext {
  language: Language;
  recipientName: string;
  /** The recipient's own time zone (the mechanism's when the contact has none). */
  recipientTimeZone: string;
  mechanismName: string;
  mechanismTimeZone: string;
  quarter?: string;
  projectTitle?: string;
  /** The owner's personal link to the update form. */
  link?: string;
  /** The due instant (ISO): the end of the due date, midnight after it (`endOfDay`); shown as its last minute. */
  dueAt?: string;
  /** Open action items owned by the recipient. */
  openActionItems: { title: string; dueDate: string }[];
  /** For escalations: who is late, since when, what was sent already. */
  late?: { ownerName: string; ownerEmail?: string; dueAt: string; sent: { kind: string; at: string; to: string }[] };
  /** For the secretariat's decision on a request beyond the automatic limit: how many days, asked by whom. */
  extension?: { days: number; requestedBy?: string };
  session?: {
    startsAt: string;
    durationMinutes: number;
    venue: string;
    sequence: number;
    /** For a rescheduled session: when it was to start before. */
    previousStartsAt?: string;
    holidayWarnings?: string[];
  };
  actionItem?: { title: string; dueDate: string };
  /** For a receipt: the revision it confirms and how many revisions since the last receipt it covers (absent: old). */
  receipt?: { revision: number; covers: number };
  /** For the secretariat's notice: the email that could not be delivered, and to whom. */
  /** The failed step (`invitation-s1`, `request`) is named when known. */
  undeliverable?: { subject: string; step?: string; recipients: { name: string; address: string; reason: string }[] };
  /** File names of attached documents, listed in the body. */
  attachmentNames: string[];
  /** Link to the secretariat's pages (dashboard, cycle page). */
  dashboardUrl?: string;
}
