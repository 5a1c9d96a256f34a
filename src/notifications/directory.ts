import type { Mechanism, Translations } from '../domain';

/** A document to attach, as the archive holds it. */
export interface AttachableDocument {
  filename: string;
  contentType: string;
  /** `pdf`, `docx` or `html`: emails circulate the PDF when there is one. */
  format?: string;
  /** Reads the archived bytes (immutable: versions are never overwritten). */
  read(): Promise<Buffer>;
}

/**
 * What the notifier needs to know about people, projects and sessions. Built from the records store
 * in production (`storeDirectory`); tests may pass plain objects. Every lookup is read-only.
 */
export interface Directory {
  /** The mechanism with its contacts, sides (secretariat ids) and time zone. */
  mechanism(mechanismId: string): Promise<Mechanism | undefined>;
  project?(
    mechanismId: string,
    projectId: string,
  ): Promise<{ title: string; owner: string; supervisor?: string; translations?: Translations } | undefined>;
  /** Open action items owned by a contact (listed in requests and reminders). */
  openActionItems?(mechanismId: string, contactId: string): Promise<{ title: string; dueDate: string }[]>;
  actionItem?(mechanismId: string, actionItemId: string): Promise<{ title: string; dueDate: string } | undefined>;
  /** The session of a cycle as last convened. */
  session?(
    mechanismId: string,
    quarter: string,
  ): Promise<
    { startsAt: string; durationMinutes: number; venue: string; sequence: number; status?: string } | undefined
  >;
  document?(documentId: string): Promise<AttachableDocument | undefined>;
  /** Ids of the archived files of one version of a cycle's progress report (every format). */
  reportDocumentIds?(mechanismId: string, quarter: string, version: number): Promise<string[]>;
}
