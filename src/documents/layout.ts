/**
 * Turns a document model into a flat list of layout blocks (headings, paragraphs, tables, chart,
 * signature blocks). The three renderers draw the same blocks, so DOCX, PDF and HTML always carry
 * the same text in the same order.
 */
import type { DocumentModel, MinutesModel, ReportModel, AgendaModel, StatusCounts } from './model';

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
  | { type: 'signatures'; blocks: { side: string; name: string }[] }
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

function sessionBlocks(m: AgendaModel | MinutesModel): Block[] {
  return [
    { type: 'title', text: m.header.title, subtitle: m.header.subtitle, lines: [] },
    {
      type: 'table',
      header: [],
      rows: [
        ['Date and time', m.session.when],
        ['Venue', m.session.venue],
        ['Co-chairs', m.session.chairs.join('; ')],
      ],
      widths: [1, 3],
    },
  ];
}

function agendaBlocks(m: AgendaModel): Block[] {
  const b = sessionBlocks(m);
  for (const item of m.items) {
    b.push({ type: 'heading', level: 2, text: `${item.number}. ${item.title}` });
    if (item.details.length) b.push({ type: 'bullets', items: item.details });
  }
  return b;
}

function minutesBlocks(m: MinutesModel): Block[] {
  const b = sessionBlocks(m);
  const people = (rows: MinutesModel['present']) => rows.map((r) => [r.name, r.organisation, r.side]);
  b.push({ type: 'heading', level: 1, text: '1. Attendance' });
  b.push({ type: 'table', header: ['Present', 'Organisation', 'Side'], rows: people(m.present), widths: [2, 3, 1.5] });
  if (m.apologies.length)
    b.push({
      type: 'table',
      header: ['Apologies', 'Organisation', 'Side'],
      rows: people(m.apologies),
      widths: [2, 3, 1.5],
    });
  b.push({ type: 'heading', level: 1, text: '2. Adoption of the agenda' });
  b.push(p('The session adopted the following agenda:'));
  b.push({ type: 'bullets', items: m.agenda.map((a) => `${a.number}. ${a.title}`) });
  b.push({ type: 'heading', level: 1, text: '3. Minutes of the previous session' });
  b.push(p(m.previousMinutes));
  b.push({ type: 'heading', level: 1, text: '4. Matters arising' });
  if (m.mattersArising.length === 0)
    b.push(p('There were no action items from the previous session.', { italic: true }));
  else
    b.push({
      type: 'table',
      header: ['Action item', 'Owner', 'Side', 'Due', 'Status', 'Note'],
      rows: m.mattersArising.map((a) => [a.title, a.owner, a.side, a.due, a.state, a.note]),
      widths: [3, 1.5, 1.2, 1.3, 1, 2],
    });
  b.push({ type: 'heading', level: 1, text: '5. Project review' });
  for (const g of m.projectReview) {
    b.push({ type: 'heading', level: 2, text: g.pillar });
    b.push({
      type: 'table',
      header: ['Project', 'Status', 'Summary'],
      rows: g.projects.map((x) => [x.title, x.statusLabel, x.summary]),
      widths: [2.5, 1.2, 4],
    });
  }
  b.push({ type: 'heading', level: 1, text: '6. Decisions' });
  for (const d of m.decisions) {
    b.push({ type: 'paragraph', runs: [{ text: `Decision ${d.number}. `, bold: true }, { text: d.text[0] ?? '' }] });
    for (const more of d.text.slice(1)) b.push(p(more));
    if (d.projects) b.push(p(`Projects concerned: ${d.projects}`, { italic: true }));
  }
  b.push({ type: 'heading', level: 1, text: '7. Action items' });
  if (m.actions.length === 0) b.push(p('No action items were agreed.', { italic: true }));
  else
    b.push({
      type: 'table',
      header: ['No.', 'Action item', 'Owner', 'Side', 'Due date', 'Projects'],
      rows: m.actions.map((a) => [a.number, a.title, a.owner, a.side, a.due, a.projects || '—']),
      widths: [0.6, 3, 1.6, 1.3, 1.4, 1.8],
    });
  b.push({ type: 'heading', level: 1, text: '8. Next meeting' });
  b.push(p(m.nextMeeting));
  if (m.notes.length) {
    b.push({ type: 'heading', level: 1, text: '9. Other notes' });
    for (const n of m.notes) b.push(p(n));
  }
  b.push({ type: 'signatures', blocks: m.signatures });
  return b;
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
    footer: `Version ${model.header.version} · generated ${model.header.generatedAt}`,
    blocks,
  };
}
