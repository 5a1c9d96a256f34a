import { endOfDay, type Contact, email as emailSchema, type Mechanism, nameIn, withoutLineSeparators } from '../domain';
import type { NewOutboxMessage, OutboxAttachment, OutboxRepository } from '../store/outbox';
import type { Directory } from './directory';
import { singleLineHeader } from './escape';
import { buildIcs, sessionUid } from './ics';
import { calendarMethod, kindsWithOwnerLink, type NotificationKind } from './kinds';
import { messageIdFor, outboxId } from './message-id';
import type { NotificationRequest, NotificationRequestOf } from './request';
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
  req: NotificationRequestOf<'undeliverable'>,
  facts: StepFacts,
  outbox: OutboxRepository,
): Promise<NonNullable<TemplateContext['undeliverable']>> {
  const { failedStep, failedKind, recipients: ids } = req.params;
  let subject: string | undefined;
  const recipients = [];
  for (const id of ids) {
    const row = await outbox.getByKey(req.workflowId, failedStep, id);
    const contact = facts.contacts.get(id);
    subject ??= row?.subject;
    recipients.push({
      // The name may be why the step failed (a line separator in it): the notice shows it on one line.
      name: withoutLineSeparators(contact?.name ?? id),
      address: row?.toAddress || contact?.email || '?',
      reason: row?.lastError ?? 'not delivered',
    });
  }
  return { subject: subject ?? failedKind, ...(failedStep && { step: failedStep }), recipients };
}

/** `buildIcs`, its errors turned into the recipient's permanent failure. */
function buildIcsOrRefuse(refuse: (err: unknown) => Error, input: Parameters<typeof buildIcs>[0]): string {
  try {
    return buildIcs(input);
  } catch (err) {
    throw refuse(err);
  }
}

/**
 * The documents a step attaches: the report's or the minutes' files, or an invitation's agenda and the files of
 * the report version it names. Each group circulates its PDF when it has one (DOCX is for editing, HTML for the
 * pages); the secretariat's report-ready email carries every format but HTML.
 */
async function attachmentsFor(req: NotificationRequest, directory: Directory): Promise<OutboxAttachment[]> {
  const groups: string[][] = [];
  if (req.kind === 'report-ready' || req.kind === 'minutes') groups.push(req.params.documentIds);
  if (req.kind === 'invitation' || req.kind === 'invitation-update') {
    groups.push(req.params.agendaDocumentIds);
    if (req.quarter && directory.reportDocumentIds) {
      groups.push(await directory.reportDocumentIds(req.mechanismId, req.quarter, req.params.reportVersion));
    }
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
  const d = deps.directory;
  const kind: NotificationKind = req.kind;

  const project = req.projectId && d.project ? await d.project(req.mechanismId, req.projectId) : undefined;
  // The due instant: the end of the due date in the mechanism's zone (midnight after it), the same instant the
  // workflows judge lateness by; the templates show it as the last minute of the due date (format.ts).
  const dueAt = 'dueDate' in req.params ? endOfDay(req.params.dueDate, mechanism.timeZone) : undefined;

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

  /** A contact's name (title) in the reader's language where the mechanism file gives one (domain/names.ts); else the id. */
  const nameOf = (id: string) => {
    const c = contacts.get(id);
    return (c && nameIn(c, 'name', contact.language)) ?? id;
  };

  const wantsActionItems = ['request', 'reminder', 'overdue', 'minutes', 'action-item-reminder'].includes(kind);
  const openActionItems =
    wantsActionItems && d.openActionItems ? await d.openActionItems(req.mechanismId, recipientId) : [];

  let late: TemplateContext['late'];
  if (req.kind === 'escalation-supervisor' || req.kind === 'escalation-secretariat') {
    // The owner the workflow names (after any reassignment); the portfolio's owner for a step scheduled before
    // escalations named one.
    const lateOwnerId = req.params.lateOwnerId ?? project?.owner;
    const owner = lateOwnerId !== undefined ? contacts.get(lateOwnerId) : undefined;
    const history = await deps.outbox.listForWorkflow(req.workflowId);
    late = {
      ownerName: lateOwnerId !== undefined ? nameOf(lateOwnerId) : '?',
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
  const invited = req.kind === 'invitation' || req.kind === 'invitation-update' ? req.params : undefined;
  const sessionParams =
    invited ?? (req.kind === 'invitation-cancel' || req.kind === 'session-reminder' ? req.params : undefined);
  const startsAt = sessionParams?.startsAt ?? stored?.startsAt;
  const session =
    needsSession && startsAt
      ? {
          startsAt,
          durationMinutes: invited?.durationMinutes ?? stored?.durationMinutes ?? 120,
          venue: stored?.venue ?? mechanism.venue ?? '-',
          sequence: sessionParams?.sequence ?? stored?.sequence ?? 0,
          // The secretariat confirmed a date that is a holiday on a side: the invitation says so (issue 19).
          ...(invited?.holidayWarnings && { holidayWarnings: invited.holidayWarnings.slice(0, 10) }),
          ...(invited?.previousStartsAt && { previousStartsAt: invited.previousStartsAt }),
        }
      : undefined;

  const attachments = await attachmentsFor(req, deps.directory);

  const actionItem =
    req.actionItemId && d.actionItem ? await d.actionItem(req.mechanismId, req.actionItemId) : undefined;

  const context: TemplateContext = {
    language: contact.language,
    // Names in the reader's language where the mechanism file gives one (domain/names.ts), else in English.
    recipientName: nameIn(contact, 'name', contact.language),
    recipientTimeZone: contact.timeZone ?? mechanism.timeZone,
    mechanismName: nameIn(mechanism, 'name', contact.language),
    mechanismTimeZone: mechanism.timeZone,
    quarter: req.quarter,
    projectTitle: project && nameIn(project, 'title', contact.language),
    link,
    dueAt,
    openActionItems,
    late,
    extension:
      req.kind === 'extension-requested'
        ? {
            days: req.params.days,
            requestedBy: nameOf(req.params.requestedBy),
          }
        : undefined,
    session,
    actionItem,
    receipt:
      req.kind === 'receipt' && req.params.revision !== undefined
        ? { revision: req.params.revision, covers: req.params.covers ?? 1 }
        : undefined,
    undeliverable: req.kind === 'undeliverable' ? await describeFailure(req, facts, deps.outbox) : undefined,
    attachmentNames: attachments.map((a) => a.filename),
    dashboardUrl: req.quarter
      ? `${deps.publicUrl}/mechanisms/${encodeURIComponent(req.mechanismId)}/cycles/${encodeURIComponent(req.quarter)}`
      : undefined,
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

  return {
    ...outboxKeyOf(req, recipientId, deps.from.domain),
    toName,
    toAddress: contact.email,
    language: contact.language,
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
    ics,
    icsMethod: method,
    attachments,
  };
}

/** What names one recipient's email of a step in the outbox: its key, where it belongs, its Message-ID. */
export function outboxKeyOf(
  req: NotificationRequest,
  recipientId: string,
  domain: string,
): Pick<
  NewOutboxMessage,
  'id' | 'workflowId' | 'step' | 'recipientId' | 'mechanismId' | 'quarter' | 'projectId' | 'kind' | 'messageId'
> {
  const id = outboxId(req.workflowId, req.step, recipientId);
  return {
    id,
    workflowId: req.workflowId,
    step: req.step,
    recipientId,
    mechanismId: req.mechanismId,
    quarter: req.quarter,
    projectId: req.projectId,
    kind: req.kind,
    messageId: messageIdFor(id, domain),
  };
}
