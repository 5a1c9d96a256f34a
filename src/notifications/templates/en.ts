import { DateTime } from 'luxon';
import { formatDate, formatDeadline, formatInstant } from '../format';
import type { NotificationKind } from '../kinds';
import type { Block, EmailContent, TemplateContext } from './content';

/** English texts of every email. Each function returns plain text pieces; the layout escapes them. */

const KIND_NAMES: Record<string, string> = {
  request: 'update request',
  reminder: 'reminder',
  overdue: 'overdue notice',
  'escalation-supervisor': 'escalation to supervisor',
  'escalation-secretariat': 'escalation to secretariat',
};

const due = (c: TemplateContext) => (c.dueAt ? deadline(c, c.dueAt) : 'not set');
/** A due instant, shown as its last minute (format.ts). */
const deadline = (c: TemplateContext, instant: string) => formatDeadline(instant, c.recipientTimeZone, 'en');
const at = (c: TemplateContext, instant: string) => formatInstant(instant, c.recipientTimeZone, 'en');
const project = (c: TemplateContext) => c.projectTitle ?? 'your project';
const cycle = (c: TemplateContext) => `${c.mechanismName}${c.quarter ? `, ${c.quarter}` : ''}`;

function actionItems(c: TemplateContext): Block {
  return {
    type: 'list',
    title: 'Your open action items from previous sessions',
    items: c.openActionItems.map((a) => `${a.title} (due ${formatDate(a.dueDate, 'en')})`),
    empty: 'None.',
  };
}

function formButton(c: TemplateContext, label = 'Open the update form'): Block[] {
  return c.link ? [{ type: 'button', label, url: c.link }] : [];
}

function attachments(c: TemplateContext): Block[] {
  return c.attachmentNames.length ? [{ type: 'list', title: 'Attached', items: c.attachmentNames }] : [];
}

/** The session date falls on a holiday of a side, confirmed by the secretariat: said plainly in the invitation. */
function holidayNotice(c: TemplateContext): Block[] {
  const warnings = c.session?.holidayWarnings ?? [];
  return warnings.length
    ? [
        {
          type: 'list',
          title: 'Please note: the secretariat has confirmed this date although it is a holiday',
          items: warnings,
        },
      ]
    : [];
}

function sessionFacts(c: TemplateContext): Block {
  const s = c.session!;
  const end = DateTime.fromISO(s.startsAt, { setZone: true }).plus({ minutes: s.durationMinutes }).toISO()!;
  return {
    type: 'facts',
    rows: [
      ['Starts', at(c, s.startsAt)],
      ['Ends', at(c, end)],
      ['Venue', s.venue],
    ],
  };
}

const base = (c: TemplateContext, subject: string, blocks: Block[]): EmailContent => ({
  subject,
  greeting: `Dear ${c.recipientName},`,
  blocks,
  signOff: `Kind regards,\nThe secretariat of the ${c.mechanismName}`,
});

/** English templates, one per kind. */
export const en: Record<NotificationKind, (c: TemplateContext) => EmailContent> = {
  request: (c) =>
    base(c, `Quarterly update requested: ${project(c)} (${cycle(c)})`, [
      {
        type: 'paragraph',
        text: `The ${c.mechanismName} is preparing its quarterly review. Please send the update on ${project(c)} for ${c.quarter ?? 'this quarter'} using your personal link below. Last quarter's answers are pre-filled; you can amend your update until the deadline.`,
      },
      {
        type: 'facts',
        rows: [
          ['Due', due(c)],
          ['Project', project(c)],
        ],
      },
      ...formButton(c),
      actionItems(c),
      {
        type: 'paragraph',
        text: 'The link is personal to you: please do not forward it. If you need more time, you can ask for an extension on the form.',
      },
    ]),
  reminder: (c) =>
    base(c, `Reminder: update on ${project(c)} due ${c.dueAt ? deadline(c, c.dueAt) : ''}`.trim(), [
      {
        type: 'paragraph',
        text: `This is a reminder that the quarterly update on ${project(c)} (${cycle(c)}) has not been received yet.`,
      },
      {
        type: 'facts',
        rows: [
          ['Due', due(c)],
          ['Project', project(c)],
        ],
      },
      ...formButton(c),
      actionItems(c),
    ]),
  overdue: (c) =>
    base(c, `Overdue: update on ${project(c)} (${cycle(c)})`, [
      {
        type: 'paragraph',
        text: `The quarterly update on ${project(c)} was due on ${due(c)} and has not been received. Please send it as soon as possible, or ask for an extension on the form.`,
      },
      ...formButton(c),
      actionItems(c),
    ]),
  'escalation-supervisor': (c) =>
    escalation(c, 'As the supervisor of the person responsible, could you please help make sure the update is sent.'),
  'escalation-secretariat': (c) =>
    escalation(
      c,
      'The reminders and the escalation to the supervisor have not produced an answer. You may extend the deadline, waive the update or reassign the project from the cycle page.',
    ),
  receipt: (c) =>
    base(c, `Received: update on ${project(c)} (${cycle(c)})`, [
      {
        type: 'paragraph',
        text: `Thank you. Your update on ${project(c)} for ${c.quarter ?? 'this quarter'} has been received and recorded.`,
      },
      {
        type: 'paragraph',
        text: c.dueAt
          ? `You can still amend it until ${due(c)} using the same link.`
          : 'You can still amend it using the same link until collection closes.',
      },
      ...formButton(c, 'Review or amend your update'),
    ]),
  'extension-granted': (c) =>
    base(c, `Extension granted: update on ${project(c)}`, [
      {
        type: 'paragraph',
        text: `Your update on ${project(c)} (${cycle(c)}) may now be sent until the new deadline below.`,
      },
      {
        type: 'facts',
        rows: [
          ['New deadline', due(c)],
          ...(c.extension?.days ? [['Extension', `${c.extension.days} day(s)`] as [string, string]] : []),
        ],
      },
      ...formButton(c),
    ]),
  'extension-refused': (c) =>
    base(c, `Extension not granted: update on ${project(c)}`, [
      {
        type: 'paragraph',
        text: `The secretariat could not grant the extension you asked for on ${project(c)} (${cycle(c)}). The deadline stays ${due(c)}.`,
      },
      ...formButton(c),
    ]),
  'extension-requested': (c) =>
    base(c, `Extension requested: ${project(c)} (${cycle(c)})`, [
      {
        type: 'paragraph',
        text: `${c.extension?.requestedBy ?? 'The owner'} asks for ${c.extension?.days ?? '?'} more day(s) to send the update on ${project(c)}. This is beyond the automatic limit, so it waits for your decision.`,
      },
      { type: 'facts', rows: [['Current deadline', due(c)]] },
      ...(c.dashboardUrl ? [{ type: 'button', label: 'Decide on the cycle page', url: c.dashboardUrl } as Block] : []),
    ]),
  'report-ready': (c) =>
    base(c, `Progress report ready: ${cycle(c)}`, [
      {
        type: 'paragraph',
        text: `The quarterly progress report of the ${c.mechanismName} for ${c.quarter ?? 'this quarter'} has been compiled.`,
      },
      ...attachments(c),
      ...(c.dashboardUrl ? [{ type: 'button', label: 'Open the cycle page', url: c.dashboardUrl } as Block] : []),
    ]),
  invitation: (c) =>
    base(c, `Invitation: ${c.mechanismName} session, ${c.quarter ?? ''}`.replace(/, $/, ''), [
      {
        type: 'paragraph',
        text: `You are invited to the quarterly session of the ${c.mechanismName}. A calendar invitation, the agenda and the progress report are attached.`,
      },
      sessionFacts(c),
      ...holidayNotice(c),
      ...attachments(c),
    ]),
  'invitation-update': (c) =>
    base(c, `Updated invitation: ${c.mechanismName} session, ${c.quarter ?? ''}`.replace(/, $/, ''), [
      {
        type: 'paragraph',
        text: `The quarterly session of the ${c.mechanismName} has been rescheduled. The calendar invitation attached replaces the previous one.`,
      },
      sessionFacts(c),
      ...holidayNotice(c),
      ...(c.session?.previousStartsAt
        ? [{ type: 'facts', rows: [['Previously', at(c, c.session.previousStartsAt)]] } as Block]
        : []),
      ...attachments(c),
    ]),
  'invitation-cancel': (c) =>
    base(c, `Cancelled: ${c.mechanismName} session, ${c.quarter ?? ''}`.replace(/, $/, ''), [
      {
        type: 'paragraph',
        text: `The quarterly session of the ${c.mechanismName} planned for ${c.session ? at(c, c.session.startsAt) : 'the announced date'} is cancelled. The attached calendar message removes it from your calendar.`,
      },
    ]),
  'session-reminder': (c) =>
    base(c, `Tomorrow: ${c.mechanismName} session`, [
      {
        type: 'paragraph',
        text: `A reminder that the quarterly session of the ${c.mechanismName} takes place tomorrow.`,
      },
      sessionFacts(c),
      ...attachments(c),
    ]),
  minutes: (c) =>
    base(c, `Minutes: ${c.mechanismName} session, ${c.quarter ?? ''}`.replace(/, $/, ''), [
      {
        type: 'paragraph',
        text: `Please find attached the minutes of the quarterly session of the ${c.mechanismName}, with the decisions and action items agreed.`,
      },
      ...attachments(c),
      actionItems(c),
    ]),
  'action-item-reminder': (c) =>
    base(
      c,
      `Action item due ${c.actionItem ? formatDate(c.actionItem.dueDate, 'en') : ''}: ${c.actionItem?.title ?? ''}`,
      [
        {
          type: 'paragraph',
          text: `This is a reminder of an action item agreed at a session of the ${c.mechanismName} and assigned to you.`,
        },
        {
          type: 'facts',
          rows: [
            ['Action item', c.actionItem?.title ?? '-'],
            ['Due', c.actionItem ? formatDate(c.actionItem.dueDate, 'en') : '-'],
          ],
        },
        actionItems(c),
      ],
    ),
  'action-item-overdue': (c) =>
    base(c, `Action item overdue: ${c.actionItem?.title ?? ''}`, [
      {
        type: 'paragraph',
        text: `The action item below, assigned to you at a session of the ${c.mechanismName}, was due on ${c.actionItem ? formatDate(c.actionItem.dueDate, 'en') : '-'} and is not marked done. Please report progress to the secretariat.`,
      },
      { type: 'facts', rows: [['Action item', c.actionItem?.title ?? '-']] },
    ]),
  undeliverable: (c) =>
    base(c, `Undeliverable: ${c.undeliverable?.subject ?? 'an email'}`, [
      {
        type: 'paragraph',
        text: 'An email could not be delivered and will not be retried. The cycle goes on; please check each recipient below and the reason given.',
      },
      {
        type: 'facts',
        rows: [
          ['Subject', c.undeliverable?.subject ?? '-'],
          ...(c.undeliverable?.step ? [['Step', c.undeliverable.step] as [string, string]] : []),
        ],
      },
      {
        type: 'list',
        title: 'Not delivered to',
        items: (c.undeliverable?.recipients ?? []).map((r) => `${r.name} <${r.address}>: ${r.reason}`),
      },
      ...(c.dashboardUrl ? [{ type: 'button', label: 'Open the cycle page', url: c.dashboardUrl } as Block] : []),
    ]),
};

function escalation(c: TemplateContext, ask: string): EmailContent {
  const late = c.late;
  return base(c, `Late: update on ${project(c)} from ${late?.ownerName ?? 'the owner'} (${cycle(c)})`, [
    { type: 'paragraph', text: `The quarterly update on ${project(c)} is late.` },
    {
      type: 'facts',
      rows: [
        ['Who is late', late ? `${late.ownerName}${late.ownerEmail ? ` <${late.ownerEmail}>` : ''}` : '-'],
        ['Late since', late ? deadline(c, late.dueAt) : '-'],
      ],
    },
    {
      type: 'list',
      title: 'Sent already',
      items: (late?.sent ?? []).map((s) => `${KIND_NAMES[s.kind] ?? s.kind} to ${s.to}, ${at(c, s.at)}`),
      empty: 'Nothing recorded.',
    },
    { type: 'paragraph', text: ask },
    ...(c.dashboardUrl ? [{ type: 'button', label: 'Open the cycle page', url: c.dashboardUrl } as Block] : []),
  ]);
}
