import { DateTime } from 'luxon';
import { type MessageKey, translator } from '../../i18n';
import { formatDate, formatDeadline, formatInstant } from '../format';
import type { NotificationKind } from '../kinds';
import type { Block, EmailContent, TemplateContext } from './content';

/**
 * Every email, once for all languages: the structure is here, the words are in the message catalogue
 * (src/i18n/messages/<language>.json, keys `email.*`). Each function returns plain text pieces; the layout escapes them.
 */

type T = ReturnType<typeof translator>;

/** The pieces every template uses, in the reader's language. */
function words(c: TemplateContext) {
  const t = translator(c.language);
  const quarter = c.quarter || 'none';
  const deadline = (instant: string) => formatDeadline(instant, c.recipientTimeZone, c.language);
  const due = c.dueAt ? deadline(c.dueAt) : t('email.dueNotSet');
  const project = c.projectTitle ?? t('email.yourProject');
  const cycle = t('email.cycle', { mechanism: c.mechanismName, quarter });
  /** The values most messages draw from. */
  const v = { mechanism: c.mechanismName, quarter, project, cycle, due };
  return {
    t,
    v,
    deadline,
    at: (instant: string) => formatInstant(instant, c.recipientTimeZone, c.language),
    date: (isoDate: string) => formatDate(isoDate, c.language),
  };
}

function actionItems(c: TemplateContext, t: T): Block {
  return {
    type: 'list',
    title: t('email.actionItems.title'),
    items: c.openActionItems.map((a) =>
      t('email.actionItems.item', { title: a.title, date: formatDate(a.dueDate, c.language) }),
    ),
    empty: t('email.actionItems.none'),
  };
}

function formButton(c: TemplateContext, label: string): Block[] {
  return c.link ? [{ type: 'button', label, url: c.link }] : [];
}

function attachments(c: TemplateContext, t: T): Block[] {
  return c.attachmentNames.length ? [{ type: 'list', title: t('email.attached'), items: c.attachmentNames }] : [];
}

function cyclePageButton(c: TemplateContext, label: string): Block[] {
  return c.dashboardUrl ? [{ type: 'button', label, url: c.dashboardUrl }] : [];
}

/** The session date falls on a holiday of a side, confirmed by the secretariat: said plainly in the invitation. */
function holidayNotice(c: TemplateContext, t: T): Block[] {
  const warnings = c.session?.holidayWarnings ?? [];
  return warnings.length ? [{ type: 'list', title: t('email.holidayConfirmed'), items: warnings }] : [];
}

function sessionFacts(c: TemplateContext, t: T, at: (instant: string) => string): Block {
  const s = c.session!;
  const end = DateTime.fromISO(s.startsAt, { setZone: true }).plus({ minutes: s.durationMinutes }).toISO()!;
  return {
    type: 'facts',
    rows: [
      [t('email.session.starts'), at(s.startsAt)],
      [t('email.session.ends'), at(end)],
      [t('email.session.venue'), s.venue],
    ],
  };
}

function base(c: TemplateContext, t: T, subject: string, blocks: Block[]): EmailContent {
  return {
    subject,
    greeting: t('email.greeting', { name: c.recipientName }),
    blocks,
    signOff: t('email.signOff', { mechanism: c.mechanismName }),
  };
}

function escalation(c: TemplateContext, ask: MessageKey): EmailContent {
  const { t, v, deadline, at } = words(c);
  const late = c.late;
  const owner = late?.ownerName ?? t('email.escalation.theOwner');
  return base(c, t, t('email.escalation.subject', { ...v, owner }), [
    { type: 'paragraph', text: t('email.escalation.body', v) },
    {
      type: 'facts',
      rows: [
        [
          t('email.escalation.whoIsLate'),
          late ? `${late.ownerName}${late.ownerEmail ? ` <${late.ownerEmail}>` : ''}` : '-',
        ],
        [t('email.escalation.lateSince'), late ? deadline(late.dueAt) : '-'],
      ],
    },
    {
      type: 'list',
      title: t('email.escalation.sentAlready'),
      items: (late?.sent ?? []).map((s) =>
        t('email.escalation.sentItem', { kind: kindName(t, s.kind), to: s.to, at: at(s.at) }),
      ),
      empty: t('email.escalation.nothingRecorded'),
    },
    { type: 'paragraph', text: t(ask) },
    ...cyclePageButton(c, t('email.openCyclePage')),
  ]);
}

const NAMED_KINDS = ['request', 'reminder', 'overdue', 'escalation-supervisor', 'escalation-secretariat'];
/** What an earlier email was, for the escalation's history; an unknown kind reads as its id. */
const kindName = (t: T, kind: string) => (NAMED_KINDS.includes(kind) ? t(`email.kind.${kind}` as MessageKey) : kind);

/** One template per kind; the reader's language comes from the context. */
export const templates: Record<NotificationKind, (c: TemplateContext) => EmailContent> = {
  request: (c) => {
    const { t, v } = words(c);
    return base(c, t, t('email.request.subject', v), [
      { type: 'paragraph', text: t('email.request.body', v) },
      {
        type: 'facts',
        rows: [
          [t('email.label.due'), v.due],
          [t('email.label.project'), v.project],
        ],
      },
      ...formButton(c, t('email.openForm')),
      actionItems(c, t),
      { type: 'paragraph', text: t('email.request.personal') },
    ]);
  },
  reminder: (c) => {
    const { t, v, deadline } = words(c);
    return base(c, t, t('email.reminder.subject', { ...v, due: c.dueAt ? deadline(c.dueAt) : 'none' }), [
      { type: 'paragraph', text: t('email.reminder.body', v) },
      {
        type: 'facts',
        rows: [
          [t('email.label.due'), v.due],
          [t('email.label.project'), v.project],
        ],
      },
      ...formButton(c, t('email.openForm')),
      actionItems(c, t),
    ]);
  },
  overdue: (c) => {
    const { t, v } = words(c);
    return base(c, t, t('email.overdue.subject', v), [
      { type: 'paragraph', text: t('email.overdue.body', v) },
      ...formButton(c, t('email.openForm')),
      actionItems(c, t),
    ]);
  },
  'escalation-supervisor': (c) => escalation(c, 'email.escalation-supervisor.ask'),
  'escalation-secretariat': (c) => escalation(c, 'email.escalation-secretariat.ask'),
  receipt: (c) => {
    const { t, v } = words(c);
    return base(c, t, t('email.receipt.subject', v), [
      { type: 'paragraph', text: t('email.receipt.body', v) },
      // Receipts are coalesced (issue 15): the email names the revision it confirms and says the rule.
      ...(c.receipt
        ? [
            {
              type: 'paragraph' as const,
              text:
                c.receipt.covers > 1
                  ? t('email.receipt.revisions', { revision: c.receipt.revision, count: c.receipt.covers })
                  : t('email.receipt.revision', { revision: c.receipt.revision }),
            },
            { type: 'paragraph' as const, text: t('email.receipt.hourly') },
          ]
        : []),
      {
        type: 'paragraph',
        text: c.dueAt ? t('email.receipt.amendUntil', v) : t('email.receipt.amendUntilClose'),
      },
      ...formButton(c, t('email.receipt.button')),
    ]);
  },
  'extension-granted': (c) => {
    const { t, v } = words(c);
    return base(c, t, t('email.extension-granted.subject', v), [
      { type: 'paragraph', text: t('email.extension-granted.body', v) },
      {
        type: 'facts',
        rows: [
          [t('email.extension-granted.newDeadline'), v.due],
          ...(c.extension?.days
            ? [
                [t('email.extension-granted.extension'), t('email.extension.days', { days: c.extension.days })] as [
                  string,
                  string,
                ],
              ]
            : []),
        ],
      },
      ...formButton(c, t('email.openForm')),
    ]);
  },
  'extension-refused': (c) => {
    const { t, v } = words(c);
    return base(c, t, t('email.extension-refused.subject', v), [
      { type: 'paragraph', text: t('email.extension-refused.body', v) },
      ...formButton(c, t('email.openForm')),
    ]);
  },
  'extension-requested': (c) => {
    const { t, v } = words(c);
    const requestedBy = c.extension?.requestedBy ?? t('email.theOwner');
    return base(c, t, t('email.extension-requested.subject', v), [
      {
        type: 'paragraph',
        text: t('email.extension-requested.body', { ...v, requestedBy, days: c.extension?.days ?? 0 }),
      },
      { type: 'facts', rows: [[t('email.extension-requested.currentDeadline'), v.due]] },
      ...cyclePageButton(c, t('email.extension-requested.button')),
    ]);
  },
  'report-ready': (c) => {
    const { t, v } = words(c);
    return base(c, t, t('email.report-ready.subject', v), [
      { type: 'paragraph', text: t('email.report-ready.body', v) },
      ...attachments(c, t),
      ...cyclePageButton(c, t('email.openCyclePage')),
    ]);
  },
  invitation: (c) => {
    const { t, v, at } = words(c);
    return base(c, t, t('email.invitation.subject', v), [
      { type: 'paragraph', text: t('email.invitation.body', v) },
      sessionFacts(c, t, at),
      ...holidayNotice(c, t),
      ...attachments(c, t),
    ]);
  },
  'invitation-update': (c) => {
    const { t, v, at } = words(c);
    return base(c, t, t('email.invitation-update.subject', v), [
      { type: 'paragraph', text: t('email.invitation-update.body', v) },
      sessionFacts(c, t, at),
      ...holidayNotice(c, t),
      ...(c.session?.previousStartsAt
        ? [
            {
              type: 'facts',
              rows: [[t('email.invitation-update.previously'), at(c.session.previousStartsAt)]],
            } as Block,
          ]
        : []),
      ...attachments(c, t),
    ]);
  },
  'invitation-cancel': (c) => {
    const { t, v, at } = words(c);
    return base(c, t, t('email.invitation-cancel.subject', v), [
      {
        type: 'paragraph',
        text: t('email.invitation-cancel.body', { ...v, startsAt: c.session ? at(c.session.startsAt) : 'none' }),
      },
    ]);
  },
  'session-reminder': (c) => {
    const { t, v, at } = words(c);
    return base(c, t, t('email.session-reminder.subject', v), [
      { type: 'paragraph', text: t('email.session-reminder.body', v) },
      sessionFacts(c, t, at),
      ...attachments(c, t),
    ]);
  },
  minutes: (c) => {
    const { t, v } = words(c);
    return base(c, t, t('email.minutes.subject', v), [
      { type: 'paragraph', text: t('email.minutes.body', v) },
      ...attachments(c, t),
      actionItems(c, t),
    ]);
  },
  'action-item-reminder': (c) => {
    const { t, v, date } = words(c);
    const item = c.actionItem;
    return base(
      c,
      t,
      t('email.action-item-reminder.subject', { date: item ? date(item.dueDate) : '', title: item?.title ?? '' }),
      [
        { type: 'paragraph', text: t('email.action-item-reminder.body', v) },
        {
          type: 'facts',
          rows: [
            [t('email.label.actionItem'), item?.title ?? '-'],
            [t('email.label.dueDate'), item ? date(item.dueDate) : '-'],
          ],
        },
        actionItems(c, t),
      ],
    );
  },
  'action-item-overdue': (c) => {
    const { t, v, date } = words(c);
    const item = c.actionItem;
    return base(c, t, t('email.action-item-overdue.subject', { title: item?.title ?? '' }), [
      { type: 'paragraph', text: t('email.action-item-overdue.body', { ...v, date: item ? date(item.dueDate) : '-' }) },
      { type: 'facts', rows: [[t('email.label.actionItem'), item?.title ?? '-']] },
    ]);
  },
  undeliverable: (c) => {
    const { t } = words(c);
    const u = c.undeliverable;
    return base(c, t, t('email.undeliverable.subject', { subject: u?.subject || 'none' }), [
      { type: 'paragraph', text: t('email.undeliverable.body') },
      {
        type: 'facts',
        rows: [
          [t('email.undeliverable.subjectLabel'), u?.subject ?? '-'],
          ...(u?.step ? [[t('email.undeliverable.step'), u.step] as [string, string]] : []),
        ],
      },
      {
        type: 'list',
        title: t('email.undeliverable.notDeliveredTo'),
        items: (u?.recipients ?? []).map((r) => t('email.undeliverable.item', { ...r })),
      },
      ...cyclePageButton(c, t('email.openCyclePage')),
    ]);
  },
};
