import type { Kysely } from 'kysely';
import { Submission, type SubmissionInput } from '../domain';
import type { Database, SubmissionsTable } from './schema';
import { toIso } from './steps';

/** One stored revision of a project's quarterly update. */
export interface SubmissionRecord {
  mechanismId: string;
  quarter: string;
  projectId: string;
  revision: number;
  body: Submission;
  submittedBy: string;
  receivedAt: string;
  late: boolean;
}

function fromRow(r: SubmissionsTable): SubmissionRecord {
  return {
    mechanismId: r.mechanism_id,
    quarter: r.quarter,
    projectId: r.project_id,
    revision: r.revision,
    body: JSON.parse(r.body) as Submission,
    submittedBy: r.submitted_by,
    receivedAt: r.received_at,
    late: r.late === 1,
  };
}

/**
 * A mechanism's submissions (as `s`), the latest revision of each project's update in each quarter only: what the
 * report, the cycle page and the trends read.
 */
export function latestSubmissions(db: Kysely<Database>, mechanismId: string) {
  return db
    .selectFrom('submissions as s')
    .where('s.mechanism_id', '=', mechanismId)
    .where(({ eb, selectFrom }) =>
      eb(
        's.revision',
        '=',
        selectFrom('submissions as t')
          .select((e) => e.fn.max('t.revision').as('m'))
          .whereRef('t.mechanism_id', '=', 's.mechanism_id')
          .whereRef('t.quarter', '=', 's.quarter')
          .whereRef('t.project_id', '=', 's.project_id'),
      ),
    );
}

/** Submissions with revisions; a retried write with the same (workflowId, step) never adds a revision. */
export function createSubmissionRepository(db: Kysely<Database>) {
  /** A quarter's submissions, the latest revision of each project only, by project id. */
  const latestOf = (mechanismId: string, quarter: string) =>
    latestSubmissions(db, mechanismId).where('s.quarter', '=', quarter).orderBy('s.project_id');
  return {
    /**
     * Stores a new revision of a project's update: `revision` when given (the workflow numbers what it
     * acknowledges), else the next one (1, 2, ...). On a repeat of the same (workflowId, step) it returns the first
     * answer and writes nothing. A given revision is written once: the API (answering the owner) and the
     * workflow's follow-up both store an acknowledged revision, and whichever comes second changes nothing.
     */
    async recordSubmission(input: {
      mechanismId: string;
      quarter: string;
      projectId: string;
      /** Parsed here with the domain schema (defaults applied), whoever parsed it before. */
      body: SubmissionInput;
      submittedBy: string;
      workflowId: string;
      step: string;
      receivedAt?: string | Date;
      late: boolean;
      revision?: number;
    }): Promise<{ revision: number; late: boolean }> {
      const body = Submission.parse(input.body);
      return db.transaction().execute(async (trx) => {
        const seen = await trx
          .selectFrom('submissions')
          .select(['revision', 'late'])
          .where('workflow_id', '=', input.workflowId)
          .where('step', '=', input.step)
          .executeTakeFirst();
        if (seen) return { revision: seen.revision, late: seen.late === 1 };
        const last =
          input.revision === undefined
            ? await trx
                .selectFrom('submissions')
                .select((eb) => eb.fn.max('revision').as('max'))
                .where('mechanism_id', '=', input.mechanismId)
                .where('quarter', '=', input.quarter)
                .where('project_id', '=', input.projectId)
                .executeTakeFirst()
            : undefined;
        const revision = input.revision ?? Number(last?.max ?? 0) + 1;
        const insert = trx.insertInto('submissions').values({
          mechanism_id: input.mechanismId,
          quarter: input.quarter,
          project_id: input.projectId,
          revision,
          body: JSON.stringify(body),
          submitted_by: input.submittedBy,
          received_at: toIso(input.receivedAt),
          late: input.late ? 1 : 0,
          workflow_id: input.workflowId,
          step: input.step,
        });
        await (input.revision === undefined ? insert : insert.onConflict((oc) => oc.doNothing())).execute();
        return { revision, late: input.late };
      });
    },
    /** The latest revision of a project's update in a quarter (e.g. the previous quarter's, to pre-fill the form). */
    async latest(mechanismId: string, quarter: string, projectId: string): Promise<SubmissionRecord | undefined> {
      const r = await db
        .selectFrom('submissions')
        .selectAll()
        .where('mechanism_id', '=', mechanismId)
        .where('quarter', '=', quarter)
        .where('project_id', '=', projectId)
        .orderBy('revision', 'desc')
        .limit(1)
        .executeTakeFirst();
      return r && fromRow(r);
    },
    /** Every revision of a project's update in a quarter, oldest first. */
    async revisions(mechanismId: string, quarter: string, projectId: string): Promise<SubmissionRecord[]> {
      const rows = await db
        .selectFrom('submissions')
        .selectAll()
        .where('mechanism_id', '=', mechanismId)
        .where('quarter', '=', quarter)
        .where('project_id', '=', projectId)
        .orderBy('revision')
        .execute();
      return rows.map(fromRow);
    },
    /**
     * The latest revision number of every project that answered in a quarter, and whether it was late: what the cycle
     * page shows per project, without the updates' text.
     */
    async latestRevisions(
      mechanismId: string,
      quarter: string,
    ): Promise<{ projectId: string; revision: number; late: boolean }[]> {
      const rows = await latestOf(mechanismId, quarter).select(['s.project_id', 's.revision', 's.late']).execute();
      return rows.map((r) => ({ projectId: r.project_id, revision: r.revision, late: r.late === 1 }));
    },
    /** The latest revision of every project that answered in a quarter, by project id (what the report uses). */
    async latestForCycle(mechanismId: string, quarter: string): Promise<SubmissionRecord[]> {
      const rows = await latestOf(mechanismId, quarter).selectAll('s').execute();
      return rows.map(fromRow);
    },
  };
}

/** The submission repository's interface. */
export type SubmissionRepository = ReturnType<typeof createSubmissionRepository>;
