import { type Contact, email as emailSchema, type Mechanism, withoutLineSeparators } from '../domain';
import type { NewOutboxMessage, OutboxAttachment, OutboxRepository } from '../store/outbox';
import type { Directory } from './directory';
import { singleLineHeader } from './escape';
import { endOfDueDate } from './format';
import { buildIcs, sessionUid } from './ics';
import { calendarMethod, escalationKinds, kindsWithOwnerLink, type NotificationKind } from './kinds';
import { messageIdFor, outboxId } from './message-id';
import type { NotificationRequest } from './request';
import { renderEmail, type TemplateContext } from './templates';

/** What composing needs besides the request. */
export interface ComposeDeps {
  directory: Directory;
  outbox: OutboxRepository;
  publicUrl: string;
  from: { name?: string; address: string; domain: string };
  /** Issues a personal owner link token (raw, returned once); absent means emails carry no link. */
  issueOwnerLink?(input: {
    mechanismId: string;
    quarter: string;
    projectId: string;
    contactId: string;
  }): Promise<string>;
  now(): Date;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const num = (v: unknown): number | undefined =>
  typeof v === 'number' ? v : typeof v === 'string' && v !== '' && !Number.isNaN(Number(v)) ? Number(v) : undefined;

/**
 * A recipient the message cannot even be written for (unknown contact, address the schema rejects, a name or title
 * that cannot go into a header, a template that fails): undeliverable without a send. Retrying cannot fix any of
 * these, so the notifier records the row as undeliverable with this reason and the secretariat is told.
 */
export class UnaddressableRecipient extends Error {
  constructor(
    readonly recipientId: string,
    reason: string,
  ) {
    super(reason);
    this.name = 'UnaddressableRecipient';
  }
}

/**
 * What the secretariat's notice says about a failed step. The workflows pass `failedStep` and
 * `recipients` (contact ids); the subject and the server's answer come from the failed outbox rows.
 */
async function describeFailure(
  req: NotificationRequest,
  facts: StepFacts,
  outbox: OutboxRepository,
): Promise<NonNullable<TemplateContext['undeliverable']>> {
  const p = req.params;
  const failedStep = str(p.failedStep);
  const ids = Array.isArray(p.recipients) ? p.recipients : str(p.failedRecipientId) ? [str(p.failedRecipientId)!] : [];
  let subject = str(p.failedSubject);
  const recipients = [];
  for (const id of ids) {
    const row = failedStep ? await outbox.getByKey(req.workflowId, failedStep, id) : undefined;
    const contact = facts.contacts.get(id);
    subject ??= row?.subject;
    recipients.push({
      // The name may be why the step failed (a line separator in it): the notice shows it on one line.
      name: withoutLineSeparators(contact?.name ?? id),
      address: row?.toAddress || contact?.email || '?',
      reason: row?.lastError ?? str(p.failedReason) ?? 'not delivered',
    });
  }
  return { subject: subject ?? str(p.failedKind) ?? '?', ...(failedStep && { step: failedStep }), recipients };
}

/** `buildIcs`, its errors turned into the recipient's permanent failure. */
function buildIcsOrRefuse(refuse: (err: unknown) => Error, input: Parameters<typeof buildIcs>[0]): string {
  try {
    return buildIcs(input);
  } catch (err) {
    throw refuse(err);
  }
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/**
 * The documents a step attaches: `documentIds`, `agendaDocumentIds`, and the files of report version
 * `reportVersion`. Each group circulates its PDF when it has one (DOCX is for editing, HTML for the
 * pages); the secretariat's report-ready email carries every format but HTML.
 */
async function attachmentsFor(req: NotificationRequest, directory: Directory): Promise<OutboxAttachment[]> {
  const p = req.params;
  const groups = [list(p.documentIds), list(p.agendaDocumentIds)];
  const reportVersion = num(p.reportVersion);
  if (reportVersion !== undefined && req.quarter && directory.reportDocumentIds) {
    groups.push(await directory.reportDocumentIds(req.mechanismId, req.quarter, reportVersion));
  }
  const out: OutboxAttachment[] = [];
  for (const ids of groups) {
    const docs = [];
    for (const id of ids) {
      const doc = directory.document ? await directory.document(id) : undefined;
      if (!doc) throw new Error(`document ${id} not found in the archive`);
      docs.push({ id, doc });
    }
    const withoutHtml = docs.filter((x) => x.doc.format !== 'html');
    const pdfs = withoutHtml.filter((x) => x.doc.format === 'pdf');
    const chosen = req.kind === 'report-ready' || pdfs.length === 0 ? withoutHtml : pdfs;
    for (const { id, doc } of chosen)
      out.push({ documentId: id, filename: doc.filename, contentType: doc.contentType });
  }
  return out;
}

/** Everything shared by the recipients of one step, loaded once. */
export interface StepFacts {
  mechanism: Mechanism;
  contacts: Map<string, Contact>;
}

/** Loads the mechanism and its contacts; throws when the mechanism is unknown (a bug in the caller, retried by Temporal until fixed). */
export async function loadStepFacts(req: NotificationRequest, directory: Directory): Promise<StepFacts> {
  const mechanism = await directory.mechanism(req.mechanismId);
  if (!mechanism) throw new Error(`unknown mechanism ${req.mechanismId}`);
  return { mechanism, contacts: new Map(mechanism.contacts.map((c) => [c.id, c])) };
}

/**
 * Renders one step's email for one recipient in their language and time zone. Called only when the
 * outbox has no row for the key yet, so an owner link is issued once per row and the rendering (with
 * its link) is what every retry resends.
 */
export async function composeForRecipient(
  req: NotificationRequest,
  recipientId: string,
  facts: StepFacts,
  deps: ComposeDeps,
): Promise<NewOutboxMessage> {
  const { mechanism, contacts } = facts;
  const contact = contacts.get(recipientId);
  if (!contact) throw new UnaddressableRecipient(recipientId, `no contact ${recipientId} in mechanism ${mechanism.id}`);
  if (!emailSchema.safeParse(contact.email).success)
    throw new UnaddressableRecipient(recipientId, `invalid address for contact ${recipientId}`);
  const p = req.params;
  const d = deps.directory;
  const kind: NotificationKind = req.kind;

  const project = req.projectId && d.project ? await d.project(req.mechanismId, req.projectId) : undefined;
  const dueAt = str(p.dueAt) ?? (str(p.dueDate) ? endOfDueDate(str(p.dueDate)!, mechanism.timeZone) : undefined);

  let link: string | undefined;
  if (kindsWithOwnerLink.includes(kind) && deps.issueOwnerLink && req.quarter && req.projectId) {
    const token = await deps.issueOwnerLink({
      mechanismId: req.mechanismId,
      quarter: req.quarter,
      projectId: req.projectId,
      contactId: recipientId,
    });
    link = `${deps.publicUrl}/u/${encodeURIComponent(token)}`;
  }

  const wantsActionItems = ['request', 'reminder', 'overdue', 'minutes', 'action-item-reminder'].includes(kind);
  const openActionItems =
    wantsActionItems && d.openActionItems ? await d.openActionItems(req.mechanismId, recipientId) : [];

  let late: TemplateContext['late'];
  if (escalationKinds.includes(kind)) {
    const owner = contacts.get(str(p.lateOwnerId) ?? project?.owner ?? '');
    const history = await deps.outbox.listForWorkflow(req.workflowId);
    late = {
      ownerName: owner?.name ?? str(p.lateOwnerId) ?? '?',
      ownerEmail: owner?.email,
      dueAt: dueAt ?? deps.now().toISOString(),
      sent: history
        .filter(
          (m) => (m.status === 'sent' || m.status === 'stored') && m.step !== req.step && m.kind !== 'undeliverable',
        )
        .map((m) => ({ kind: m.kind, at: m.sentAt ?? m.createdAt, to: m.toName })),
    };
  }

  const method = calendarMethod[kind];
  const needsSession = method !== undefined || kind === 'session-reminder';
  const stored = needsSession && req.quarter && d.session ? await d.session(req.mechanismId, req.quarter) : undefined;
  const startsAt = str(p.startsAt) ?? stored?.startsAt;
  const session =
    needsSession && startsAt
      ? {
          startsAt,
          durationMinutes: num(p.durationMinutes) ?? stored?.durationMinutes ?? 120,
          venue: str(p.venue) ?? stored?.venue ?? mechanism.venue ?? '-',
          sequence: num(p.sequence) ?? stored?.sequence ?? 0,
          previousStartsAt: str(p.previousStartsAt),
          // The secretariat confirmed a date that is a holiday on a side: the invitation says so (issue 19).
          ...(Array.isArray(p.holidayWarnings) && {
            holidayWarnings: p.holidayWarnings.filter((w): w is string => typeof w === 'string').slice(0, 10),
          }),
        }
      : undefined;

  const attachments = await attachmentsFor(req, deps.directory);

  const requestedBy = str(p.requestedBy);
  const actionItem =
    req.actionItemId && d.actionItem ? await d.actionItem(req.mechanismId, req.actionItemId) : undefined;
  const newDueAt =
    str(p.newDueAt) ?? (str(p.newDueDate) ? endOfDueDate(str(p.newDueDate)!, mechanism.timeZone) : undefined);

  const context: TemplateContext = {
    language: contact.language,
    recipientName: contact.name,
    recipientTimeZone: contact.timeZone ?? mechanism.timeZone,
    mechanismName: mechanism.name,
    mechanismTimeZone: mechanism.timeZone,
    quarter: req.quarter,
    projectTitle: project?.title,
    link,
    dueAt,
    openActionItems,
    late,
    extension:
      p.extensionDays !== undefined || p.days !== undefined || newDueAt || p.reason || requestedBy
        ? {
            days: num(p.extensionDays) ?? num(p.days) ?? 0,
            newDueAt,
            reason: str(p.reason),
            requestedBy: requestedBy ? (contacts.get(requestedBy)?.name ?? requestedBy) : undefined,
          }
        : undefined,
    session,
    actionItem,
    undeliverable: kind === 'undeliverable' ? await describeFailure(req, facts, deps.outbox) : undefined,
    attachmentNames: attachments.map((a) => a.filename),
    dashboardUrl: req.quarter
      ? `${deps.publicUrl}/mechanisms/${encodeURIComponent(req.mechanismId)}/cycles/${encodeURIComponent(req.quarter)}`
      : undefined,
    note: str(p.note),
  };
  // Rendering and the header checks are pure: an error here (a name or title that cannot go into a header, a template
  // bug) is the same on every retry, so it makes this recipient undeliverable instead of failing the step again and again.
  const written = (what: string) => (err: unknown) =>
    new UnaddressableRecipient(
      recipientId,
      `the email could not be written (${what}): ${err instanceof Error ? err.message : String(err)}`,
    );
  let rendered: ReturnType<typeof renderEmail>;
  let toName: string;
  try {
    rendered = renderEmail(kind, context);
    toName = singleLineHeader(contact.name, 'recipient name');
  } catch (err) {
    throw written('rendering')(err);
  }

  let ics: string | undefined;
  if (method && session && req.quarter) {
    const attendees = req.to
      .map((id) => contacts.get(id))
      .filter((c): c is Contact => c !== undefined)
      .map((c) => ({ name: c.name, email: c.email }));
    ics = buildIcsOrRefuse(written('calendar invitation'), {
      method,
      uid: sessionUid(req.mechanismId, req.quarter, deps.from.domain),
      sequence: session.sequence,
      startsAt: session.startsAt,
      durationMinutes: session.durationMinutes,
      timeZone: mechanism.timeZone,
      summary: `${mechanism.name}: quarterly session ${req.quarter}`,
      description: rendered.text,
      location: session.venue,
      organizer: { name: deps.from.name ?? `${mechanism.name} secretariat`, email: deps.from.address },
      attendees,
      stamp: deps.now().toISOString(),
    });
  }

  const id = outboxId(req.workflowId, req.step, recipientId);
  return {
    id,
    workflowId: req.workflowId,
    step: req.step,
    recipientId,
    mechanismId: req.mechanismId,
    quarter: req.quarter,
    projectId: req.projectId,
    kind,
    toName,
    toAddress: contact.email,
    language: contact.language,
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
    ics,
    icsMethod: method,
    attachments,
    messageId: messageIdFor(id, deps.from.domain),
  };
}
