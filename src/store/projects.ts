import type { Kysely } from 'kysely';
import { Project, type ProjectStatus, withoutLineSeparators } from '../domain';
import type { Database, ProjectsTable } from './schema';

/** The columns of a project except bookkeeping timestamps: what an import compares to decide "unchanged". */
export type ProjectColumns = Omit<ProjectsTable, 'created_at' | 'updated_at'>;

/** Maps a domain Project to its row (JSON for structured fields). */
export function projectToColumns(mechanismId: string, p: Project): ProjectColumns {
  return {
    mechanism_id: mechanismId,
    id: p.id,
    title: p.title,
    pillar: p.pillar,
    description: p.description ?? null,
    owner_id: p.owner,
    supervisor_id: p.supervisor ?? null,
    focal_points: JSON.stringify(p.focalPoints ?? {}),
    planned_start: p.plannedStart ?? null,
    planned_end: p.plannedEnd ?? null,
    actual_start: p.actualStart ?? null,
    actual_end: p.actualEnd ?? null,
    budget: p.budget ? JSON.stringify(p.budget) : null,
    milestones: JSON.stringify(p.milestones ?? []),
    indicators: JSON.stringify(p.indicators ?? []),
    status: p.status,
    translations: p.translations ? JSON.stringify(p.translations) : null,
  };
}

/** Maps a projects row back to the domain Project. */
export function projectFromRow(r: ProjectsTable): Project {
  const opt = <K extends string>(k: K, v: string | null) => (v === null ? {} : ({ [k]: v } as Record<K, string>));
  // A title stored before imports refused line separators (U+2028...) reads with a space instead.
  return Project.parse(
    withoutLineSeparators({
      id: r.id,
      title: r.title,
      pillar: r.pillar,
      owner: r.owner_id,
      focalPoints: JSON.parse(r.focal_points),
      milestones: JSON.parse(r.milestones),
      indicators: JSON.parse(r.indicators),
      status: r.status,
      ...opt('description', r.description),
      ...opt('supervisor', r.supervisor_id),
      ...opt('plannedStart', r.planned_start),
      ...opt('plannedEnd', r.planned_end),
      ...opt('actualStart', r.actual_start),
      ...opt('actualEnd', r.actual_end),
      ...(r.budget !== null && { budget: JSON.parse(r.budget) }),
      ...(r.translations !== null && r.translations !== undefined && { translations: JSON.parse(r.translations) }),
    }),
  );
}

/** Reads a mechanism's portfolio. Writes go through the mechanism file and portfolio imports. */
export function createProjectRepository(db: Kysely<Database>) {
  return {
    /** One project, or undefined. */
    async get(mechanismId: string, projectId: string): Promise<Project | undefined> {
      const r = await db
        .selectFrom('projects')
        .selectAll()
        .where('mechanism_id', '=', mechanismId)
        .where('id', '=', projectId)
        .executeTakeFirst();
      return r && projectFromRow(r);
    },
    /** The portfolio, by id; optionally only projects with one status (e.g. `active` for a new cycle). */
    async list(mechanismId: string, filter: { status?: ProjectStatus } = {}): Promise<Project[]> {
      let q = db.selectFrom('projects').selectAll().where('mechanism_id', '=', mechanismId);
      if (filter.status) q = q.where('status', '=', filter.status);
      return (await q.orderBy('id').execute()).map(projectFromRow);
    },
  };
}

/** The project repository's interface. */
export type ProjectRepository = ReturnType<typeof createProjectRepository>;
