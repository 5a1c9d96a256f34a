/**
 * Turns a document model into a flat list of layout blocks (headings, paragraphs, tables, chart,
 * signature blocks). The three renderers draw the same blocks, so DOCX, PDF and HTML always carry
 * the same text in the same order.
 */
import { translate, translator } from '../i18n';
import type {
  AgendaModel,
  AgendaText,
  DocumentModel,
  MinutesModel,
  MinutesText,
  ReportModel,
  SignatureBlock,
  StatusCounts,
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
  | { type: 'chart'; title: string; groups: StatusCounts[] }
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
const labelled = (label: string, text: string): Block => ({
  type: 'paragraph',
  runs: [{ text: `${label}: `, bold: true }, { text }],
});

function reportBlocks(m: ReportModel): Block[] {
  const b: Block[] = [
    { type: 'title', text: m.header.title, subtitle: m.header.subtitle, lines: m.cover },
    { type: 'pageBreak' },
  ];
  b.push({ type: 'heading', level: 1, text: '1. Summary' });
  b.push(
    p(
      `${m.summary.received} of ${m.summary.expected} projects sent an update for ${m.header.quarter}` +
        `${m.summary.late ? ` (${m.summary.late} after the cut-off)` : ''}; ${m.summary.missing} did not.`,
    ),
  );
  const statusCols = ['On track', 'At risk', 'Off track', 'Completed', 'Not started', 'No update'];
  const countRow = (c: StatusCounts) => [c.label, ...Object.values(c.counts).map(String), String(c.total)];
  b.push({
    type: 'table',
    header: ['Pillar', ...statusCols, 'Total'],
    rows: [...m.summary.byPillar.map(countRow), countRow(m.summary.overall)],
    widths: [3.2, 1, 1, 1, 1.2, 1.1, 1.1, 0.9],
  });
  b.push({ type: 'chart', title: 'Project status by pillar', groups: m.summary.byPillar.filter((g) => g.total > 0) });
  if (m.changes) {
    b.push({ type: 'heading', level: 2, text: '1.1 Changes since last quarter' });
    b.push(
      p(
        `Since ${m.changes.since}: ${m.changes.improved} project${m.changes.improved === 1 ? '' : 's'} improved, ` +
          `${m.changes.slipped} slipped (off track < at risk < not started < on track < completed).`,
      ),
    );
    if (m.changes.rows.length)
      b.push({
        type: 'table',
        header: ['Project', 'Pillar', 'Change', 'Before', 'Now'],
        rows: m.changes.rows.map((r) => [r.title, r.pillar, r.change, r.before, r.now]),
        widths: [3, 2, 1.2, 1.4, 1.4],
      });
  }

  b.push({ type: 'heading', level: 1, text: '2. Projects needing attention and support requested' });
  if (m.attention.length === 0)
    b.push(p('No project is at risk or off track, and no support was requested.', { italic: true }));
  else
    b.push({
      type: 'table',
      header: ['Project', 'Pillar', 'Status', 'Reason', 'Support requested'],
      rows: m.attention.map((a) => [a.title, a.pillar, a.statusLabel, a.reason, a.supportRequested]),
      widths: [2, 1.5, 1, 2.5, 2.5],
    });

  b.push({ type: 'heading', level: 1, text: '3. Progress by project' });
  m.pillars.forEach((g, gi) => {
    b.push({ type: 'heading', level: 2, text: `3.${gi + 1} ${g.name}` });
    g.projects.forEach((s, si) => {
      b.push({ type: 'heading', level: 3, text: `3.${gi + 1}.${si + 1} ${s.title}` });
      b.push(labelled('Status', s.statusReason ? `${s.statusLabel} — ${s.statusReason}` : s.statusLabel));
      if (s.progressPercent !== undefined) b.push(labelled('Progress', `${s.progressPercent}%`));
      b.push(labelled('Owner', s.owner));
      if (s.submittedAt) b.push(labelled('Update received', s.submittedAt + (s.late ? ' (late)' : '')));
      for (const [label, items] of [
        ['Achievements', s.achievements],
        ['Challenges', s.challenges],
        ['Next steps', s.nextSteps],
        ['Support requested', s.supportRequested],
      ] as const) {
        if (items.length === 0) continue;
        b.push(p(label, { bold: true }));
        b.push({ type: 'bullets', items: [...items] });
      }
      b.push({
        type: 'table',
        header: ['', 'Start', 'End'],
        rows: [
          ['Planned', s.dates.plannedStart, s.dates.plannedEnd],
          ['Actual', s.dates.actualStart, s.dates.actualEnd],
        ],
        widths: [1, 1.5, 1.5],
      });
      if (s.milestones.length)
        b.push({
          type: 'table',
          header: ['Milestone', 'Planned', 'Actual', 'Note'],
          rows: s.milestones.map((x) => [x.title, x.planned, x.actual, x.note]),
          widths: [3, 1.4, 1.4, 2.5],
        });
      if (s.indicators.length)
        b.push({
          type: 'table',
          header: ['Indicator', 'Unit', 'Baseline', 'Target', 'Current'],
          rows: s.indicators.map((x) => [x.name, x.unit, x.baseline, x.target, x.current]),
          widths: [3, 1, 1, 1, 1],
        });
    });
  });

  b.push({ type: 'heading', level: 1, text: "4. Status of the previous session's action items" });
  if (m.actionItems.length === 0) b.push(p('There were no action items from the previous session.', { italic: true }));
  else
    b.push({
      type: 'table',
      header: ['Action item', 'Owner', 'Side', 'Due', 'Status', 'Note'],
      rows: m.actionItems.map((a) => [a.title, a.owner, a.side, a.due, a.state, a.note]),
      widths: [3, 1.5, 1.2, 1.3, 1, 2],
    });

  b.push({ type: 'heading', level: 1, text: '5. Missing and late submissions' });
  if (m.missing.length === 0) b.push(p('Every project sent an update.', { italic: true }));
  else
    b.push({
      type: 'table',
      header: ['Project', 'Pillar', 'Owner', 'State'],
      rows: m.missing.map((x) => [x.title, x.pillar, x.owner, x.state]),
      widths: [3, 2, 2.5, 1.5],
    });
  if (m.late.length)
    b.push({
      type: 'table',
      header: ['Late update', 'Pillar', 'Received'],
      rows: m.late.map((x) => [x.title, x.pillar, x.submittedAt]),
      widths: [3, 2, 2.5],
    });
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

/** One title block for a document in several languages: the titles side by side, each language's subtitle. */
function titleBlock(texts: (AgendaText | MinutesText)[]): Block {
  return {
    type: 'title',
    text: texts.map((x) => x.header.title).join(' · '),
    subtitle: texts[0].header.subtitle,
    lines: texts.slice(1).map((x) => x.header.subtitle),
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
    // The report is English only; the agenda and minutes print the footer in each of their languages.
    footer: (model.kind === 'report' ? [model.header] : model.texts.map((x) => x.header))
      .map((h, i) =>
        translate(model.kind === 'report' ? 'en' : model.texts[i].language, 'document.footer', {
          version: h.version,
          generatedAt: h.generatedAt,
        }),
      )
      .join(' / '),
    blocks,
  };
}
