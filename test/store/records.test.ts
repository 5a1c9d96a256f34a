import { openStore, type Store } from '../../src/store';
import { migrations } from '../../src/store/migrations';
import { createPostgresTestStore, keepPostgresForThisFile, storeKinds, type TestStore } from '../helpers/store';

keepPostgresForThisFile();

const demoBody = {
  status: 'on-track' as const,
  progressPercent: 40,
  achievements: 'Survey finished',
  challenges: '',
  supportRequested: '',
  nextSteps: '',
  milestoneUpdates: [],
  indicatorUpdates: [],
  actionItemUpdates: [],
};

async function seedMechanism(store: Store) {
  const { importMechanismFile } = await import('../../src/store');
  await importMechanismFile(store, {
    text: `
id: cn-ls
name: Demo
timeZone: Africa/Maseru
sides: [{ id: ls, name: Lesotho, secretariat: [sec] }]
pillars: [{ id: econ, name: Economy }]
contacts: [{ id: sec, name: Secretariat, email: sec@example.org }, { id: owner, name: Owner, email: owner@example.org }]
projects: [{ id: mpiti-road, title: Road, pillar: econ, owner: owner }]
`,
  });
}

describe.each(storeKinds)('records store on %s', (_kind, create) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await create();
    await seedMechanism(store);
  });
  afterEach(async () => {
    await store?.close();
  });

  test('opening the same database again applies no migration twice and keeps the records', async () => {
    const again = await openStore({ dataDir: store.dataDir, databaseUrl: store.databaseUrl });
    try {
      expect((await again.mechanisms.get('cn-ls'))?.name).toBe('Demo');
      const applied = await again.db.selectFrom('schema_migrations').select('name').execute();
      expect(applied.map((r) => r.name).sort()).toEqual(migrations.map((m) => m.name).sort());
    } finally {
      await again.close();
    }
  });

  test('a retried submission write keeps one revision; an amendment adds the next one', async () => {
    const base = {
      mechanismId: 'cn-ls',
      quarter: '2026-Q1',
      projectId: 'mpiti-road',
      body: demoBody,
      submittedBy: 'owner',
      workflowId: 'update:cn-ls:2026-Q1:mpiti-road',
      late: false,
    };
    expect(await store.submissions.recordSubmission({ ...base, step: 'u1' })).toEqual({ revision: 1, late: false });
    expect(await store.submissions.recordSubmission({ ...base, step: 'u1', late: true })).toEqual({
      revision: 1,
      late: false,
    });
    expect(
      await store.submissions.recordSubmission({
        ...base,
        step: 'u2',
        late: true,
        body: { ...demoBody, progressPercent: 55 },
      }),
    ).toEqual({ revision: 2, late: true });
    expect((await store.submissions.revisions('cn-ls', '2026-Q1', 'mpiti-road')).map((r) => r.revision)).toEqual([
      1, 2,
    ]);
    const latest = await store.submissions.latestForCycle('cn-ls', '2026-Q1');
    expect(latest).toHaveLength(1);
    expect(latest[0]).toMatchObject({ revision: 2, late: true, body: { progressPercent: 55 } });
    // The same latest revision without the text, as the cycle page lists it.
    expect(await store.submissions.latestRevisions('cn-ls', '2026-Q1')).toEqual([
      { projectId: 'mpiti-road', revision: 2, late: true },
    ]);
    expect(await store.submissions.latestRevisions('cn-ls', '2026-Q2')).toEqual([]);
  });

  test('an acknowledged revision is written once, whether the API or the workflow stores it first', async () => {
    const base = {
      mechanismId: 'cn-ls',
      quarter: '2026-Q1',
      projectId: 'mpiti-road',
      body: demoBody,
      submittedBy: 'owner',
      workflowId: 'update:cn-ls:2026-Q1:mpiti-road',
      late: false,
      revision: 1,
    };
    expect(await store.submissions.recordSubmission({ ...base, step: 'acknowledged-r1' })).toEqual({
      revision: 1,
      late: false,
    });
    expect(await store.submissions.recordSubmission({ ...base, step: 'update-id-1' })).toEqual({
      revision: 1,
      late: false,
    });
    expect(await store.submissions.recordSubmission({ ...base, step: 'update-id-2', revision: 2, late: true })).toEqual(
      { revision: 2, late: true },
    );
    expect(
      (await store.submissions.revisions('cn-ls', '2026-Q1', 'mpiti-road')).map((r) => [r.revision, r.late]),
    ).toEqual([
      [1, false],
      [2, true],
    ]);
  });

  test('opening the same quarter twice keeps exactly one cycle', async () => {
    const first = await store.cycles.open({
      mechanismId: 'cn-ls',
      quarter: '2026-Q1',
      workflowId: 'cycle:cn-ls:2026-Q1',
      openedAt: '2026-03-02T06:00:00Z',
    });
    const second = await store.cycles.open({
      mechanismId: 'cn-ls',
      quarter: '2026-Q1',
      workflowId: 'cycle:cn-ls:2026-Q1',
      openedAt: '2026-03-05T06:00:00Z',
    });
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.cycle.openedAt).toBe('2026-03-02T06:00:00.000Z');
    expect(await store.cycles.list('cn-ls')).toHaveLength(1);
  });

  test("a project's state written late for an earlier step does not put the row back", async () => {
    const step = (state: 'requested' | 'reminded' | 'submitted', at: string, nextSendAt?: string) =>
      store.cycles.setProjectState({
        mechanismId: 'cn-ls',
        quarter: '2026-Q1',
        projectId: 'mpiti-road',
        ownerId: 'owner',
        state,
        lastSendAt: at,
        ...(nextSendAt && { nextSendAt }),
        at,
      });
    await step('requested', '2026-03-02T07:00:00Z', '2026-03-09T07:00:00Z');
    await step('reminded', '2026-03-09T07:00:00Z', '2026-03-13T07:00:00Z');
    await step('submitted', '2026-03-10T08:00:00Z');
    // The reminder's write again, after the submission's (an attempt that timed out and landed late).
    await step('reminded', '2026-03-09T07:00:00Z', '2026-03-13T07:00:00Z');
    const [row] = await store.cycles.listProjectStates('cn-ls', '2026-Q1');
    expect(row).toMatchObject({ state: 'submitted', lastSendAt: '2026-03-10T08:00:00.000Z' });
    expect(row.nextSendAt).toBeUndefined();
    // The same step again, or a later one, still writes.
    await step('submitted', '2026-03-10T08:00:00Z');
    await step('submitted', '2026-03-11T08:00:00Z');
    expect((await store.cycles.listProjectStates('cn-ls', '2026-Q1'))[0].lastSendAt).toBe('2026-03-11T08:00:00.000Z');
  });

  test("a closed cycle's states, submissions, documents, decisions and session stay readable after reopening the database", async () => {
    await store.cycles.open({
      mechanismId: 'cn-ls',
      quarter: '2026-Q1',
      workflowId: 'cycle:cn-ls:2026-Q1',
      dueDate: '2026-03-16',
    });
    await store.cycles.setProjectState({
      mechanismId: 'cn-ls',
      quarter: '2026-Q1',
      projectId: 'mpiti-road',
      ownerId: 'owner',
      state: 'submitted',
      lastSendAt: '2026-03-10T07:00:00Z',
    });
    await store.submissions.recordSubmission({
      mechanismId: 'cn-ls',
      quarter: '2026-Q1',
      projectId: 'mpiti-road',
      body: demoBody,
      submittedBy: 'owner',
      workflowId: 'w',
      step: 's',
      late: false,
    });
    await store.documents.record({
      mechanismId: 'cn-ls',
      quarter: '2026-Q1',
      kind: 'report',
      version: 1,
      format: 'pdf',
      path: 'cn-ls/2026-Q1/report-v1.pdf',
      sha256: 'a'.repeat(64),
      bytes: 1234,
    });
    await store.sessions.schedule(
      'cn-ls',
      '2026-Q1',
      {
        startsAt: '2026-04-14T08:00:00Z',
        durationMinutes: 120,
        venue: 'Maseru',
        chairs: ['sec'],
        attendees: ['owner'],
      },
      { workflowId: 'cycle:cn-ls:2026-Q1', step: 'convene-1' },
    );
    await store.decisions.record(
      'cn-ls',
      '2026-Q1',
      [
        {
          id: 'd1',
          text: 'Speed up the road survey',
          projects: ['mpiti-road'],
          actionItems: [
            { id: 'a1', title: 'Send survey', owner: 'owner', dueDate: '2026-05-01', projects: ['mpiti-road'] },
          ],
        },
      ],
      { workflowId: 'cycle:cn-ls:2026-Q1', step: 'record-1' },
    );
    await store.cycles.setPhase('cn-ls', '2026-Q1', 'closed', '2026-04-20T10:00:00Z');

    // A fresh connection holding no state, as a later process would, long after Temporal forgot the workflows.
    const reopened = await openStore({ dataDir: store.dataDir, databaseUrl: store.databaseUrl });
    try {
      expect(await reopened.cycles.get('cn-ls', '2026-Q1')).toMatchObject({
        phase: 'closed',
        closedAt: '2026-04-20T10:00:00.000Z',
        dueDate: '2026-03-16',
      });
      expect(await reopened.cycles.listProjectStates('cn-ls', '2026-Q1')).toEqual([
        expect.objectContaining({ projectId: 'mpiti-road', state: 'submitted' }),
      ]);
      expect(await reopened.submissions.latest('cn-ls', '2026-Q1', 'mpiti-road')).toMatchObject({
        body: { achievements: 'Survey finished' },
      });
      expect(await reopened.documents.list('cn-ls', '2026-Q1')).toEqual([
        expect.objectContaining({ kind: 'report', format: 'pdf', bytes: 1234 }),
      ]);
      expect(await reopened.decisions.listForCycle('cn-ls', '2026-Q1')).toEqual([
        expect.objectContaining({ id: 'd1', actionItems: ['a1'] }),
      ]);
      expect(await reopened.sessions.get('cn-ls', '2026-Q1')).toMatchObject({
        status: 'scheduled',
        chairs: ['sec'],
        attendees: ['owner'],
      });
    } finally {
      await reopened.close();
    }
  });

  test('a document version is archived once and never overwritten with other content', async () => {
    const doc = {
      mechanismId: 'cn-ls',
      quarter: '2026-Q1',
      kind: 'report' as const,
      version: 1,
      format: 'docx' as const,
      path: 'r.docx',
      sha256: 'b'.repeat(64),
      bytes: 10,
    };
    const first = await store.documents.record(doc);
    expect((await store.documents.record(doc)).id).toBe(first.id);
    await expect(store.documents.record({ ...doc, sha256: 'c'.repeat(64) })).rejects.toThrow(/already exists/);
    expect(await store.documents.nextVersion('cn-ls', '2026-Q1', 'report')).toBe(2);
  });

  test('rescheduling the session raises the invitation sequence, and a retried reschedule does not', async () => {
    const plan = {
      startsAt: '2026-04-14T08:00:00Z',
      durationMinutes: 120,
      venue: 'Maseru',
      chairs: ['sec'],
      attendees: ['owner', 'sec'],
    };
    const key = (step: string) => ({ workflowId: 'cycle:cn-ls:2026-Q1', step });
    expect(await store.sessions.schedule('cn-ls', '2026-Q1', plan, key('convene-1'))).toEqual({ sequence: 0 });
    expect(
      await store.sessions.schedule(
        'cn-ls',
        '2026-Q1',
        { ...plan, startsAt: '2026-04-15T08:00:00Z' },
        key('convene-2'),
      ),
    ).toEqual({ sequence: 1 });
    expect(
      await store.sessions.schedule(
        'cn-ls',
        '2026-Q1',
        { ...plan, startsAt: '2026-04-15T08:00:00Z' },
        key('convene-2'),
      ),
    ).toEqual({ sequence: 1 });
    expect(await store.sessions.cancel('cn-ls', '2026-Q1', key('cancel-1'))).toEqual({ sequence: 2 });
    expect(await store.sessions.get('cn-ls', '2026-Q1')).toMatchObject({
      status: 'cancelled',
      sequence: 2,
      startsAt: '2026-04-15T08:00:00.000Z',
    });
  });

  test('recording decisions twice for the same step creates each action item once, and completing one stamps the date', async () => {
    const decisions = [
      {
        id: 'd1',
        text: 'Do it',
        projects: [],
        actionItems: [
          { id: 'a1', title: 'Report back', owner: 'owner', dueDate: '2026-05-01', projects: ['mpiti-road'] },
        ],
      },
    ];
    const key = { workflowId: 'cycle:cn-ls:2026-Q1', step: 'record' };
    expect(await store.decisions.record('cn-ls', '2026-Q1', decisions, key)).toEqual({ decisions: 1, actionItems: 1 });
    expect(await store.decisions.record('cn-ls', '2026-Q1', decisions, key)).toEqual({ decisions: 1, actionItems: 1 });
    expect(await store.actionItems.listOpen('cn-ls', 'owner')).toHaveLength(1);
    const done = await store.actionItems.setState('cn-ls', 'a1', 'done', '2026-04-30T12:00:00Z');
    expect(done).toMatchObject({ state: 'done', completedAt: '2026-04-30T12:00:00.000Z', decisionId: 'd1' });
    expect(await store.actionItems.listOpen('cn-ls')).toHaveLength(0);
  });

  test("an owner's link works until it expires, and the database holds only its hash", async () => {
    const token = await store.ownerLinks.issue({
      mechanismId: 'cn-ls',
      quarter: '2026-Q1',
      projectId: 'mpiti-road',
      contactId: 'owner',
      expiresAt: '2026-04-01T00:00:00Z',
    });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await store.ownerLinks.resolve(token, '2026-03-10T00:00:00Z')).toMatchObject({
      projectId: 'mpiti-road',
      contactId: 'owner',
    });
    expect(await store.ownerLinks.resolve(token + 'x', '2026-03-10T00:00:00Z')).toBeUndefined();
    const rows = await store.db.selectFrom('owner_links').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(await store.ownerLinks.expireForCycle('cn-ls', '2026-Q1', '2026-03-20T00:00:00Z')).toBe(1);
    expect(await store.ownerLinks.resolve(token, '2026-03-21T00:00:00Z')).toBeUndefined();
  });

  test('secretariat passwords and API tokens are stored only as hashes and still verify', async () => {
    await store.users.create({ email: 'Officer@Example.org', name: 'Officer', password: 'correct horse battery' });
    expect(await store.users.authenticate('officer@example.org', 'correct horse battery')).toMatchObject({
      name: 'Officer',
    });
    expect(await store.users.authenticate('officer@example.org', 'wrong')).toBeUndefined();
    const { id, token } = await store.apiTokens.create({ name: 'ci' });
    expect(await store.apiTokens.resolve(token)).toMatchObject({ id, name: 'ci' });
    const dump = JSON.stringify([
      await store.db.selectFrom('users').selectAll().execute(),
      await store.db.selectFrom('api_tokens').selectAll().execute(),
    ]);
    expect(dump).not.toContain('correct horse battery');
    expect(dump).not.toContain(token);
    await store.apiTokens.revoke(id);
    expect(await store.apiTokens.resolve(token)).toBeUndefined();
  });

  test("an API token's last use is noted to the minute, not on every call", async () => {
    const { token } = await store.apiTokens.create({ name: 'ci' });
    expect(await store.apiTokens.resolve(token, '2026-03-02T10:00:00.000Z')).toMatchObject({
      lastUsedAt: '2026-03-02T10:00:00.000Z',
    });
    expect(await store.apiTokens.resolve(token, '2026-03-02T10:00:59.000Z')).toMatchObject({
      lastUsedAt: '2026-03-02T10:00:00.000Z',
    });
    expect(await store.apiTokens.resolve(token, '2026-03-02T10:01:00.000Z')).toMatchObject({
      lastUsedAt: '2026-03-02T10:01:00.000Z',
    });
    expect(
      (await store.db.selectFrom('api_tokens').select('last_used_at').executeTakeFirstOrThrow()).last_used_at,
    ).toBe('2026-03-02T10:01:00.000Z');
  });

  test('the audit trail lists who did what, newest first', async () => {
    await store.audit.append({
      actor: 'user-1',
      action: 'cycle.extended',
      entityType: 'cycle',
      entityId: 'cn-ls/2026-Q1',
      details: { days: 3 },
    });
    await store.audit.append({
      actor: 'user-2',
      action: 'cycle.waived',
      entityType: 'cycle',
      entityId: 'cn-ls/2026-Q1',
    });
    const entries = await store.audit.list({ entityType: 'cycle' });
    expect(entries.map((e) => e.action)).toEqual(['cycle.waived', 'cycle.extended']);
    expect(entries[1].details).toEqual({ days: 3 });
    expect(Object.keys(store.audit).sort()).toEqual(['append', 'list']);
  });
});

test('a PostgreSQL test database is gone after its store closes', async () => {
  const store = await createPostgresTestStore();
  const keep = await createPostgresTestStore(); // keeps the shared server up to look
  const { Client } = await import('pg');
  const name = new URL(store.databaseUrl!).pathname.slice(1);
  await store.close();
  const admin = new URL(keep.databaseUrl!);
  admin.pathname = '/postgres';
  const c = new Client({ connectionString: admin.toString() });
  await c.connect();
  const r = await c.query('select 1 from pg_database where datname = $1', [name]);
  await c.end();
  await keep.close();
  expect(r.rowCount).toBe(0);
});
