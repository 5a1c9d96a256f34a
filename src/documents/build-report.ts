/** Builds the quarterly progress report's content from the records of one cycle, in every document language. */
import { nameIn, statusRank, type Language, type Project } from '../domain';
import { translate } from '../i18n';
import { buildHeader, actionItemLines } from './build-common';
import {
  asWrittenOnce,
  byKey,
  formatDate,
  formatInstant,
  formatNumber,
  Names,
  statusLabelIn,
  statusOf,
  submissionStateIn,
} from './format';
import { bilingual, documentLanguages } from './languages';
import {
  statusKeys,
  type ProjectRecord,
  type ProjectSection,
  type ReportInput,
  type ReportModel,
  type ReportText,
  type StatusCounts,
  type StatusKey,
} from './model';
import { cleanLine, paragraphsOf, truncateText } from './text';

function emptyCounts(label: string): StatusCounts {
  return { label, counts: Object.fromEntries(statusKeys.map((k) => [k, 0])) as Record<StatusKey, number>, total: 0 };
}

/** A paragraph of free text as written, marked with its language for the readers of the other. */
const once = (text: string | undefined) => asWrittenOnce(cleanLine(text));
const paragraphsOnce = (text: string | undefined) => paragraphsOf(text).map(asWrittenOnce);

function projectSection(r: ProjectRecord, names: Names, timeZone: string): ProjectSection {
  const { language } = names;
  const p: Project = r.project;
  const s = r.submission;
  const status = statusOf(r);
  const milestoneNotes = new Map((s?.milestoneUpdates ?? []).map((m) => [m.milestoneId, m]));
  const indicatorNow = new Map((s?.indicatorUpdates ?? []).map((i) => [i.indicatorId, i.current]));
  return {
    id: p.id,
    title: cleanLine(nameIn(p, 'title', language)),
    owner: names.personWithOrganisation(p.owner),
    status,
    statusLabel: statusLabelIn(status, language),
    statusReason: s ? once(s.statusReason) : submissionStateIn(r.state, language),
    progressPercent: s?.progressPercent,
    submittedAt: r.submittedAt ? formatInstant(r.submittedAt, timeZone, false, language) : undefined,
    late: Boolean(r.late),
    achievements: paragraphsOnce(s?.achievements),
    challenges: paragraphsOnce(s?.challenges),
    nextSteps: paragraphsOnce(s?.nextSteps),
    supportRequested: paragraphsOnce(s?.supportRequested),
    dates: {
      plannedStart: formatDate(p.plannedStart, language),
      plannedEnd: formatDate(p.plannedEnd, language),
      actualStart: formatDate(s?.actualStart ?? p.actualStart, language),
      actualEnd: formatDate(s?.actualEnd ?? p.actualEnd, language),
    },
    milestones: p.milestones.map((m) => {
      const u = milestoneNotes.get(m.id);
      return {
        title: cleanLine(nameIn(m, 'title', language)),
        planned: formatDate(m.plannedDate, language),
        actual: formatDate(u?.actualDate ?? m.actualDate, language),
        note: once(u?.note),
      };
    }),
    indicators: p.indicators.map((i) => ({
      name: cleanLine(nameIn(i, 'name', language)),
      unit: cleanLine(i.unit) || '—',
      baseline: formatNumber(i.baseline),
      target: formatNumber(i.target),
      current: formatNumber(indicatorNow.get(i.id) ?? i.current),
    })),
  };
}

/** Projects whose rating this quarter differs in rank from last quarter's, slipped first, then by English title. */
function movedSince(projects: ProjectRecord[], previous: NonNullable<ReportInput['previousStatuses']>) {
  const moved = projects.flatMap((r) => {
    const before = previous.byProject[r.project.id];
    const now = r.submission?.status;
    if (!before || !now || statusRank[now] === statusRank[before]) return [];
    return [{ record: r, before, now, slipped: statusRank[now] < statusRank[before] }];
  });
  moved.sort(
    (a, b) => Number(b.slipped) - Number(a.slipped) || a.record.project.title.localeCompare(b.record.project.title),
  );
  return moved;
}

/** Records as the report orders and groups them, the same in every language. */
interface Sorted {
  projects: ProjectRecord[];
  /** Pillar ids in the mechanism's order, then '' for projects filed under an unknown pillar. */
  groups: string[];
  groupOf: (r: ProjectRecord) => string;
  moved?: ReturnType<typeof movedSince>;
}

/** The report in one language. */
function reportText(input: ReportInput, sorted: Sorted, language: Language): ReportText {
  const { mechanism } = input;
  const t = (key: Parameters<typeof translate>[1], values?: Parameters<typeof translate>[2]) =>
    translate(language, key, values);
  const names = new Names(mechanism, language);
  const { projects, groups, groupOf } = sorted;
  const title = (r: ProjectRecord) => cleanLine(nameIn(r.project, 'title', language));

  const overall = emptyCounts(t('document.report.allPillars'));
  const byPillar = new Map<string, StatusCounts>();
  for (const id of groups) byPillar.set(id, emptyCounts(names.pillar(id)));
  for (const r of projects) {
    const k = statusOf(r);
    const c = byPillar.get(groupOf(r))!;
    c.counts[k]++;
    c.total++;
    overall.counts[k]++;
    overall.total++;
  }

  const received = projects.filter((r) => r.submission);
  const late = projects.filter((r) => r.submission && r.late);
  const header = buildHeader(
    input,
    t('document.report.title'),
    t('document.report.subtitle', { quarter: input.quarter, mechanism: names.mechanismName() }),
    language,
  );
  return {
    language,
    header,
    cover: [
      t('document.report.reportingPeriod', { quarter: input.quarter }),
      t('document.report.projectsReporting', { received: received.length, expected: projects.length }),
      t('document.report.version', { version: input.version, generatedAt: header.generatedAt }),
    ],
    summary: {
      overall,
      byPillar: [...byPillar.values()].filter((c, i, all) => c.total > 0 || i < all.length - 1),
    },
    ...(sorted.moved && {
      changes: sorted.moved.map((m) => ({
        title: title(m.record),
        pillar: names.pillar(m.record.project.pillar),
        change: t(m.slipped ? 'document.report.slipped' : 'document.report.improved'),
        before: statusLabelIn(m.before, language),
        now: statusLabelIn(m.now, language),
      })),
    }),
    attention: projects
      .filter(
        (r) =>
          r.submission &&
          (r.submission.status === 'at-risk' ||
            r.submission.status === 'off-track' ||
            r.submission.supportRequested.trim() !== ''),
      )
      .map((r) => ({
        title: title(r),
        pillar: names.pillar(r.project.pillar),
        statusLabel: statusLabelIn(statusOf(r), language),
        // Full text is in the project's section; the table keeps rows short enough to fit a page.
        reason: once(truncateText(cleanLine(r.submission!.statusReason), 400)) || '—',
        supportRequested: once(truncateText(cleanLine(r.submission!.supportRequested), 400)) || '—',
      })),
    pillars: groups
      .map((id) => ({
        name: names.pillar(id),
        projects: projects.filter((r) => groupOf(r) === id).map((r) => projectSection(r, names, mechanism.timeZone)),
      }))
      .filter((g) => g.projects.length > 0),
    actionItems: actionItemLines(
      mechanism,
      input.previousActionItems,
      new Map(projects.map((r) => [r.project.id, title(r)])),
      language,
      asWrittenOnce,
    ),
    missing: projects
      .filter((r) => !r.submission)
      .map((r) => ({
        title: title(r),
        pillar: names.pillar(r.project.pillar),
        owner: names.personWithOrganisation(r.project.owner),
        state: submissionStateIn(r.state, language),
      })),
    late: late.map((r) => ({
      title: title(r),
      pillar: names.pillar(r.project.pillar),
      submittedAt: formatInstant(r.submittedAt, mechanism.timeZone, true, language),
    })),
  };
}

/**
 * The report's content in English and Chinese: the same input gives the same model, whatever order the store
 * returned the records in. Owners' text is never translated; it is printed once (see `ReportModel`).
 */
export function buildReportModel(input: ReportInput): ReportModel {
  const { mechanism } = input;
  const projects = [...input.projects].sort(
    byKey(
      (r) => r.project.title,
      (r) => r.project.id,
    ),
  );
  const known = new Set(mechanism.pillars.map((p) => p.id));
  const sorted: Sorted = {
    projects,
    groups: [...mechanism.pillars.map((p) => p.id), ''],
    groupOf: (r) => (known.has(r.project.pillar) ? r.project.pillar : ''),
    moved: input.previousStatuses && movedSince(projects, input.previousStatuses),
  };
  const texts = documentLanguages.map((language) => reportText(input, sorted, language));
  const received = projects.filter((r) => r.submission).length;
  return {
    kind: 'report',
    header: texts[0].header,
    texts,
    sides: mechanism.sides.map((s) => bilingual((l) => cleanLine(nameIn(s, 'name', l)))),
    summary: {
      expected: projects.length,
      received,
      late: projects.filter((r) => r.submission && r.late).length,
      missing: projects.length - received,
    },
    ...(sorted.moved &&
      input.previousStatuses && {
        changes: {
          since: input.previousStatuses.quarter,
          improved: sorted.moved.filter((m) => !m.slipped).length,
          slipped: sorted.moved.filter((m) => m.slipped).length,
        },
      }),
  };
}
