/**
 * The cycle page does not wait for a cycle that is slow to answer its query (issue 20): past a short wait it draws
 * itself from the records, which each update keeps current at every step. Whether the officer may act then depends on
 * whether a worker polls the task queue: busy (a fan-out under way) keeps the forms, with a quiet notice; no worker,
 * or no Temporal, gives the alarm and no forms. The slow cycle and the pollers are injected through the gateway
 * production uses; the app, its pages and the store are real.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app';
import type { CycleGateway } from '../../src/api/cycle-gateway';
import { loadConfig } from '../../src/config';
import { loadDemoIfEmpty } from '../../src/store';
import { signIn } from '../e2e/stack';
import { createTestStore, type TestStore } from '../helpers/store';

const QUARTER = '2026-Q4';
const OFFICER = { email: 'officer@example.org', password: 'a long passphrase' };

/** A gateway whose cycle never answers its query (until the page gives up and aborts it); pollers as given. */
function slowCycle(workersPolling: CycleGateway['workersPolling']) {
  const seen = { asked: 0, aborted: 0 };
  const gateway = new Proxy({} as CycleGateway, {
    get: (_t, name) => {
      if (name === 'workflowUiUrl') return () => 'http://127.0.0.1:8233';
      if (name === 'workersPolling') return workersPolling;
      if (name === 'cycleState')
        return (_m: string, _q: string, signal?: AbortSignal) =>
          new Promise((_resolve, reject) => {
            seen.asked++;
            signal?.addEventListener('abort', () => {
              seen.aborted++;
              reject(new Error('aborted'));
            });
          });
      return () => Promise.reject(new Error(`not expected: ${String(name)}`));
    },
  });
  return { gateway, seen };
}

describe('the cycle page of a cycle that does not answer at once', () => {
  let store: TestStore;
  let app: FastifyInstance | undefined;
  /** The app's clock (deps.now), moved by the tests. */
  let clock = Date.parse('2026-12-08T09:00:00Z');
  beforeAll(async () => {
    store = await createTestStore();
    await loadDemoIfEmpty(store);
    await store.users.create({ ...OFFICER, name: 'Officer', role: 'secretariat' });
    await store.cycles.open({
      mechanismId: 'cn-ls',
      quarter: QUARTER,
      workflowId: `cycle:cn-ls:${QUARTER}`,
      dueDate: '2026-12-15',
    });
    const owner = async (projectId: string) => (await store.projects.get('cn-ls', projectId))!.owner;
    // The chase as the updates recorded it: one reminded with its next send planned, one answered late.
    await store.cycles.setProjectState({
      mechanismId: 'cn-ls',
      quarter: QUARTER,
      projectId: 'mpiti-road',
      ownerId: await owner('mpiti-road'),
      state: 'reminded',
      lastSendAt: '2026-12-08T07:00:00Z',
      nextSendAt: '2026-12-14T07:00:00Z',
    });
    await store.cycles.setProjectState({
      mechanismId: 'cn-ls',
      quarter: QUARTER,
      projectId: 'ramarothole-solar',
      ownerId: await owner('ramarothole-solar'),
      state: 'submitted',
    });
    await store.submissions.recordSubmission({
      mechanismId: 'cn-ls',
      quarter: QUARTER,
      projectId: 'ramarothole-solar',
      body: { status: 'at-risk', statusReason: 'The grid connection waits for a transformer.', progressPercent: 60 },
      submittedBy: await owner('ramarothole-solar'),
      workflowId: `update:cn-ls:${QUARTER}:ramarothole-solar`,
      step: 'submit-1',
      receivedAt: '2026-12-16T09:00:00Z',
      late: true,
    });
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  afterAll(async () => {
    await store?.close();
  });

  /** The cycle page as a signed-in officer sees it, with the gateway given. */
  async function cyclePage(gateway: CycleGateway, { again = false } = {}): Promise<string> {
    if (!again)
      app = await buildApp({
        config: loadConfig({ DATA_DIR: store.dataDir }),
        readiness: {},
        store,
        cycles: gateway,
        now: () => new Date(clock),
      });
    const { cookie } = await signIn(app!, OFFICER);
    const res = await app!.inject({ method: 'GET', url: `/mechanisms/cn-ls/cycles/${QUARTER}`, headers: { cookie } });
    expect(res.statusCode).toBe(200);
    return res.body;
  }

  const rowOf = (body: string, projectId: string) =>
    new RegExp(`<tr id="project-${projectId}">[\\s\\S]*?</tr>`).exec(body)![0];

  it('while a worker polls: the records with the forms, a quiet notice, and the late query aborted', async () => {
    const { gateway, seen } = slowCycle(async () => true);
    const body = await cyclePage(gateway);
    expect(body).toContain('id="busy"');
    expect(body).not.toContain('id="unanswered"');
    // Each project's state, revision and lateness from the records.
    expect(rowOf(body, 'mpiti-road')).toContain('state-reminded');
    const solar = rowOf(body, 'ramarothole-solar');
    expect(solar).toContain('state-submitted');
    expect(solar).toContain('revision 1');
    expect(solar).toContain('>late<');
    // The officer can still act: the workflow checks every command when it gets to it.
    expect(rowOf(body, 'mpiti-road')).toContain('>Extend</button>');
    expect(body).toContain('>Close the cycle</button>');
    expect(seen).toEqual({ asked: 1, aborted: 1 });
    // Read again at once, and 14 s later: the busy cycle is not asked again, the records answer straight away.
    expect(await cyclePage(gateway, { again: true })).toContain('id="busy"');
    clock += 14_000;
    expect(await cyclePage(gateway, { again: true })).toContain('id="busy"');
    expect(seen).toEqual({ asked: 1, aborted: 1 });
    // 15 s after it was found busy the next page asks again (and, still busy, waits no more than the first did).
    clock += 1_000;
    expect(await cyclePage(gateway, { again: true })).toContain('id="busy"');
    expect(seen).toEqual({ asked: 2, aborted: 2 });
  });

  it('on a server that does not report pollers: the same records with the forms', async () => {
    const { gateway } = slowCycle(async () => undefined);
    const body = await cyclePage(gateway);
    expect(body).toContain('id="busy"');
    expect(body).toContain('>Close the cycle</button>');
  });

  it('with no worker polling: the alarm, and no forms', async () => {
    const { gateway } = slowCycle(async () => false);
    const body = await cyclePage(gateway);
    expect(body).toContain('id="unanswered"');
    expect(body).not.toContain('id="busy"');
    expect(body).not.toContain('>Extend</button>');
    expect(body).not.toContain('>Close the cycle</button>');
    expect(rowOf(body, 'ramarothole-solar')).toContain('revision 1');
  });

  it('with Temporal unreachable: the alarm, and no forms', async () => {
    const { gateway } = slowCycle(() =>
      Promise.reject(new Error('14 UNAVAILABLE: connect ECONNREFUSED 127.0.0.1:7233')),
    );
    const body = await cyclePage(gateway);
    expect(body).toContain('id="unanswered"');
    expect(body).not.toContain('>Close the cycle</button>');
  });
});
