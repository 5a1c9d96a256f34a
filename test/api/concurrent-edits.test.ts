/**
 * Concurrent edits (issue 15, point 3) on a real Temporal dev server, with the real web server on a socket, a real
 * worker with the real activities and the real store: every form and the API carry the revision their text was
 * based on; a text based on an older revision than the stored one is never applied over it. The owner and the
 * officer see both texts and choose; the API answers 409 with the current revision.
 */
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app';
import { temporalCycleGateway } from '../../src/api/temporal-cycle-gateway';
import { loadConfig } from '../../src/config';
import { quarterOf } from '../../src/domain';
import { loadDemoIfEmpty } from '../../src/store';
import { startCycle } from '../../src/temporal/cycles';
import { cycleWorkflowId, updateWorkflowId } from '../../src/temporal/ids';
import { updateState } from '../../src/workflows/messages';
import { createTestStore, type TestStore } from '../helpers/store';
import { bundleWorkflows, createLocalEnv, startRealWorker, uniqueTaskQueue } from '../helpers/temporal';
import { until } from '../helpers/until';
import { signIn } from '../e2e/stack';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let store: TestStore;
let app: FastifyInstance;
let base: string;
let apiToken: string;
let quarter: string;
let stopWorker: () => Promise<void>;

const OFFICERS = [
  { email: 'palesa@example.org', name: 'Palesa Officer', password: 'correct horse battery staple' },
  { email: 'wei@example.org', name: 'Wei Officer', password: 'another horse battery staple' },
];

beforeAll(async () => {
  [env, bundle] = await Promise.all([createLocalEnv(), bundleWorkflows()]);
  store = await createTestStore();
  await loadDemoIfEmpty(store);
  for (const o of OFFICERS) await store.users.create({ ...o, role: 'secretariat' });
  quarter = quarterOf(new Date(), 'Africa/Maseru');
  const config = loadConfig({ DATA_DIR: store.dataDir, TEMPORAL_TASK_QUEUE: uniqueTaskQueue('edits') });
  const taskQueue = config.TEMPORAL_TASK_QUEUE;
  const worker = await startRealWorker(env, bundle, store, taskQueue);
  stopWorker = () => worker.stop();
  await startCycle(env.client, 'cn-ls', quarter, { taskQueue });
  const projects = await store.projects.list('cn-ls', { status: 'active' });
  await until(
    'every update workflow recorded',
    async () => (await store.cycles.listProjectStates('cn-ls', quarter)).length === projects.length,
  );
  const gateway = temporalCycleGateway({
    client: env.client,
    taskQueue,
    namespace: env.namespace ?? 'default',
    temporalUiUrl: 'http://127.0.0.1:8233',
  });
  app = await buildApp({ config, readiness: {}, store, cycles: gateway });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  // A secretariat officer's token with the write scope (the API's submissions need it).
  const officer = (await store.users.findByEmail(OFFICERS[0].email))!;
  ({ token: apiToken } = await store.apiTokens.create({ name: 'test', scope: 'write', userId: officer.id }));
}, 180_000);

afterAll(async () => {
  await app?.close();
  await env?.client.workflow
    .getHandle(cycleWorkflowId('cn-ls', quarter))
    .terminate('the test is over')
    .catch(() => undefined);
  await stopWorker?.();
  await store?.close();
  await env?.teardown();
});

const TEXT = {
  status: 'at-risk',
  statusReason: 'Rains delayed the earthworks.',
  progressPercent: '35',
  challenges: 'Heavy rains.',
  supportRequested: '',
  nextSteps: 'Resume paving.',
};

/** Posts a form as a browser would (no redirects followed). */
const postForm = (path: string, fields: Record<string, string>, cookie?: string) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie && { cookie }) },
    body: new URLSearchParams(fields).toString(),
  });
/** The hidden fields of the (last) update form on a page: its intake key and the revision it is based on. */
const hiddenFields = (page: string) => ({
  intakeKey: [...page.matchAll(/name="intakeKey" value="([^"]+)"/g)].pop()![1],
  baseRevision: [...page.matchAll(/name="baseRevision" value="([^"]+)"/g)].pop()![1],
});
const submitApi = (projectId: string, body: Record<string, unknown>) =>
  fetch(`${base}/api/v1/mechanisms/cn-ls/cycles/${quarter}/projects/${projectId}/submission`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...TEXT, progressPercent: 40, ...body }),
  });
const revisionsOf = async (projectId: string) =>
  (await store.submissions.revisions('cn-ls', quarter, projectId)).map((r) => r.revision);
const workflowRevision = async (projectId: string) =>
  (await env.client.workflow.getHandle(updateWorkflowId('cn-ls', quarter, projectId)).query(updateState)).revision;

async function ownerLink(projectId: string): Promise<string> {
  const token = await store.ownerLinks.issue({
    mechanismId: 'cn-ls',
    quarter,
    projectId,
    contactId: (await store.projects.get('cn-ls', projectId))!.owner,
    expiresAt: '2099-01-01T00:00:00Z',
  });
  return `/u/${token}`;
}

const login = (officer: (typeof OFFICERS)[number]) => signIn(app, officer);

describe('two people editing one update at once', () => {
  it("shows the owner both texts when the secretariat saved a newer revision while the owner's form was open, and saves the owner's text only when the owner chooses it", async () => {
    const link = await ownerLink('mpiti-road');
    const opened = await (await fetch(`${base}${link}`)).text();
    expect(hiddenFields(opened).baseRevision).toBe('0');

    // Meanwhile the secretariat submits through the API, based on the same (empty) state: revision 1.
    const api = await submitApi('mpiti-road', {
      achievements: 'Bridge piers cast (from the secretariat).',
      baseRevision: 0,
    });
    expect(api.status).toBe(200);
    expect(await api.json()).toMatchObject({ result: { status: 'applied', revision: 1 } });

    // The owner sends the form opened before: nothing is applied, both texts are shown.
    const mine = { ...TEXT, achievements: 'Culverts installed (from the owner).' };
    const conflict = await postForm(link, { ...mine, ...hiddenFields(opened) });
    const page = await conflict.text();
    expect(conflict.status).toBe(409);
    expect(page).toContain('someone saved revision 1 of this update while you were editing');
    expect(page).toContain('Bridge piers cast (from the secretariat).');
    expect(page).toContain('Culverts installed (from the owner).');
    expect(page).toContain('Keep revision 1 and discard my text');
    expect(await revisionsOf('mpiti-road')).toEqual([1]);
    expect(await workflowRevision('mpiti-road')).toBe(1);

    // The owner chooses their own text: the form on the conflict page is based on revision 1 and saves revision 2.
    const fields = hiddenFields(page);
    expect(fields.baseRevision).toBe('1');
    expect(page).toContain('Save my text over revision 1');
    const saved = await postForm(link, { ...mine, ...fields });
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain('revision 2 of your update is saved');
    expect((await store.submissions.latest('cn-ls', quarter, 'mpiti-road'))?.body.achievements).toBe(
      'Culverts installed (from the owner).',
    );
  }, 120_000);

  it('answers the API with 409 and the current revision when the text is based on an older one, and keeps clients that send no revision working', async () => {
    const first = await submitApi('ramarothole-solar', { achievements: 'Panels ordered.', baseRevision: 0 });
    expect(first.status).toBe(200);
    const second = await submitApi('ramarothole-solar', { achievements: 'Panels delivered.', baseRevision: 1 });
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({ result: { revision: 2 } });

    const stale = await submitApi('ramarothole-solar', {
      achievements: 'Panels mounted (based on revision 1).',
      baseRevision: 1,
    });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toEqual({
      error: {
        code: 'stale-revision',
        message: expect.stringContaining('revision 2 has been saved since'),
        currentRevision: 2,
      },
    });
    expect(await revisionsOf('ramarothole-solar')).toEqual([1, 2]);

    // A client from before `baseRevision` amends as it always did.
    const legacy = await submitApi('ramarothole-solar', { achievements: 'Panels mounted.' });
    expect(legacy.status).toBe(200);
    expect(await legacy.json()).toMatchObject({ result: { revision: 3 } });

    // The OpenAPI document describes the field and the 409 answer.
    const openapi = JSON.stringify(await (await fetch(`${base}/openapi.json`)).json());
    expect(openapi).toContain('baseRevision');
    expect(openapi).toContain('currentRevision');
  }, 120_000);

  it('applies exactly one of two API submissions sent at the same moment on the same revision; the other is told the current revision', async () => {
    const [a, b] = await Promise.all([
      submitApi('maseru-hospital', { achievements: 'Ward A roofed.', baseRevision: 0 }),
      submitApi('maseru-hospital', { achievements: 'Ward B roofed.', baseRevision: 0 }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const refused = (a.status === 409 ? a : b).json() as Promise<{ error: { code: string; currentRevision: number } }>;
    expect(await refused).toMatchObject({ error: { code: 'stale-revision', currentRevision: 1 } });
    expect(await revisionsOf('maseru-hospital')).toEqual([1]);
    expect(await workflowRevision('maseru-hospital')).toBe(1);
  }, 120_000);

  it('shows the second of two officers submitting on behalf of one owner both texts, and saves nothing until they choose', async () => {
    const path = `/mechanisms/cn-ls/cycles/${quarter}/projects/skills-training/submission`;
    const [p, w] = [await login(OFFICERS[0]), await login(OFFICERS[1])];
    const pageOf = async (s: { cookie: string }) =>
      (await fetch(`${base}${path}`, { headers: { cookie: s.cookie } })).text();
    const [formP, formW] = [await pageOf(p), await pageOf(w)];

    const first = await postForm(
      path,
      { ...TEXT, achievements: 'Forty trainees enrolled (Palesa).', csrf: p.csrf, ...hiddenFields(formP) },
      p.cookie,
    );
    expect(first.status).toBe(303);
    const second = await postForm(
      path,
      { ...TEXT, achievements: 'Thirty-eight trainees enrolled (Wei).', csrf: w.csrf, ...hiddenFields(formW) },
      w.cookie,
    );
    const page = await second.text();
    expect(second.status).toBe(409);
    expect(page).toContain('Forty trainees enrolled (Palesa).');
    expect(page).toContain('Thirty-eight trainees enrolled (Wei).');
    expect(await revisionsOf('skills-training')).toEqual([1]);

    const chosen = await postForm(
      path,
      { ...TEXT, achievements: 'Thirty-eight trainees enrolled (Wei).', csrf: w.csrf, ...hiddenFields(page) },
      w.cookie,
    );
    expect(chosen.status).toBe(303);
    expect(decodeURIComponent(chosen.headers.get('location')!)).toContain('(revision 2)');
  }, 120_000);
});
