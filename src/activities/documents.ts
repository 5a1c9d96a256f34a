import { ApplicationFailure } from '@temporalio/common';
import { previousQuarter, type Mechanism, type SessionPlan } from '../domain';
import { createDocumentActivities } from '../documents/activities';
import type { ActionItemRecord, ProjectRecord } from '../documents/model';
import type { Store } from '../store';

type Activities = ReturnType<typeof createDocumentActivities>;

/** Loads what every document of a cycle shows: the mechanism, each project with its latest submission, and open action items. */
export async function loadCommon(store: Store, mechanismId: string, quarter: string) {
  const mechanism: Mechanism | undefined = await store.mechanisms.get(mechanismId);
  if (!mechanism) throw ApplicationFailure.nonRetryable(`no mechanism ${mechanismId}`, 'UnknownMechanism');
  const [projects, states, submissions, openItems, cycleItems, previous] = await Promise.all([
    store.projects.list(mechanismId),
    store.cycles.listProjectStates(mechanismId, quarter),
    store.submissions.latestForCycle(mechanismId, quarter),
    store.actionItems.listOpen(mechanismId),
    store.actionItems.listForCycle(mechanismId, previousQuarter(quarter)),
    store.submissions.latestForCycle(mechanismId, previousQuarter(quarter)),
  ]);
  const stateOf = new Map(states.map((s) => [s.projectId, s.state]));
  const submissionOf = new Map(submissions.map((s) => [s.projectId, s]));
  // The portfolio of this cycle: projects it chased (a state row) plus active ones it has not reached yet.
  const records: ProjectRecord[] = projects
    .filter((p) => stateOf.has(p.id) || p.status === 'active')
    .map((project) => {
      const submission = submissionOf.get(project.id);
      return {
        project,
        state: stateOf.get(project.id) ?? (submission ? 'submitted' : 'requested'),
        ...(submission && { submission: submission.body, submittedAt: submission.receivedAt, late: submission.late }),
      };
    });
  // Matters arising: items still open from earlier cycles, plus everything the previous session agreed.
  const byId = new Map([...cycleItems, ...openItems.filter((a) => a.quarter !== quarter)].map((a) => [a.id, a]));
  const previousActionItems: ActionItemRecord[] = [...byId.values()].map((a) => ({
    item: {
      id: a.id,
      title: a.title,
      owner: a.owner,
      dueDate: a.dueDate,
      projects: a.projects,
      ...(a.side && { side: a.side }),
    },
    state: a.state,
  }));
  const previousStatuses = previous.length
    ? {
        quarter: previousQuarter(quarter),
        byProject: Object.fromEntries(previous.map((s) => [s.projectId, s.body.status])),
      }
    : undefined;
  return { mechanism, quarter, projects: records, previousActionItems, ...(previousStatuses && { previousStatuses }) };
}

async function loadSession(store: Store, mechanismId: string, quarter: string) {
  const session = await store.sessions.get(mechanismId, quarter);
  if (!session) throw ApplicationFailure.nonRetryable(`no session convened for ${mechanismId} ${quarter}`, 'NoSession');
  const plan: SessionPlan = {
    startsAt: session.startsAt,
    durationMinutes: session.durationMinutes,
    venue: session.venue,
    chairs: session.chairs,
    attendees: session.attendees,
  };
  const previous = await store.sessions.get(mechanismId, previousQuarter(quarter));
  return {
    session,
    plan,
    ...(previous && { previousSession: { quarter: previousQuarter(quarter), date: previous.startsAt.slice(0, 10) } }),
  };
}

/** The document activities (`compileReport`, `renderAgenda`, `renderMinutes`) reading their records from the store. */
export function createStoreDocumentActivities(store: Store, dataDir: string): Activities {
  return createDocumentActivities({
    dataDir,
    loadReportInput: (m, q) => loadCommon(store, m, q),
    async loadAgendaInput(m, q) {
      const [common, { plan, previousSession }] = await Promise.all([
        loadCommon(store, m, q),
        loadSession(store, m, q),
      ]);
      return { ...common, plan, ...(previousSession && { previousSession }) };
    },
    async loadMinutesInput(m, q) {
      const [common, { session, plan, previousSession }] = await Promise.all([
        loadCommon(store, m, q),
        loadSession(store, m, q),
      ]);
      const decisions = await store.decisions.listForCycle(m, q);
      const items = await store.actionItems.listForCycle(m, q);
      const itemById = new Map(items.map((a) => [a.id, a]));
      return {
        ...common,
        plan,
        ...(previousSession && { previousSession }),
        record: {
          present: session.present,
          ...(session.record?.nextMeeting && { nextMeeting: session.record.nextMeeting }),
          ...(session.record?.notes && { notes: session.record.notes }),
          decisions: decisions.map((d) => ({
            id: d.id,
            text: d.text,
            projects: d.projects,
            actionItems: d.actionItems.flatMap((id) => {
              const a = itemById.get(id);
              return a
                ? [
                    {
                      id: a.id,
                      title: a.title,
                      owner: a.owner,
                      dueDate: a.dueDate,
                      projects: a.projects,
                      ...(a.side && { side: a.side }),
                    },
                  ]
                : [];
            }),
          })),
        },
      };
    },
    recordDocument: (row) =>
      store.documents.record({
        mechanismId: row.mechanismId,
        quarter: row.quarter,
        kind: row.kind,
        version: row.version,
        format: row.format,
        path: row.path,
        sha256: row.sha256,
        bytes: row.bytes,
        createdAt: row.createdAt,
      }),
  });
}
