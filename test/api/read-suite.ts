/** Health, tokens and the read-only resources: mechanisms and projects. */
import { buildApp } from '../../src/api/app';
import { loadConfig } from '../../src/config';
import type { SuiteContext } from './context';

/** Registers the tests of the read-only routes. */
export function readSuite(ctx: SuiteContext): void {
  describe('health and read-only resources', () => {
    test('says it is alive and ready without a token', async () => {
      const alive = await ctx.stack().raw({ method: 'GET', url: '/healthz' });
      expect(alive.statusCode).toBe(200);
      expect(alive.json()).toEqual({ status: 'ok' });
      const ready = await ctx.stack().raw({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(200);
      // The same checks as production (src/api/readiness.ts), against this test's store and Temporal server.
      expect(ready.json()).toMatchObject({ status: 'ready' });
    });

    test('is not ready while the database or Temporal does not answer, and says which only to an administrator', async () => {
      const app = await buildApp({
        config: loadConfig({}),
        readiness: {
          database: async () => undefined,
          temporal: async () => Promise.reject(new Error('connection refused')),
        },
      });
      try {
        const res = await app.inject({ method: 'GET', url: '/readyz' });
        expect(res.statusCode).toBe(503);
        // Without credentials: only ready or not (the reason may name hosts and ports).
        expect(res.json()).toEqual({ status: 'not-ready' });
        expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      } finally {
        await app.close();
      }
    });

    test('refuses a request without a valid API token, and accepts none that was revoked', async () => {
      const stack = ctx.stack();
      const revoked = await stack.store.apiTokens.create({ name: 'old-robot' });
      await stack.store.apiTokens.revoke(revoked.id);
      for (const headers of [
        undefined,
        { authorization: `Bearer ${revoked.token}` },
        { authorization: 'Bearer nope' },
        { authorization: 'Basic dXNlcjpwYXNz' },
        { authorization: `Bearer ${'x'.repeat(300)}` },
      ]) {
        const res = await stack.raw({ method: 'GET', url: '/api/v1/mechanisms', ...(headers && { headers }) });
        expect(res.statusCode).toBe(401);
        expect(res.json().error).toEqual({ code: 'unauthorized', message: expect.stringMatching(/API token/) });
      }
      // A command without a token changes nothing either.
      const open = await stack.raw({
        method: 'POST',
        url: '/api/v1/mechanisms/cn-ls/cycles',
        payload: { quarter: '2026-Q1' },
      });
      expect(open.statusCode).toBe(401);
      expect(await stack.store.cycles.list('cn-ls')).toEqual([]);
    });

    test('lists the mechanisms and the portfolio of the demo mechanism', async () => {
      const stack = ctx.stack();
      const list = await stack.call({ method: 'GET', url: '/api/v1/mechanisms' });
      expect(list.statusCode).toBe(200);
      expect(list.json().mechanisms).toEqual([expect.objectContaining({ id: 'cn-ls', timeZone: expect.any(String) })]);
      const one = await stack.call({ method: 'GET', url: '/api/v1/mechanisms/cn-ls' });
      expect(one.json()).toMatchObject({ id: 'cn-ls', contacts: expect.any(Array) });
      const projects = (await stack.call({ method: 'GET', url: '/api/v1/mechanisms/cn-ls/projects' })).json().projects;
      expect(projects.length).toBeGreaterThan(0);
      const project = await stack.call({ method: 'GET', url: `/api/v1/mechanisms/cn-ls/projects/${projects[0].id}` });
      expect(project.json().title).toBe(projects[0].title);
    });

    test('names the unknown mechanism or project, and the malformed id', async () => {
      const stack = ctx.stack();
      for (const url of ['/api/v1/mechanisms/no-such-thing', '/api/v1/mechanisms/no-such-thing/projects']) {
        const res = await stack.call({ method: 'GET', url });
        expect(res.statusCode).toBe(404);
        expect(res.json().error).toEqual({ code: 'not-found', message: 'mechanism no-such-thing not found' });
      }
      const project = await stack.call({ method: 'GET', url: '/api/v1/mechanisms/cn-ls/projects/no-such-project' });
      expect(project.statusCode).toBe(404);
      expect(project.json().error.message).toContain('no-such-project');
      const malformed = await stack.call({ method: 'GET', url: '/api/v1/mechanisms/Not%20A%20Slug' });
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json().error.fields[0].field).toBe('params.mechanismId');
      const route = await stack.call({ method: 'GET', url: '/api/v1/nothing-here' });
      expect(route.statusCode).toBe(404);
    });
  });
}
