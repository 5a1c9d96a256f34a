import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleWorkflows, createTimeSkippingEnv } from '../helpers/temporal';
import { validateOpenApi } from './openapi-validate';
import { eventually, startStack, type Stack } from './support';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let stack: Stack;

beforeAll(async () => {
  [env, bundle] = await Promise.all([createTimeSkippingEnv(), bundleWorkflows()]);
}, 120_000);
afterAll(async () => {
  await env?.teardown();
});
beforeEach(async () => {
  stack = await startStack(env, bundle);
});
afterEach(async () => {
  await stack?.close();
});

const mechanismId = async () => (await stack.store.mechanisms.list())[0].id;

describe('the HTTP API', () => {
  test('refuses a request without a valid API token', async () => {
    const res = await stack.raw({ method: 'GET', url: '/api/v1/mechanisms' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('unauthorized');
    const bad = await stack.raw({ method: 'GET', url: '/api/v1/mechanisms', headers: { authorization: 'Bearer nope' } });
    expect(bad.statusCode).toBe(401);
  });

  test('lists the mechanisms and the portfolio of the demo mechanism', async () => {
    const list = await stack.call({ method: 'GET', url: '/api/v1/mechanisms' });
    expect(list.statusCode).toBe(200);
    const id = list.json().mechanisms[0].id;
    expect((await stack.call({ method: 'GET', url: `/api/v1/mechanisms/${id}` })).json().id).toBe(id);
    const projects = (await stack.call({ method: 'GET', url: `/api/v1/mechanisms/${id}/projects` })).json().projects;
    expect(projects.length).toBeGreaterThan(0);
    expect((await stack.call({ method: 'GET', url: `/api/v1/mechanisms/${id}/projects/${projects[0].id}` })).json().title).toBe(projects[0].title);
    const unknown = await stack.call({ method: 'GET', url: '/api/v1/mechanisms/no-such-thing/projects' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.message).toContain('no-such-thing');
  });

  test('opens a cycle once: 201 the first time, 200 after, and shows each project requested', async () => {
    const id = await mechanismId();
    const first = await stack.call({ method: 'POST', url: `/api/v1/mechanisms/${id}/cycles`, payload: { quarter: '2026-Q1' } });
    expect(first.statusCode).toBe(201);
    expect(first.json().workflowId).toBe(`cycle:${id}:2026-Q1`);
    const again = await stack.call({ method: 'POST', url: `/api/v1/mechanisms/${id}/cycles`, payload: { quarter: '2026-Q1' } });
    expect(again.statusCode).toBe(200);
    const cycle = await eventually(async () => {
      const r = await stack.call({ method: 'GET', url: `/api/v1/mechanisms/${id}/cycles/2026-Q1` });
      return r.statusCode === 200 && r.json().projects.length > 0 && r.json();
    }, 'the cycle to list its projects');
    expect(cycle.phase).toBe('collecting');
    expect(cycle.projects[0]).toEqual(expect.objectContaining({ projectId: expect.any(String), state: expect.stringMatching(/requested|reminded/) }));
    const list = await stack.call({ method: 'GET', url: `/api/v1/mechanisms/${id}/cycles` });
    expect(list.json().cycles.map((c: { quarter: string }) => c.quarter)).toContain('2026-Q1');
  });

  test('names the wrong field when opening a cycle with a bad quarter, and starts nothing', async () => {
    const id = await mechanismId();
    const res = await stack.call({ method: 'POST', url: `/api/v1/mechanisms/${id}/cycles`, payload: { quarter: '2026-Q5' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields).toEqual([expect.objectContaining({ field: 'quarter' })]);
    const missing = await stack.call({ method: 'POST', url: `/api/v1/mechanisms/${id}/cycles`, payload: {} });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.fields[0].field).toBe('quarter');
    expect(await stack.store.cycles.list(id)).toEqual([]);
    const unknown = await stack.call({ method: 'POST', url: '/api/v1/mechanisms/nowhere/cycles', payload: { quarter: '2026-Q1' } });
    expect(unknown.statusCode).toBe(404);
  });

  test('answers 404 for a quarter that has no cycle', async () => {
    const id = await mechanismId();
    const res = await stack.call({ method: 'GET', url: `/api/v1/mechanisms/${id}/cycles/2031-Q2` });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.message).toContain('2031-Q2');
  });

  test('the OpenAPI document validates', async () => {
    const res = await stack.raw({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    await validateOpenApi(doc);
    expect(Object.keys(doc.paths)).toContain('/api/v1/mechanisms/{mechanismId}/cycles/{quarter}');
  });
});
