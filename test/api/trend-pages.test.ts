/**
 * The portfolio's trends and a project's history page through app.inject(), answered from the records: two past
 * quarters are seeded in a real SQLite store (no cycle runs in Temporal), and the charts' numbers are checked
 * against what was recorded.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { PREVIOUS, seedPreviousQuarter, signIn, startServiceStack, type ServiceStack } from '../e2e/stack';
import { bundleWorkflows, createTimeSkippingEnv } from '../helpers/temporal';

let env: TestWorkflowEnvironment;
let stack: ServiceStack;

beforeAll(async () => {
  const [e, bundle] = await Promise.all([createTimeSkippingEnv(), bundleWorkflows({ timeSkipping: true })]);
  env = e;
  stack = await startServiceStack(env, bundle);
  const { store } = stack;
  const projects = (await store.projects.list('cn-ls', { status: 'active' })).map((p) => p.id);
  for (const quarter of ['2026-Q3', PREVIOUS.quarter]) {
    await store.cycles.open({ mechanismId: 'cn-ls', quarter, workflowId: `seed-${quarter}`, dueDate: '2026-12-15' });
    for (const projectId of projects) {
      const p = (await store.projects.get('cn-ls', projectId))!;
      await store.cycles.setProjectState({
        mechanismId: 'cn-ls',
        quarter,
        projectId,
        ownerId: p.owner,
        state: projectId === 'mpiti-road' ? 'submitted' : 'missing',
      });
    }
  }
  // Q3: the road was on track at 20 %; Q4 (seedPreviousQuarter): at risk at 30 %, so it slipped.
  await store.submissions.recordSubmission({
    mechanismId: 'cn-ls',
    quarter: '2026-Q3',
    projectId: 'mpiti-road',
    body: { status: 'on-track', progressPercent: 20 },
    submittedBy: 'roads-director',
    workflowId: 'seed:cn-ls:2026-Q3',
    step: 'seed-mpiti-road',
    receivedAt: '2026-09-10T09:00:00Z',
    late: false,
  });
  await seedPreviousQuarter(store);
}, 180_000);
afterAll(async () => {
  await stack?.close();
  await env?.teardown();
});

describe('trends on the secretariat pages', () => {
  test('the portfolio page charts the status counts per quarter, with the numbers as a table, and lists who slipped', async () => {
    const { cookie } = await signIn(stack.app);
    const res = await stack.app.inject({ method: 'GET', url: '/mechanisms/cn-ls/portfolio', headers: { cookie } });
    expect(res.statusCode).toBe(200);
    const projects = (await stack.store.projects.list('cn-ls', { status: 'active' })).length;
    const body = res.body;
    expect(body).toContain('<svg');
    expect(body).toContain('<title id="t">Project status per quarter</title>');
    // The chart's description and its table say the same numbers the records hold.
    expect(body).toContain(`2026-Q3: ${projects} projects, 1 on track, ${projects - 1} no update received`);
    expect(body).toContain(`2026-Q4: ${projects} projects, 1 at risk, ${projects - 1} no update received`);
    const row = body.match(/<tr><th scope="row">2026-Q4<\/th>(.*?)<\/tr>/)?.[1];
    expect(row?.match(/<td>(\d+)<\/td>/g)).toEqual([
      '<td>0</td>',
      '<td>1</td>',
      '<td>0</td>',
      '<td>0</td>',
      '<td>0</td>',
      `<td>${projects - 1}</td>`,
      `<td>${projects}</td>`,
    ]);
    expect(body).toMatch(
      /Changes since last quarter \(2026-Q4\)[\s\S]*Slipped<\/td><td>On track<\/td><td>At risk<\/td>/,
    );
  });

  test("the portfolio page charts each pillar's status counts per quarter, each chart with its own numbers", async () => {
    const { cookie } = await signIn(stack.app);
    const body = (await stack.app.inject({ method: 'GET', url: '/mechanisms/cn-ls/portfolio', headers: { cookie } }))
      .body;
    const mechanism = (await stack.store.mechanisms.get('cn-ls'))!;
    const projects = await stack.store.projects.list('cn-ls', { status: 'active' });
    const pillars = [...new Set(projects.map((p) => p.pillar))];
    expect(pillars.length).toBeGreaterThan(1);
    for (const pillarId of pillars) {
      const name = mechanism.pillars.find((p) => p.id === pillarId)!.name;
      const figure = body.match(new RegExp(`<figure class="chart" id="pillar-${pillarId}">([\\s\\S]*?)</figure>`))?.[1];
      expect(figure).toContain(`<title id="pillar-${pillarId}-t">${name}: project status per quarter</title>`);
      // The pillar's row for 2026-Q4 holds what the records hold: the road at risk (its pillar only), the rest silent.
      const inPillar = projects.filter((p) => p.pillar === pillarId);
      const atRisk = inPillar.some((p) => p.id === 'mpiti-road') ? 1 : 0;
      const row = figure?.match(/<tr><th scope="row">2026-Q4<\/th>(.*?)<\/tr>/)?.[1];
      expect(row?.match(/<td>(\d+)<\/td>/g)).toEqual([
        '<td>0</td>',
        `<td>${atRisk}</td>`,
        '<td>0</td>',
        '<td>0</td>',
        '<td>0</td>',
        `<td>${inPillar.length - atRisk}</td>`,
        `<td>${inPillar.length}</td>`,
      ]);
    }
    // Every chart's title and description ids are unique on the page.
    const ids = [...body.matchAll(/<(?:title|desc) id="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test("a project's history page shows its status and progress per quarter, its milestones and its indicators", async () => {
    const { cookie } = await signIn(stack.app);
    const res = await stack.app.inject({
      method: 'GET',
      url: '/mechanisms/cn-ls/projects/mpiti-road',
      headers: { cookie },
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<desc id="d">2026-Q3: on track, 20%; 2026-Q4: at risk, 30%</desc>');
    expect(res.body).toMatch(/<th scope="row">2026-Q3<\/th><td>On track<\/td><td>20%<\/td>/);
    expect(res.body).toContain('Milestones: planned and actual');
    expect(res.body).toContain('Indicators over time');
    const missing = await stack.app.inject({
      method: 'GET',
      url: '/mechanisms/cn-ls/projects/no-such-project',
      headers: { cookie },
    });
    expect(missing.statusCode).toBe(404);
  });

  test('the history page asks a visitor who is not signed in to sign in first', async () => {
    const res = await stack.app.inject({ method: 'GET', url: '/mechanisms/cn-ls/projects/mpiti-road' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(/^\/login/);
  });
});
