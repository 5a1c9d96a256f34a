/** The OpenAPI document and the docs page: valid, and every route in it exercised by the suites. */
import { validateOpenApi } from './openapi-validate';
import type { SuiteContext } from './context';
import { hitRoutes } from './support';

const methods = ['get', 'put', 'post', 'delete', 'patch'];

/** Registers the OpenAPI tests; must come after every other suite (it checks what they hit). */
export function openApiSuite(ctx: SuiteContext): void {
  describe('the OpenAPI document', () => {
    test('validates as OpenAPI 3 and is shown on the docs page', async () => {
      const stack = ctx.stack();
      const res = await stack.raw({ method: 'GET', url: '/openapi.json' });
      expect(res.statusCode).toBe(200);
      const doc = res.json();
      await validateOpenApi(doc);
      expect(doc.components.securitySchemes.bearerAuth).toEqual({ type: 'http', scheme: 'bearer' });
      expect(Object.keys(doc.paths)).toContain('/api/v1/mechanisms/{mechanismId}/cycles/{quarter}');
      // The docs page is Swagger UI (@fastify/swagger-ui), reading the same document.
      const docs = await stack.raw({ method: 'GET', url: '/docs/' });
      expect(docs.statusCode).toBe(200);
      expect(docs.headers['content-type']).toMatch(/text\/html/);
      expect(docs.body).toContain('swagger-ui');
      const shown = await stack.raw({ method: 'GET', url: '/docs/json' });
      expect(Object.keys(shown.json().paths)).toContain('/api/v1/mechanisms/{mechanismId}/cycles/{quarter}');
    });

    test('has no route that the tests above did not exercise', async () => {
      const doc = (await ctx.stack().raw({ method: 'GET', url: '/openapi.json' })).json();
      const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
        Object.keys(ops)
          .filter((m) => methods.includes(m))
          .map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
      );
      expect(documented.length).toBeGreaterThan(20);
      expect(documented.filter((r) => !hitRoutes.has(r))).toEqual([]);
    });
  });
}
