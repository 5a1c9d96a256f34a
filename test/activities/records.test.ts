import { createRecordActivities } from '../../src/activities/records';
import { loadDemoIfEmpty } from '../../src/store';
import { createTestStore, type TestStore } from '../helpers/store';

describe('the record activities on the real store', () => {
  let store: TestStore;
  beforeEach(async () => {
    store = await createTestStore();
    await loadDemoIfEmpty(store);
  });
  afterEach(() => store.close());

  it('loads a cycle context with every active project of the demo mechanism and no personal data', async () => {
    const activities = createRecordActivities(store);
    const context = await activities.loadCycleContext({
      mechanismId: 'cn-ls',
      quarter: '2026-Q2',
      openedAt: '2026-06-01T06:00:00Z',
    });
    expect(context.timeZone).toBe('Africa/Maseru');
    expect(context.projects.map((p) => p.projectId)).toEqual(
      expect.arrayContaining(['mpiti-road', 'ramarothole-solar', 'maseru-hospital']),
    );
    expect(context.secretariatIds.length).toBeGreaterThan(0);
    expect(context.holidays).toContain('2026-10-05');
    expect(JSON.stringify(context)).not.toMatch(/@/);
  });

  it('refuses, without retrying, a cycle of a mechanism that does not exist', async () => {
    const activities = createRecordActivities(store);
    await expect(
      activities.loadCycleContext({ mechanismId: 'xx-yy', quarter: '2026-Q2', openedAt: '2026-06-01T06:00:00Z' }),
    ).rejects.toMatchObject({
      nonRetryable: true,
      type: 'UnknownMechanism',
    });
  });

  it('stores a retried submission once, with the same revision number', async () => {
    const activities = createRecordActivities(store);
    const input = {
      workflowId: 'update:cn-ls:2026-Q2:mpiti-road',
      updateId: 'u-1',
      mechanismId: 'cn-ls',
      quarter: '2026-Q2',
      projectId: 'mpiti-road',
      submission: { status: 'on-track' as const, progressPercent: 40 },
      submittedBy: 'owner',
      receivedAt: '2026-06-05T08:00:00Z',
      late: false,
    };
    expect(await activities.recordSubmission(input)).toEqual({ revision: 1, late: false });
    expect(await activities.recordSubmission(input)).toEqual({ revision: 1, late: false });
    expect(await activities.recordSubmission({ ...input, updateId: 'u-2' })).toEqual({ revision: 2, late: false });
    expect(await store.submissions.revisions('cn-ls', '2026-Q2', 'mpiti-road')).toHaveLength(2);
  });

  it('keeps the cycle and each project state readable from the store', async () => {
    const activities = createRecordActivities(store);
    const workflowId = 'cycle:cn-ls:2026-Q2';
    await activities.recordCyclePhase({
      mechanismId: 'cn-ls',
      quarter: '2026-Q2',
      workflowId,
      phase: 'collecting',
      at: '2026-06-01T06:00:00Z',
      dueDate: '2026-06-15',
    });
    await activities.recordUpdateState({
      mechanismId: 'cn-ls',
      quarter: '2026-Q2',
      projectId: 'mpiti-road',
      state: 'reminded',
      ownerId: 'x',
      dueDate: '2026-06-15',
    });
    await activities.recordCyclePhase({
      mechanismId: 'cn-ls',
      quarter: '2026-Q2',
      workflowId,
      phase: 'closed',
      at: '2026-07-01T06:00:00Z',
    });
    const cycle = await store.cycles.get('cn-ls', '2026-Q2');
    expect(cycle).toMatchObject({ phase: 'closed', workflowId });
    expect((await store.cycles.listProjectStates('cn-ls', '2026-Q2')).map((p) => [p.projectId, p.state])).toEqual([
      ['mpiti-road', 'reminded'],
    ]);
  });
});
