/**
 * Trends across quarters (issue 20, point 2), read from the records only: cycles, where each project's update
 * stood (cycle_projects) and the latest revision of each update. Four queries per call, whatever the number of
 * quarters, so the pages answer in milliseconds and never ask Temporal.
 */
import type { Kysely } from 'kysely';
import { statusRank, type StatusRating, type SubmissionState } from '../domain';
import type { Database } from './schema';
import { latestSubmissions } from './submissions';

/** How a project stood in a quarter: the owner's rating, or `no-update` when nothing was received. */
export type TrendStatus = StatusRating | 'no-update';

/** Every status in the order charts stack them (the report's order). */
export const trendStatuses: readonly TrendStatus[] = [
  'on-track',
  'at-risk',
  'off-track',
  'completed',
  'not-started',
  'no-update',
];

/** One project in one quarter. */
export interface ProjectQuarter {
  quarter: string;
  projectId: string;
  title: string;
  pillar: string;
  ownerId: string;
  /** Where its update stood (`submitted`, `missing`...); `submitted` when only a submission is recorded. */
  state: SubmissionState;
  status: TrendStatus;
  progressPercent?: number;
  supportRequested: boolean;
  /** ISO instant of the first revision: when the owner answered. */
  firstReceivedAt?: string;
  /** The cycle's due date (YYYY-MM-DD), when recorded. */
  dueDate?: string;
  /** Whole days between the due date and the first answer (negative: early); absent without an answer or due date. */
  daysAfterDue?: number;
  milestoneUpdates: { milestoneId: string; actualDate?: string; note?: string }[];
  indicatorUpdates: { indicatorId: string; current: number }[];
}

/** Counts per status in one quarter. */
export interface QuarterCounts {
  quarter: string;
  counts: Record<TrendStatus, number>;
  total: number;
}

/** A project whose rating moved between two consecutive recorded quarters. */
export interface StatusChange {
  projectId: string;
  title: string;
  pillar: string;
  from: StatusRating;
  to: StatusRating;
  direction: 'improved' | 'slipped';
}

/** Owners' response to the requests, per owner and quarter. */
export interface ResponseTime {
  quarter: string;
  ownerId: string;
  projects: number;
  answered: number;
  /** Answers received after the due date. */
  late: number;
  /** The latest answer, in days after the due date (negative: all early). */
  worstDaysAfterDue?: number;
}

/** Everything the trend pages and the report's "Changes since last quarter" need, for one mechanism. */
export interface Trends {
  /** Quarters with a recorded cycle, oldest first. */
  quarters: string[];
  rows: ProjectQuarter[];
}

function emptyCounts(quarter: string): QuarterCounts {
  return {
    quarter,
    counts: Object.fromEntries(trendStatuses.map((s) => [s, 0])) as Record<TrendStatus, number>,
    total: 0,
  };
}

function dayDifference(instant: string, dueDate: string): number {
  // The due date is a whole day: an answer any time on it is on time (0); the next day is 1.
  const answered = Date.parse(instant.slice(0, 10) + 'T00:00:00Z');
  return Math.round((answered - Date.parse(dueDate + 'T00:00:00Z')) / 86_400_000);
}

/** Trend queries over the records. */
export function createTrendQueries(db: Kysely<Database>) {
  /** Every project's quarter on record for a mechanism (optionally one project), oldest quarter first. */
  async function load(mechanismId: string, projectId?: string): Promise<Trends> {
    const [cycles, projects, states, latest, first] = await Promise.all([
      db
        .selectFrom('cycles')
        .select(['quarter', 'due_date'])
        .where('mechanism_id', '=', mechanismId)
        .orderBy('quarter')
        .execute(),
      db
        .selectFrom('projects')
        .select(['id', 'title', 'pillar', 'owner_id'])
        .where('mechanism_id', '=', mechanismId)
        .$if(projectId !== undefined, (q) => q.where('id', '=', projectId!))
        .execute(),
      db
        .selectFrom('cycle_projects')
        .select(['quarter', 'project_id', 'owner_id', 'state'])
        .where('mechanism_id', '=', mechanismId)
        .$if(projectId !== undefined, (q) => q.where('project_id', '=', projectId!))
        .execute(),
      latestSubmissions(db, mechanismId)
        .select(['s.quarter', 's.project_id', 's.body'])
        .$if(projectId !== undefined, (q) => q.where('s.project_id', '=', projectId!))
        .execute(),
      db
        .selectFrom('submissions')
        .select((eb) => ['quarter', 'project_id', eb.fn.min('received_at').as('first')])
        .where('mechanism_id', '=', mechanismId)
        .$if(projectId !== undefined, (q) => q.where('project_id', '=', projectId!))
        .groupBy(['quarter', 'project_id'])
        .execute(),
    ]);
    const key = (q: string, p: string) => `${q}\u0000${p}`;
    const dueByQuarter = new Map(cycles.map((c) => [c.quarter, c.due_date ?? undefined]));
    const project = new Map(projects.map((p) => [p.id, p]));
    const stateOf = new Map(states.map((s) => [key(s.quarter, s.project_id), s]));
    const bodyOf = new Map(latest.map((s) => [key(s.quarter, s.project_id), s.body]));
    const firstOf = new Map(first.map((s) => [key(s.quarter, s.project_id), String(s.first)]));
    const keys = new Set([...stateOf.keys(), ...bodyOf.keys()]);
    const rows: ProjectQuarter[] = [];
    for (const k of keys) {
      const [quarter, pid] = k.split('\u0000') as [string, string];
      const p = project.get(pid);
      if (!p) continue;
      const body = bodyOf.get(k);
      const sub = body
        ? (JSON.parse(body) as {
            status: StatusRating;
            progressPercent: number;
            supportRequested?: string;
            milestoneUpdates?: ProjectQuarter['milestoneUpdates'];
            indicatorUpdates?: ProjectQuarter['indicatorUpdates'];
          })
        : undefined;
      const dueDate = dueByQuarter.get(quarter);
      const firstReceivedAt = firstOf.get(k);
      rows.push({
        quarter,
        projectId: pid,
        title: p.title,
        pillar: p.pillar,
        ownerId: stateOf.get(k)?.owner_id ?? p.owner_id,
        state: (stateOf.get(k)?.state as SubmissionState | undefined) ?? 'submitted',
        status: sub?.status ?? 'no-update',
        ...(sub && { progressPercent: sub.progressPercent }),
        supportRequested: Boolean(sub?.supportRequested?.trim()),
        ...(firstReceivedAt && { firstReceivedAt }),
        ...(dueDate && { dueDate }),
        ...(firstReceivedAt && dueDate && { daysAfterDue: dayDifference(firstReceivedAt, dueDate) }),
        milestoneUpdates: sub?.milestoneUpdates ?? [],
        indicatorUpdates: sub?.indicatorUpdates ?? [],
      });
    }
    rows.sort((a, b) => a.quarter.localeCompare(b.quarter) || a.projectId.localeCompare(b.projectId));
    const quarters = [...new Set([...cycles.map((c) => c.quarter), ...rows.map((r) => r.quarter)])].sort();
    return { quarters, rows };
  }
  return {
    load,
    /** One project's status, progress, milestones and indicators per quarter, oldest first. */
    async projectHistory(mechanismId: string, projectId: string): Promise<ProjectQuarter[]> {
      return (await load(mechanismId, projectId)).rows;
    },
  };
}

/** The trend queries' interface. */
export type TrendQueries = ReturnType<typeof createTrendQueries>;

/** Status counts per quarter (every recorded quarter, zeros included), for the portfolio or the projects `filter` keeps. */
export function statusCountsByQuarter(
  trends: Trends,
  filter: (r: ProjectQuarter) => boolean = () => true,
): QuarterCounts[] {
  const byQuarter = new Map(trends.quarters.map((q) => [q, emptyCounts(q)]));
  for (const r of trends.rows) {
    if (!filter(r)) continue;
    const c = byQuarter.get(r.quarter)!;
    c.counts[r.status]++;
    c.total++;
  }
  return [...byQuarter.values()];
}

/** Status counts per quarter for each pillar that has projects on record, by pillar id. */
export function statusCountsByPillar(trends: Trends): Map<string, QuarterCounts[]> {
  const pillars = [...new Set(trends.rows.map((r) => r.pillar))].sort();
  return new Map(pillars.map((p) => [p, statusCountsByQuarter(trends, (r) => r.pillar === p)]));
}

/**
 * Projects whose rating in `quarter` differs from the one in the quarter recorded just before it (improved or
 * slipped by `statusRank`); projects without an update in either quarter are left out. Slipped first, then by title.
 */
export function changesSince(trends: Trends, quarter: string): StatusChange[] {
  const i = trends.quarters.indexOf(quarter);
  if (i <= 0) return [];
  const before = trends.quarters[i - 1];
  const previous = new Map(trends.rows.filter((r) => r.quarter === before).map((r) => [r.projectId, r.status]));
  const out: StatusChange[] = [];
  for (const r of trends.rows) {
    if (r.quarter !== quarter || r.status === 'no-update') continue;
    const from = previous.get(r.projectId);
    if (!from || from === 'no-update' || from === r.status) continue;
    const d = statusRank[r.status] - statusRank[from];
    if (d === 0) continue;
    out.push({
      projectId: r.projectId,
      title: r.title,
      pillar: r.pillar,
      from,
      to: r.status,
      direction: d > 0 ? 'improved' : 'slipped',
    });
  }
  return out.sort((a, b) => a.direction.localeCompare(b.direction) * -1 || a.title.localeCompare(b.title));
}

/** How many projects asked the mechanism for support, per pillar id and quarter. */
export function supportByPillar(trends: Trends): { quarter: string; pillar: string; projects: number }[] {
  const counts = new Map<string, { quarter: string; pillar: string; projects: number }>();
  for (const r of trends.rows) {
    if (!r.supportRequested) continue;
    const k = `${r.quarter}\u0000${r.pillar}`;
    const c = counts.get(k) ?? { quarter: r.quarter, pillar: r.pillar, projects: 0 };
    c.projects++;
    counts.set(k, c);
  }
  return [...counts.values()].sort((a, b) => a.quarter.localeCompare(b.quarter) || a.pillar.localeCompare(b.pillar));
}

/** Owners' answers against the due date, per quarter and owner (who answers late, quarter after quarter). */
export function responseTimes(trends: Trends): ResponseTime[] {
  const out = new Map<string, ResponseTime>();
  for (const r of trends.rows) {
    const k = `${r.quarter}\u0000${r.ownerId}`;
    const t = out.get(k) ?? { quarter: r.quarter, ownerId: r.ownerId, projects: 0, answered: 0, late: 0 };
    t.projects++;
    if (r.firstReceivedAt) t.answered++;
    if (r.daysAfterDue !== undefined) {
      if (r.daysAfterDue > 0) t.late++;
      t.worstDaysAfterDue = Math.max(t.worstDaysAfterDue ?? -Infinity, r.daysAfterDue);
    }
    out.set(k, t);
  }
  return [...out.values()].sort((a, b) => a.quarter.localeCompare(b.quarter) || a.ownerId.localeCompare(b.ownerId));
}
