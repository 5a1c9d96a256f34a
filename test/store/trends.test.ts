import {
  changesSince,
  importMechanismFile,
  responseTimes,
  statusCountsByPillar,
  statusCountsByQuarter,
  supportByPillar,
  type Store,
} from '../../src/store';
import { keepPostgresForThisFile, storeKinds, type TestStore } from '../helpers/store';

keepPostgresForThisFile();

const MECHANISM = `
id: demo
name: Demo
timeZone: Africa/Maseru
sides: [{ id: ls, name: Lesotho, secretariat: [sec] }]
pillars: [{ id: econ, name: Economy }, { id: people, name: People }]
contacts:
  - { id: sec, name: Secretariat, email: sec@example.org }
  - { id: roads, name: Roads, email: roads@example.org }
  - { id: health, name: Health, email: health@example.org }
projects:
  - { id: road, title: Mpiti road, pillar: econ, owner: roads }
  - { id: bridge, title: Bridge, pillar: econ, owner: roads }
  - { id: clinic, title: District clinic, pillar: people, owner: health }
`;

type Rating = 'on-track' | 'at-risk' | 'off-track' | 'completed' | 'not-started';

/** Seeds three quarters: each entry is a project's rating (or nothing) and the day of the due month it answered. */
async function seed(store: Store) {
  await importMechanismFile(store, { text: MECHANISM });
  const plan: Record<string, Record<string, [Rating, number, string?] | undefined>> = {
    '2026-Q1': { road: ['on-track', 10], bridge: ['at-risk', 20, 'Funds for cement'], clinic: ['not-started', 14] },
    '2026-Q2': { road: ['at-risk', 16, 'A surveyor'], bridge: ['on-track', 12], clinic: undefined },
    '2026-Q3': { road: ['off-track', 18, 'Ministry sign-off'], bridge: ['completed', 3], clinic: ['on-track', 15] },
  };
  const owners: Record<string, string> = { road: 'roads', bridge: 'roads', clinic: 'health' };
  for (const [quarter, projects] of Object.entries(plan)) {
    const month = { Q1: '04', Q2: '07', Q3: '10' }[quarter.slice(5)]!;
    await store.cycles.open({
      mechanismId: 'demo',
      quarter,
      workflowId: `cycle-${quarter}`,
      dueDate: `2026-${month}-15`,
      openedAt: `2026-${month}-01T07:00:00Z`,
    });
    for (const [projectId, answer] of Object.entries(projects)) {
      await store.cycles.setProjectState({
        mechanismId: 'demo',
        quarter,
        projectId,
        ownerId: owners[projectId],
        state: answer ? 'submitted' : 'missing',
      });
      if (!answer) continue;
      const [status, day, support] = answer;
      const received = `2026-${month}-${String(day).padStart(2, '0')}T09:00:00Z`;
      const body = {
        status,
        ...(status !== 'on-track' && status !== 'completed' && { statusReason: 'Reason' }),
        progressPercent: day * 3,
        supportRequested: support ?? '',
        indicatorUpdates: [{ indicatorId: 'km', current: day }],
      };
      await store.submissions.recordSubmission({
        mechanismId: 'demo',
        quarter,
        projectId,
        body: { ...body, status: 'on-track', statusReason: undefined },
        submittedBy: owners[projectId],
        workflowId: `p-${quarter}-${projectId}`,
        step: 'first',
        receivedAt: received,
        late: day > 15,
      });
      // A later revision changes the rating: trends use the latest revision but the first answer's time.
      await store.submissions.recordSubmission({
        mechanismId: 'demo',
        quarter,
        projectId,
        body,
        submittedBy: owners[projectId],
        workflowId: `p-${quarter}-${projectId}`,
        step: 'second',
        receivedAt: `2026-${month}-28T09:00:00Z`,
        late: true,
      });
    }
  }
}

describe.each(storeKinds)('trends across quarters on %s', (_kind, create) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await create();
    await seed(store);
  });
  afterEach(async () => {
    await store?.close();
  });

  test("a project's history shows its latest rating and progress for every quarter, oldest first", async () => {
    const history = await store.trends.projectHistory('demo', 'road');
    expect(history.map((h) => [h.quarter, h.status, h.progressPercent])).toEqual([
      ['2026-Q1', 'on-track', 30],
      ['2026-Q2', 'at-risk', 48],
      ['2026-Q3', 'off-track', 54],
    ]);
    expect(history[2].indicatorUpdates).toEqual([{ indicatorId: 'km', current: 18 }]);
    const clinic = await store.trends.projectHistory('demo', 'clinic');
    expect(clinic.map((h) => [h.quarter, h.state, h.status])).toEqual([
      ['2026-Q1', 'submitted', 'not-started'],
      ['2026-Q2', 'missing', 'no-update'],
      ['2026-Q3', 'submitted', 'on-track'],
    ]);
  });

  test('the portfolio and each pillar count their projects by status in every quarter', async () => {
    const trends = await store.trends.load('demo');
    const counts = statusCountsByQuarter(trends);
    expect(counts.map((c) => c.quarter)).toEqual(['2026-Q1', '2026-Q2', '2026-Q3']);
    expect(counts[1]).toMatchObject({ total: 3, counts: { 'at-risk': 1, 'on-track': 1, 'no-update': 1 } });
    expect(counts[2].counts).toMatchObject({ 'off-track': 1, completed: 1, 'on-track': 1 });
    const byPillar = statusCountsByPillar(trends);
    expect(byPillar.get('people')!.map((c) => c.total)).toEqual([1, 1, 1]);
    expect(byPillar.get('econ')![0].counts).toMatchObject({ 'on-track': 1, 'at-risk': 1 });
  });

  test('projects that changed rating since last quarter are listed as slipped or improved', async () => {
    const trends = await store.trends.load('demo');
    expect(changesSince(trends, '2026-Q2')).toEqual([
      expect.objectContaining({ projectId: 'road', from: 'on-track', to: 'at-risk', direction: 'slipped' }),
      expect.objectContaining({ projectId: 'bridge', from: 'at-risk', to: 'on-track', direction: 'improved' }),
    ]);
    // The clinic sent nothing in Q2: its Q3 rating is neither an improvement nor a slip.
    expect(changesSince(trends, '2026-Q3').map((c) => [c.projectId, c.direction])).toEqual([
      ['road', 'slipped'],
      ['bridge', 'improved'],
    ]);
    expect(changesSince(trends, '2026-Q1')).toEqual([]);
  });

  test('support requests are counted by pillar and quarter', async () => {
    const trends = await store.trends.load('demo');
    expect(supportByPillar(trends)).toEqual([
      { quarter: '2026-Q1', pillar: 'econ', projects: 1 },
      { quarter: '2026-Q2', pillar: 'econ', projects: 1 },
      { quarter: '2026-Q3', pillar: 'econ', projects: 1 },
    ]);
  });

  test("owners' response times compare the first answer with the due date, quarter after quarter", async () => {
    const times = responseTimes(await store.trends.load('demo'));
    expect(times).toEqual([
      { quarter: '2026-Q1', ownerId: 'health', projects: 1, answered: 1, late: 0, worstDaysAfterDue: -1 },
      { quarter: '2026-Q1', ownerId: 'roads', projects: 2, answered: 2, late: 1, worstDaysAfterDue: 5 },
      { quarter: '2026-Q2', ownerId: 'health', projects: 1, answered: 0, late: 0 },
      { quarter: '2026-Q2', ownerId: 'roads', projects: 2, answered: 2, late: 1, worstDaysAfterDue: 1 },
      { quarter: '2026-Q3', ownerId: 'health', projects: 1, answered: 1, late: 0, worstDaysAfterDue: 0 },
      { quarter: '2026-Q3', ownerId: 'roads', projects: 2, answered: 2, late: 1, worstDaysAfterDue: 3 },
    ]);
  });
});
