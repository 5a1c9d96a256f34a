/** Builds the quarterly progress report's content from the records of one cycle. */
import { statusRank, type Project } from '../domain';
import { buildHeader, actionItemLines } from './build-common';
import {
  byKey,
  formatDate,
  formatInstant,
  formatNumber,
  Names,
  statusLabels,
  statusOf,
  submissionStateLabels,
} from './format';
import {
  statusKeys,
  type ProjectRecord,
  type ProjectSection,
  type ReportInput,
  type ReportModel,
  type StatusCounts,
  type StatusKey,
} from './model';
import { cleanLine, paragraphsOf, truncateText } from './text';

function emptyCounts(label: string): StatusCounts {
  return { label, counts: Object.fromEntries(statusKeys.map((k) => [k, 0])) as Record<StatusKey, number>, total: 0 };
}

function projectSection(r: ProjectRecord, names: Names, timeZone: string): ProjectSection {
  const p: Project = r.project;
  const s = r.submission;
  const status = statusOf(r);
  const milestoneNotes = new Map((s?.milestoneUpdates ?? []).map((m) => [m.milestoneId, m]));
  const indicatorNow = new Map((s?.indicatorUpdates ?? []).map((i) => [i.indicatorId, i.current]));
  return {
    id: p.id,
    title: cleanLine(p.title),
    owner: names.personWithOrganisation(p.owner),
    status,
    statusLabel: statusLabels[status],
    statusReason: s ? cleanLine(s.statusReason) : cleanLine(submissionStateLabels[r.state]),
    progressPercent: s?.progressPercent,
    submittedAt: r.submittedAt ? formatInstant(r.submittedAt, timeZone, false) : undefined,
    late: Boolean(r.late),
    achievements: paragraphsOf(s?.achievements),
    challenges: paragraphsOf(s?.challenges),
    nextSteps: paragraphsOf(s?.nextSteps),
    supportRequested: paragraphsOf(s?.supportRequested),
    dates: {
      plannedStart: formatDate(p.plannedStart),
      plannedEnd: formatDate(p.plannedEnd),
      actualStart: formatDate(s?.actualStart ?? p.actualStart),
      actualEnd: formatDate(s?.actualEnd ?? p.actualEnd),
    },
    milestones: p.milestones.map((m) => {
      const u = milestoneNotes.get(m.id);
      return {
        title: cleanLine(m.title),
        planned: formatDate(m.plannedDate),
        actual: formatDate(u?.actualDate ?? m.actualDate),
        note: cleanLine(u?.note),
      };
    }),
    indicators: p.indicators.map((i) => ({
      name: cleanLine(i.name),
      unit: cleanLine(i.unit) || '—',
      baseline: formatNumber(i.baseline),
      target: formatNumber(i.target),
      current: formatNumber(indicatorNow.get(i.id) ?? i.current),
    })),
  };
}

/** Projects whose rating this quarter differs in rank from last quarter's (slipped first, then by title). */
function changesSince(
  projects: ProjectRecord[],
  previous: NonNullable<ReportInput['previousStatuses']>,
  names: Names,
): NonNullable<ReportModel['changes']> {
  const moved = projects.flatMap((r) => {
    const before = previous.byProject[r.project.id];
    const now = r.submission?.status;
    if (!before || !now || statusRank[now] === statusRank[before]) return [];
    const slipped = statusRank[now] < statusRank[before];
    return [
      {
        slipped,
        title: cleanLine(r.project.title),
        pillar: names.pillar(r.project.pillar),
        change: slipped ? 'Slipped' : 'Improved',
        before: statusLabels[before],
        now: statusLabels[now],
      },
    ];
  });
  moved.sort((a, b) => Number(b.slipped) - Number(a.slipped) || a.title.localeCompare(b.title));
  return {
    since: previous.quarter,
    improved: moved.filter((m) => !m.slipped).length,
    slipped: moved.filter((m) => m.slipped).length,
    rows: moved.map(({ slipped: _slipped, ...row }) => row),
  };
}

/** The report's content: the same input gives the same model, whatever order the store returned the records in. */
export function buildReportModel(input: ReportInput): ReportModel {
  const { mechanism } = input;
  const names = new Names(mechanism);
  const projects = [...input.projects].sort(
    byKey(
      (r) => r.project.title,
      (r) => r.project.id,
    ),
  );
  const pillarOrder = mechanism.pillars.map((p) => p.id);
  const known = new Set(pillarOrder);
  const groupOf = (r: ProjectRecord) => (known.has(r.project.pillar) ? r.project.pillar : '');

  const overall = emptyCounts('All pillars');
  const byPillar = new Map<string, StatusCounts>();
  for (const id of [...pillarOrder, '']) byPillar.set(id, emptyCounts(id ? names.pillar(id) : 'Other projects'));
  for (const r of projects) {
    const k = statusOf(r);
    const c = byPillar.get(groupOf(r))!;
    c.counts[k]++;
    c.total++;
    overall.counts[k]++;
    overall.total++;
  }

  const pillars = [...pillarOrder, '']
    .map((id) => ({
      name: id ? names.pillar(id) : 'Other projects',
      projects: projects.filter((r) => groupOf(r) === id).map((r) => projectSection(r, names, mechanism.timeZone)),
    }))
    .filter((g) => g.projects.length > 0);

  const attention = projects
    .filter(
      (r) =>
        r.submission &&
        (r.submission.status === 'at-risk' ||
          r.submission.status === 'off-track' ||
          r.submission.supportRequested.trim() !== ''),
    )
    .map((r) => ({
      title: cleanLine(r.project.title),
      pillar: names.pillar(r.project.pillar),
      statusLabel: statusLabels[statusOf(r)],
      reason: truncateText(cleanLine(r.submission!.statusReason), 400) || '—',
      // Full text is in the project's section; the table keeps rows short enough to fit a page.
      supportRequested: truncateText(cleanLine(r.submission!.supportRequested), 400) || '—',
    }));

  const received = projects.filter((r) => r.submission).length;
  const missing = projects
    .filter((r) => !r.submission)
    .map((r) => ({
      title: cleanLine(r.project.title),
      pillar: names.pillar(r.project.pillar),
      owner: names.personWithOrganisation(r.project.owner),
      state: submissionStateLabels[r.state] ?? r.state,
    }));
  const late = projects
    .filter((r) => r.submission && r.late)
    .map((r) => ({
      title: cleanLine(r.project.title),
      pillar: names.pillar(r.project.pillar),
      submittedAt: formatInstant(r.submittedAt, mechanism.timeZone),
    }));

  const changes = input.previousStatuses && changesSince(projects, input.previousStatuses, names);

  const titles = new Map(projects.map((r) => [r.project.id, cleanLine(r.project.title)]));
  const header = buildHeader(input, 'Quarterly progress report', `${input.quarter} — ${mechanism.name}`);
  return {
    kind: 'report',
    header,
    cover: [
      ...mechanism.sides.map((s) => cleanLine(s.name)),
      `Reporting period: ${input.quarter}`,
      `Projects reporting: ${received} of ${projects.length}`,
      `Version ${input.version}, generated ${header.generatedAt}`,
    ],
    summary: {
      expected: projects.length,
      received,
      late: late.length,
      missing: missing.length,
      overall,
      byPillar: [...byPillar.values()].filter((c, i, all) => c.total > 0 || i < all.length - 1),
    },
    attention,
    ...(changes && { changes }),
    pillars,
    actionItems: actionItemLines(mechanism, input.previousActionItems, titles),
    missing,
    late,
  };
}
