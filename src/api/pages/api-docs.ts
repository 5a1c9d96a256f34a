/**
 * The API docs page at /docs: rendered on the server from the OpenAPI document (every path, method, summary and
 * parameter), so it needs no JavaScript. (@fastify/swagger-ui pulls in an ESM-only dependency that Jest's
 * CommonJS sandbox cannot load; this page keeps the docs testable.)
 */
import type { FastifyInstance } from 'fastify';
import { html, page } from './html';

interface Operation {
  summary?: string;
  tags?: string[];
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: unknown;
}

/** Registers GET /docs. */
export function registerApiDocs(app: FastifyInstance): void {
  app.get('/docs', { schema: { hide: true } }, async (_request, reply) => {
    const doc = app.swagger() as { info: { title: string; version: string }; paths: Record<string, Record<string, Operation>> };
    const rows = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(
        ([method, op]) => html`<tr><td><code>${method.toUpperCase()}</code></td><td><code>${path}</code></td><td>${op.summary ?? ''}</td>
<td>${(op.parameters ?? []).map((p) => html`<code>${p.name}</code> <small>(${p.in}${p.required ? ', required' : ''})</small><br>`)}${op.requestBody ? html`<small>JSON body</small>` : ''}</td></tr>`,
      ),
    );
    return reply.type('text/html; charset=utf-8').send(
      page(
        'API reference',
        html`<h1>${doc.info.title} ${doc.info.version}</h1><p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3). Authenticate with <code>Authorization: Bearer &lt;token&gt;</code> (create one with <code>coord token create</code>). Errors are <code>{"error": {"code", "message", "fields"?}}</code>.</p>
<table><thead><tr><th>Method</th><th>Path</th><th>What it does</th><th>Parameters</th></tr></thead><tbody>${rows}</tbody></table>`,
      ),
    );
  });
}
