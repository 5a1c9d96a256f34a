/**
 * Turns a document model into a flat list of layout blocks (headings, paragraphs, tables, chart,
 * signature blocks). The three renderers draw the same blocks, so DOCX, PDF and HTML always carry
 * the same text in the same order.
 */
import type { Language } from '../domain';
import { translate, translator, type MessageKey } from '../i18n';
import { statusLabelIn } from './format';
import { bilingual, joinLanguages } from './languages';
import {
  statusKeys,
  type AgendaModel,
  type AgendaText,
  type DocumentHeader,
  type DocumentModel,
  type MinutesModel,
  type MinutesText,
  type ProjectSection,
  type ReportModel,
  type ReportText,
  type SignatureBlock,
  type StatusCounts,
} from './model';

/** A run of text inside a paragraph. */
export interface Run {
  text: string;
  bold?: boolean;
  italic?: boolean;
}

/** The building blocks every renderer knows how to draw. */
export type Block =
  | { type: 'title'; text: string; subtitle: string; lines: string[] }
  | { type: 'heading'; level: 1 | 2 | 3; text: string }
  | { type: 'paragraph'; runs: Run[]; muted?: boolean }
  | { type: 'bullets'; items: string[] }
  | { type: 'table'; header: string[]; rows: string[][]; widths: number[] }
  | {
      type: 'chart';
      title: string;
      groups: StatusCounts[];
      /** Status labels in `statusKeys` order. */ legend: string[];
    }
  | { type: 'signatures'; blocks: SignatureBlock[] }
  | { type: 'pageBreak' };

/** A laid-out document: running header text and blocks. */
export interface Layout {
  /** Short text for the page header / HTML title. */
  runningTitle: string;
  /** Footer text (version and generation time). */
  footer: string;
  blocks: Block[];
}

const p = (text: string, extra: Partial<Run> = {}): Block => ({ type: 'paragraph', runs: [{ text, ...extra }] });
const labelled = (language: Language, label: string, text: string): Block => ({
  type: 'paragraph',
  runs: [{ text: translate(language, 'document.labelled', { label }), bold: true }, { text }],
});

/** The report's summary and its changes since last quarter, in one language (no free text). */
function summarySections(m: ReportModel, x: ReportText): Block[][] {
  const t = translator(x.language);
  const statusColumns = statusKeys.map((k) =>
    k === 'no-update' ? t('document.report.noUpdate') : statusLabelIn(k, x.language),
  );
  const countRow = (c: StatusCounts) => [c.label, ...Object.values(c.counts).map(String), String(c.total)];
  const sections: Block[][] = [
    [
      { type: 'heading', level: 1, text: t('document.report.summary') },
      p(t('document.report.summaryLine', { ...m.summary, quarter: x.header.quarter })),
      {
        type: 'table',
        header: [t('document.report.pillar'), ...statusColumns, t('document.report.total')],
        rows: [...x.summary.byPillar.map(countRow), countRow(x.summary.overall)],
        widths: [3.2, 1, 1, 1, 1.2, 1.1, 1.1, 0.9],
      },
      {
        type: 'chart',
        title: t('document.report.chartTitle'),
        groups: x.summary.byPillar.filter((g) => g.total > 0),
        legend: statusKeys.map((k) => statusLabelIn(k, x.language)),
      },
    ],
  ];
  if (m.changes && x.changes) {
    const changes: Block[] = [
      { type: 'heading', level: 2, text: t('document.report.changes') },
      p(t('document.report.changesLine', { ...m.changes })),
    ];
    if (x.changes.length)
      changes.push({
        type: 'table',
        header: [
          t('document.minutes.project'),
          t('document.report.pillar'),
          t('document.report.change'),
          t('document.report.before'),
          t('document.report.now'),
        ],
        rows: x.changes.map((r) => [r.title, r.pillar, r.change, r.before, r.now]),
        widths: [3, 2, 1.2, 1.4, 1.4],
      });
    sections.push(changes);
  }
  return sections;
}

/** Missing and late submissions in one language (names and dates only). */
function missingSection(x: ReportText): Block[][] {
  const t = translator(x.language);
  const blocks: Block[] = [{ type: 'heading', level: 1, text: t('document.report.missingAndLate') }];
  if (x.missing.length === 0) blocks.push(p(t('document.report.allSent'), { italic: true }));
  else
    blocks.push({
      type: 'table',
      header: [
        t('document.minutes.project'),
        t('document.report.pillar'),
        t('document.minutes.owner'),
        t('document.report.state'),
      ],
      rows: x.missing.map((r) => [r.title, r.pillar, r.owner, r.state]),
      widths: [3, 2, 2.5, 1.5],
    });
  if (x.late.length)
    blocks.push({
      type: 'table',
      header: [t('document.report.lateUpdate'), t('document.report.pillar'), t('document.report.received')],
      rows: x.late.map((r) => [r.title, r.pillar, r.submittedAt]),
      widths: [3, 2, 2.5],
    });
  return [blocks];
}

/** One project's section: its facts in each language one after the other, then the owner's text once. */
function projectBlocks(texts: ReportText[], number: string, at: (x: ReportText) => ProjectSection): Block[] {
  // Table cells put each language on a line of its own, so that a narrow column wraps between languages, not inside.
  const across = (pick: (s: ProjectSection) => string) =>
    joinLanguages(
      texts.map((x) => pick(at(x))),
      '\n',
    );
  const label = (key: MessageKey) => bilingual((l) => translate(l, key), '\n');
  const s = at(texts[0]);
  const b: Block[] = [{ type: 'heading', level: 3, text: `${number} ${joinLanguages(texts.map((x) => at(x).title))}` }];
  for (const x of texts) {
    const own = at(x);
    const l = x.language;
    // The reason is the owner's text, the same in every language: printed with the first language's status only.
    // Without an update the "reason" is the submission state's label, which each language prints in its own words.
    const reason = x === texts[0] || own.statusReason !== s.statusReason ? own.statusReason : '';
    b.push(
      labelled(l, translate(l, 'document.minutes.status'), reason ? `${own.statusLabel} — ${reason}` : own.statusLabel),
    );
    if (own.progressPercent !== undefined)
      b.push(labelled(l, translate(l, 'document.report.progress'), `${own.progressPercent}%`));
    b.push(labelled(l, translate(l, 'document.minutes.owner'), own.owner));
    if (own.submittedAt)
      b.push(
        labelled(
          l,
          translate(l, 'document.report.updateReceived'),
          own.late ? translate(l, 'document.report.receivedLate', { when: own.submittedAt }) : own.submittedAt,
        ),
      );
  }
  for (const [key, items] of [
    ['document.report.achievements', s.achievements],
    ['document.report.challenges', s.challenges],
    ['document.report.nextSteps', s.nextSteps],
    ['document.report.supportRequested', s.supportRequested],
  ] as const) {
    if (items.length === 0) continue;
    b.push(
      p(
        bilingual((l) => translate(l, key)),
        { bold: true },
      ),
    );
    b.push({ type: 'bullets', items: [...items] });
  }
  b.push({
    type: 'table',
    header: ['', label('document.report.start'), label('document.report.end')],
    rows: [
      [label('document.report.planned'), across((x) => x.dates.plannedStart), across((x) => x.dates.plannedEnd)],
      [label('document.report.actual'), across((x) => x.dates.actualStart), across((x) => x.dates.actualEnd)],
    ],
    widths: [1, 1.5, 1.5],
  });
  if (s.milestones.length)
    b.push({
      type: 'table',
      header: [
        label('document.report.milestone'),
        label('document.report.planned'),
        label('document.report.actual'),
        label('document.minutes.note'),
      ],
      rows: s.milestones.map((m, k) => [
        across((x) => x.milestones[k].title),
        across((x) => x.milestones[k].planned),
        across((x) => x.milestones[k].actual),
        m.note,
      ]),
      widths: [3, 1.4, 1.4, 2.5],
    });
  if (s.indicators.length)
    b.push({
      type: 'table',
      header: [
        label('document.report.indicator'),
        label('document.report.unit'),
        label('document.report.baseline'),
        label('document.report.target'),
        label('document.report.current'),
      ],
      rows: s.indicators.map((i, k) => [across((x) => x.indicators[k].name), i.unit, i.baseline, i.target, i.current]),
      widths: [3, 1, 1, 1, 1],
    });
  return b;
}

/**
 * The report in every language of its texts. Sections without free text (summary, changes, missing and late) come in
 * each language one after the other, like the agenda's and the minutes'; the sections that carry the owners' text
 * (attention, projects, action items) have headings in each language and print that text once, with every label,
 * name and date beside it in every language (in a table cell one language per line).
 */
function reportBlocks(m: ReportModel): Block[] {
  const { texts } = m;
  const [first] = texts;
  const across = (pick: (x: ReportText) => string) => joinLanguages(texts.map(pick), '\n');
  const label = (key: MessageKey) => bilingual((l) => translate(l, key), '\n');
  const headings = (key: MessageKey): Block[] =>
    texts.map((x) => ({ type: 'heading', level: 1, text: translate(x.language, key) }));
  const b: Block[] = [
    titleBlock(texts, [...m.sides, ...texts.flatMap((x) => x.cover)]),
    { type: 'pageBreak' },
    ...interleave(texts, (x) => summarySections(m, x)),
  ];

  b.push(...headings('document.report.attention'));
  if (first.attention.length === 0)
    b.push(...texts.map((x) => p(translate(x.language, 'document.report.noAttention'), { italic: true })));
  else
    b.push({
      type: 'table',
      header: [
        label('document.minutes.project'),
        label('document.report.pillar'),
        label('document.minutes.status'),
        label('document.report.reason'),
        label('document.report.supportRequested'),
      ],
      rows: first.attention.map((a, i) => [
        across((x) => x.attention[i].title),
        across((x) => x.attention[i].pillar),
        across((x) => x.attention[i].statusLabel),
        a.reason,
        a.supportRequested,
      ]),
      widths: [2, 1.5, 1, 2.5, 2.5],
    });

  b.push(...headings('document.report.byProject'));
  first.pillars.forEach((g, gi) => {
    b.push({ type: 'heading', level: 2, text: `3.${gi + 1} ${joinLanguages(texts.map((x) => x.pillars[gi].name))}` });
    g.projects.forEach((_, si) =>
      b.push(...projectBlocks(texts, `3.${gi + 1}.${si + 1}`, (x) => x.pillars[gi].projects[si])),
    );
  });

  b.push(...headings('document.report.actionItems'));
  if (first.actionItems.length === 0)
    b.push(...texts.map((x) => p(translate(x.language, 'document.minutes.noPreviousItems'), { italic: true })));
  else
    b.push({
      type: 'table',
      header: [
        label('document.minutes.actionItem'),
        label('document.minutes.owner'),
        label('document.minutes.side'),
        label('document.minutes.due'),
        label('document.minutes.status'),
        label('document.minutes.note'),
      ],
      rows: first.actionItems.map((a, i) => [
        a.title,
        across((x) => x.actionItems[i].owner),
        across((x) => x.actionItems[i].side),
        across((x) => x.actionItems[i].due),
        across((x) => x.actionItems[i].state),
        a.note,
      ]),
      widths: [3, 1.5, 1.2, 1.3, 1, 2],
    });

  b.push(...interleave(texts, missingSection));
  return b;
}

function sessionTable(text: AgendaText | MinutesText): Block {
  const t = translator(text.language);
  return {
    type: 'table',
    header: [],
    rows: [
      [t('document.session.when'), text.session.when],
      [t('document.session.venue'), text.session.venue],
      [t('document.session.chairs'), text.session.chairs.join(text.language === 'zh' ? '；' : '; ')],
    ],
    widths: [1, 3],
  };
}

/** One title block for a document in several languages: the titles side by side, each language's subtitle, then `lines`. */
function titleBlock(texts: { header: DocumentHeader }[], lines: string[] = []): Block {
  return {
    type: 'title',
    text: texts.map((x) => x.header.title).join(' · '),
    subtitle: texts[0].header.subtitle,
    lines: [...texts.slice(1).map((x) => x.header.subtitle), ...lines],
  };
}

/**
 * Each language's sections one after the other, section by section: section 1 in English, section 1 in Chinese,
 * section 2 in English... Every language has the same sections, since they are built from the same records.
 */
function interleave<T>(texts: T[], sections: (text: T) => Block[][]): Block[] {
  const all = texts.map(sections);
  const count = Math.max(...all.map((s) => s.length));
  const blocks: Block[] = [];
  for (let i = 0; i < count; i++) for (const s of all) blocks.push(...(s[i] ?? []));
  return blocks;
}

function agendaSections(text: AgendaText): Block[][] {
  return [
    [sessionTable(text)],
    ...text.items.map((item): Block[] => [
      { type: 'heading', level: 2, text: `${item.number}. ${item.title}` },
      ...(item.details.length ? [{ type: 'bullets', items: item.details } as Block] : []),
    ]),
  ];
}

function agendaBlocks(m: AgendaModel): Block[] {
  return [titleBlock(m.texts), ...interleave(m.texts, agendaSections)];
}

function minutesSections(m: MinutesText): Block[][] {
  const t = translator(m.language);
  const sections: Block[][] = [[sessionTable(m)]];
  const people = (rows: MinutesText['present']) => rows.map((r) => [r.name, r.organisation, r.side]);
  const attendance: Block[] = [
    { type: 'heading', level: 1, text: t('document.minutes.attendance') },
    {
      type: 'table',
      header: [t('document.minutes.present'), t('document.minutes.organisation'), t('document.minutes.side')],
      rows: people(m.present),
      widths: [2, 3, 1.5],
    },
  ];
  if (m.apologies.length)
    attendance.push({
      type: 'table',
      header: [t('document.minutes.apologies'), t('document.minutes.organisation'), t('document.minutes.side')],
      rows: people(m.apologies),
      widths: [2, 3, 1.5],
    });
  sections.push(attendance);
  sections.push([
    { type: 'heading', level: 1, text: t('document.minutes.adoptionOfAgenda') },
    p(t('document.minutes.agendaAdopted')),
    { type: 'bullets', items: m.agenda.map((a) => `${a.number}. ${a.title}`) },
  ]);
  sections.push([
    { type: 'heading', level: 1, text: t('document.minutes.previousMinutesHeading') },
    p(m.previousMinutes),
  ]);
  sections.push([
    { type: 'heading', level: 1, text: t('document.minutes.mattersArising') },
    m.mattersArising.length === 0
      ? p(t('document.minutes.noPreviousItems'), { italic: true })
      : {
          type: 'table',
          header: [
            t('document.minutes.actionItem'),
            t('document.minutes.owner'),
            t('document.minutes.side'),
            t('document.minutes.due'),
            t('document.minutes.status'),
            t('document.minutes.note'),
          ],
          rows: m.mattersArising.map((a) => [a.title, a.owner, a.side, a.due, a.state, a.note]),
          widths: [3, 1.5, 1.2, 1.3, 1, 2],
        },
  ]);
  const review: Block[] = [{ type: 'heading', level: 1, text: t('document.minutes.projectReview') }];
  for (const g of m.projectReview) {
    review.push({ type: 'heading', level: 2, text: g.pillar });
    review.push({
      type: 'table',
      header: [t('document.minutes.project'), t('document.minutes.status'), t('document.minutes.summary')],
      rows: g.projects.map((x) => [x.title, x.statusLabel, x.summary]),
      widths: [2.5, 1.2, 4],
    });
  }
  sections.push(review);
  const decisions: Block[] = [{ type: 'heading', level: 1, text: t('document.minutes.decisions') }];
  for (const d of m.decisions) {
    decisions.push({
      type: 'paragraph',
      runs: [{ text: t('document.minutes.decision', { number: d.number }), bold: true }, { text: d.text[0] ?? '' }],
    });
    for (const more of d.text.slice(1)) decisions.push(p(more));
    if (d.projects)
      decisions.push(p(t('document.minutes.projectsConcerned', { projects: d.projects }), { italic: true }));
  }
  sections.push(decisions);
  sections.push([
    { type: 'heading', level: 1, text: t('document.minutes.actions') },
    m.actions.length === 0
      ? p(t('document.minutes.noActions'), { italic: true })
      : {
          type: 'table',
          header: [
            t('document.minutes.number'),
            t('document.minutes.actionItem'),
            t('document.minutes.owner'),
            t('document.minutes.side'),
            t('document.minutes.dueDate'),
            t('document.minutes.projects'),
          ],
          rows: m.actions.map((a) => [a.number, a.title, a.owner, a.side, a.due, a.projects || '—']),
          widths: [0.6, 3, 1.6, 1.3, 1.4, 1.8],
        },
  ]);
  sections.push([{ type: 'heading', level: 1, text: t('document.minutes.nextMeetingHeading') }, p(m.nextMeeting)]);
  if (m.notes.length)
    sections.push([{ type: 'heading', level: 1, text: t('document.minutes.otherNotes') }, ...m.notes.map((n) => p(n))]);
  sections.push([{ type: 'heading', level: 1, text: t('document.minutes.closingHeading') }, p(m.closing)]);
  return sections;
}

function minutesBlocks(m: MinutesModel): Block[] {
  return [titleBlock(m.texts), ...interleave(m.texts, minutesSections), { type: 'signatures', blocks: m.signatures }];
}

/** The blocks of any document, in reading order. */
export function layout(model: DocumentModel): Layout {
  const blocks =
    model.kind === 'report'
      ? reportBlocks(model)
      : model.kind === 'agenda'
        ? agendaBlocks(model)
        : minutesBlocks(model);
  return {
    runningTitle: `${model.header.mechanismName} — ${model.header.title}, ${model.header.quarter}`,
    // Every document prints the footer in each of its languages.
    footer: model.texts
      .map((x) =>
        translate(x.language, 'document.footer', { version: x.header.version, generatedAt: x.header.generatedAt }),
      )
      .join(' / '),
    blocks,
  };
}
