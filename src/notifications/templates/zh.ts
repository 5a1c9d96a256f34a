import { DateTime } from 'luxon';
import { formatDate, formatDeadline, formatInstant } from '../format';
import type { NotificationKind } from '../kinds';
import type { Block, EmailContent, TemplateContext } from './content';

/** Chinese (simplified) texts of every email. Each function returns plain text pieces; the layout escapes them. */

const KIND_NAMES: Record<string, string> = {
  request: '进展更新请求',
  reminder: '提醒',
  overdue: '逾期通知',
  'escalation-supervisor': '上报主管',
  'escalation-secretariat': '上报秘书处',
};

const due = (c: TemplateContext) => (c.dueAt ? deadline(c, c.dueAt) : '未设定');
/** A due instant, shown as its last minute (format.ts). */
const deadline = (c: TemplateContext, instant: string) => formatDeadline(instant, c.recipientTimeZone, 'zh');
const at = (c: TemplateContext, instant: string) => formatInstant(instant, c.recipientTimeZone, 'zh');
const project = (c: TemplateContext) => c.projectTitle ?? '您负责的项目';
const cycle = (c: TemplateContext) => `${c.mechanismName}${c.quarter ? ` ${c.quarter}` : ''}`;

function actionItems(c: TemplateContext): Block {
  return {
    type: 'list',
    title: '您在以往会议中承担的未完成行动事项',
    items: c.openActionItems.map((a) => `${a.title}（截止 ${formatDate(a.dueDate, 'zh')}）`),
    empty: '无。',
  };
}

function formButton(c: TemplateContext, label = '打开进展更新表'): Block[] {
  return c.link ? [{ type: 'button', label, url: c.link }] : [];
}

function attachments(c: TemplateContext): Block[] {
  return c.attachmentNames.length ? [{ type: 'list', title: '附件', items: c.attachmentNames }] : [];
}

/** 会议日期为一方节假日、秘书处已确认：邀请中明确说明。 */
function holidayNotice(c: TemplateContext): Block[] {
  const warnings = c.session?.holidayWarnings ?? [];
  return warnings.length
    ? [{ type: 'list', title: '请注意：秘书处已确认该日期，尽管当天为一方的节假日', items: warnings }]
    : [];
}

function sessionFacts(c: TemplateContext): Block {
  const s = c.session!;
  const end = DateTime.fromISO(s.startsAt, { setZone: true }).plus({ minutes: s.durationMinutes }).toISO()!;
  return {
    type: 'facts',
    rows: [
      ['开始', at(c, s.startsAt)],
      ['结束', at(c, end)],
      ['地点', s.venue],
    ],
  };
}

const base = (c: TemplateContext, subject: string, blocks: Block[]): EmailContent => ({
  subject,
  greeting: `尊敬的${c.recipientName}：`,
  blocks,
  signOff: `此致\n${c.mechanismName}秘书处`,
});

const session = (c: TemplateContext) => `${c.mechanismName}${c.quarter ? ` ${c.quarter}` : ''}季度会议`;

/** Chinese templates, one per kind. */
export const zh: Record<NotificationKind, (c: TemplateContext) => EmailContent> = {
  request: (c) =>
    base(c, `请提交季度进展：${project(c)}（${cycle(c)}）`, [
      {
        type: 'paragraph',
        text: `${c.mechanismName}正在准备季度审议。请通过下方您的专属链接提交${project(c)}${c.quarter ? ` ${c.quarter}` : '本季度'}的进展情况。表格已预填上季度的内容；截止前您可随时修改。`,
      },
      {
        type: 'facts',
        rows: [
          ['截止时间', due(c)],
          ['项目', project(c)],
        ],
      },
      ...formButton(c),
      actionItems(c),
      { type: 'paragraph', text: '此链接仅供您本人使用，请勿转发。如需延期，可在表格中申请。' },
    ]),
  reminder: (c) =>
    base(c, `提醒：${project(c)}进展更新将于${c.dueAt ? deadline(c, c.dueAt) : ''}截止`, [
      { type: 'paragraph', text: `特此提醒：尚未收到${project(c)}（${cycle(c)}）的季度进展更新。` },
      {
        type: 'facts',
        rows: [
          ['截止时间', due(c)],
          ['项目', project(c)],
        ],
      },
      ...formButton(c),
      actionItems(c),
    ]),
  overdue: (c) =>
    base(c, `已逾期：${project(c)}进展更新（${cycle(c)}）`, [
      {
        type: 'paragraph',
        text: `${project(c)}的季度进展更新已于${due(c)}到期，尚未收到。请尽快提交，或在表格中申请延期。`,
      },
      ...formButton(c),
      actionItems(c),
    ]),
  'escalation-supervisor': (c) => escalation(c, '您是该项目负责人的主管，烦请协助督促其尽快提交。'),
  'escalation-secretariat': (c) =>
    escalation(c, '多次提醒及上报主管后仍未收到答复。您可在周期页面延长期限、免除本次更新或更换负责人。'),
  receipt: (c) =>
    base(c, `已收到：${project(c)}进展更新（${cycle(c)}）`, [
      {
        type: 'paragraph',
        text: `谢谢。您提交的${project(c)}${c.quarter ? ` ${c.quarter}` : '本季度'}进展更新已收到并记录。`,
      },
      {
        type: 'paragraph',
        text: c.dueAt ? `在${due(c)}之前，您仍可通过同一链接修改。` : '在收集截止前，您仍可通过同一链接修改。',
      },
      ...formButton(c, '查看或修改您的更新'),
    ]),
  'extension-granted': (c) =>
    base(c, `延期已批准：${project(c)}进展更新`, [
      { type: 'paragraph', text: `您可在下列新的截止时间前提交${project(c)}（${cycle(c)}）的进展更新。` },
      {
        type: 'facts',
        rows: [
          ['新截止时间', due(c)],
          ...(c.extension?.days ? [['延期', `${c.extension.days}天`] as [string, string]] : []),
        ],
      },
      ...formButton(c),
    ]),
  'extension-refused': (c) =>
    base(c, `延期未获批准：${project(c)}进展更新`, [
      {
        type: 'paragraph',
        text: `秘书处未能批准您就${project(c)}（${cycle(c)}）提出的延期申请。截止时间仍为${due(c)}。`,
      },
      ...formButton(c),
    ]),
  'extension-requested': (c) =>
    base(c, `延期申请：${project(c)}（${cycle(c)}）`, [
      {
        type: 'paragraph',
        text: `${c.extension?.requestedBy ?? '项目负责人'}申请延期${c.extension?.days ?? '?'}天提交${project(c)}的进展更新。该申请超出自动批准上限，需要您决定。`,
      },
      { type: 'facts', rows: [['当前截止时间', due(c)]] },
      ...(c.dashboardUrl ? [{ type: 'button', label: '在周期页面处理', url: c.dashboardUrl } as Block] : []),
    ]),
  'report-ready': (c) =>
    base(c, `季度进展报告已生成：${cycle(c)}`, [
      { type: 'paragraph', text: `${c.mechanismName}${c.quarter ? ` ${c.quarter}` : '本季度'}进展报告已汇编完成。` },
      ...attachments(c),
      ...(c.dashboardUrl ? [{ type: 'button', label: '打开周期页面', url: c.dashboardUrl } as Block] : []),
    ]),
  invitation: (c) =>
    base(c, `会议邀请：${session(c)}`, [
      { type: 'paragraph', text: `诚邀您出席${session(c)}。随函附上日历邀请、会议议程和进展报告。` },
      sessionFacts(c),
      ...holidayNotice(c),
      ...attachments(c),
    ]),
  'invitation-update': (c) =>
    base(c, `会议邀请已更新：${session(c)}`, [
      { type: 'paragraph', text: `${session(c)}已改期。所附日历邀请将替换此前的邀请。` },
      sessionFacts(c),
      ...holidayNotice(c),
      ...(c.session?.previousStartsAt
        ? [{ type: 'facts', rows: [['原定时间', at(c, c.session.previousStartsAt)]] } as Block]
        : []),
      ...attachments(c),
    ]),
  'invitation-cancel': (c) =>
    base(c, `会议取消：${session(c)}`, [
      {
        type: 'paragraph',
        text: `原定于${c.session ? at(c, c.session.startsAt) : '通知日期'}举行的${session(c)}已取消。所附日历消息将从您的日历中删除该会议。`,
      },
    ]),
  'session-reminder': (c) =>
    base(c, `明日会议提醒：${session(c)}`, [
      { type: 'paragraph', text: `特此提醒：${session(c)}将于明天举行。` },
      sessionFacts(c),
      ...attachments(c),
    ]),
  minutes: (c) =>
    base(c, `会议纪要：${session(c)}`, [
      { type: 'paragraph', text: `随函附上${session(c)}纪要，包括会议商定的决定和行动事项。` },
      ...attachments(c),
      actionItems(c),
    ]),
  'action-item-reminder': (c) =>
    base(
      c,
      `行动事项将于${c.actionItem ? formatDate(c.actionItem.dueDate, 'zh') : ''}到期：${c.actionItem?.title ?? ''}`,
      [
        { type: 'paragraph', text: `特此提醒：${c.mechanismName}会议商定并由您负责的行动事项即将到期。` },
        {
          type: 'facts',
          rows: [
            ['行动事项', c.actionItem?.title ?? '-'],
            ['截止日期', c.actionItem ? formatDate(c.actionItem.dueDate, 'zh') : '-'],
          ],
        },
        actionItems(c),
      ],
    ),
  'action-item-overdue': (c) =>
    base(c, `行动事项已逾期：${c.actionItem?.title ?? ''}`, [
      {
        type: 'paragraph',
        text: `以下由您负责的${c.mechanismName}会议行动事项已于${c.actionItem ? formatDate(c.actionItem.dueDate, 'zh') : '-'}到期，尚未标记完成。请向秘书处报告进展。`,
      },
      { type: 'facts', rows: [['行动事项', c.actionItem?.title ?? '-']] },
    ]),
  undeliverable: (c) =>
    base(c, `邮件无法送达：${c.undeliverable?.subject ?? ''}`, [
      { type: 'paragraph', text: '一封邮件无法送达，且不会再重试。周期继续进行；请核对以下每位收件人及所列原因。' },
      {
        type: 'facts',
        rows: [
          ['主题', c.undeliverable?.subject ?? '-'],
          ...(c.undeliverable?.step ? [['步骤', c.undeliverable.step] as [string, string]] : []),
        ],
      },
      {
        type: 'list',
        title: '未送达',
        items: (c.undeliverable?.recipients ?? []).map((r) => `${r.name} <${r.address}>：${r.reason}`),
      },
      ...(c.dashboardUrl ? [{ type: 'button', label: '打开周期页面', url: c.dashboardUrl } as Block] : []),
    ]),
};

function escalation(c: TemplateContext, ask: string): EmailContent {
  const late = c.late;
  return base(c, `逾期未交：${late?.ownerName ?? '负责人'}的${project(c)}进展更新（${cycle(c)}）`, [
    { type: 'paragraph', text: `${project(c)}的季度进展更新已逾期。` },
    {
      type: 'facts',
      rows: [
        ['逾期人', late ? `${late.ownerName}${late.ownerEmail ? ` <${late.ownerEmail}>` : ''}` : '-'],
        ['逾期自', late ? deadline(c, late.dueAt) : '-'],
      ],
    },
    {
      type: 'list',
      title: '已发送',
      items: (late?.sent ?? []).map((s) => `${KIND_NAMES[s.kind] ?? s.kind}，发给${s.to}，${at(c, s.at)}`),
      empty: '无记录。',
    },
    { type: 'paragraph', text: ask },
    ...(c.dashboardUrl ? [{ type: 'button', label: '打开周期页面', url: c.dashboardUrl } as Block] : []),
  ]);
}
