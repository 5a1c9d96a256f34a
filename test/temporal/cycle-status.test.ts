/**
 * A cycle read from outside: the running cycle answers one query (its phase, session, report version), and each
 * project's chase state comes from the records its update workflow writes, so reading a 1,000-project cycle costs
 * one query, not one per project.
 */
import type { Client } from '@temporalio/client';
import type { CycleProjectRecord } from '../../src/store';
import { liveCycleState, mergeCycleStatus } from '../../src/temporal/cycle-status';
import type { CycleState } from '../../src/workflows/messages';

const live: CycleState = {
  mechanismId: 'cn-ls',
  quarter: '2027-Q1',
  phase: 'collecting',
  waitingFor: 'updates',
  reportVersion: 0,
  actionItemIds: [],
  projects: [
    { projectId: 'road', state: 'requested', revision: 0, late: false },
    { projectId: 'solar', state: 'requested', revision: 0, late: false },
    { projectId: 'hospital', state: 'submitted', revision: 1, late: false },
    { projectId: 'tariffs', state: 'requested', revision: 0, late: false },
    { projectId: 'school', state: 'submitted', revision: 1, late: false },
  ],
};

const row = (projectId: string, state: CycleProjectRecord['state'], nextSendAt?: string): CycleProjectRecord => ({
  mechanismId: 'cn-ls',
  quarter: '2027-Q1',
  projectId,
  ownerId: `${projectId}-owner`,
  state,
  ...(nextSendAt && { nextSendAt }),
  updatedAt: '2027-03-08T07:00:00Z',
});

describe('reading a running cycle', () => {
  it("takes each project's chase state from the records, and the cycle's own state from the workflow", () => {
    const status = mergeCycleStatus('cn-ls', '2027-Q1', live, undefined, [
      row('road', 'reminded', '2027-03-15T07:00:00Z'),
      row('solar', 'escalated', '2027-03-20T07:00:00Z'),
      // Recorded before the update told the cycle: the records are ahead.
      row('hospital', 'submitted'),
      // A chase step's write that landed after the submission's: the cycle has heard it settle, and that stands.
      row('school', 'reminded', '2027-03-15T07:00:00Z'),
    ]);
    expect(status).toMatchObject({ phase: 'collecting', source: 'workflow' });
    expect(status!.projects.map((p) => [p.projectId, p.state, p.nextSendAt])).toEqual([
      ['road', 'reminded', '2027-03-15T07:00:00Z'],
      ['solar', 'escalated', '2027-03-20T07:00:00Z'],
      ['hospital', 'submitted', undefined],
      // Not recorded yet (its update has just started): what the cycle knows.
      ['tariffs', 'requested', undefined],
      ['school', 'submitted', undefined],
    ]);
    expect(status!.projects.find((p) => p.projectId === 'hospital')).toMatchObject({ revision: 1 });
  });

  it('asks Temporal about the cycle only, never about its projects', async () => {
    const asked: string[] = [];
    const handle = (workflowId: string) => ({
      describe: async () => (asked.push(`describe ${workflowId}`), { status: { name: 'RUNNING' } }),
      query: async () => (asked.push(`query ${workflowId}`), live),
    });
    const client = { workflow: { getHandle: handle } } as unknown as Client;
    expect(await liveCycleState(client, 'cn-ls', '2027-Q1')).toBe(live);
    expect(asked).toEqual(['describe cycle:cn-ls:2027-Q1', 'query cycle:cn-ls:2027-Q1']);
  });
});
