/** The pages' download links of the portfolio and a cycle's status (CSV, XLSX), for every signed-in user. */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { isoQuarter, slug } from '../../domain';
import type { RouteDeps } from '../context';
import { cycleTable, ExportQuery, portfolioTable, sendExport } from '../exports';
import type { Markup } from './layout';
import type { PageSession } from './session';

/** "Download: CSV · Excel" for an export at `path`. */
export const downloadLinks = (path: string, t: PageSession['t']): Markup => (
  <p>
    {t('page.download')}{' '}
    <a href={`${path}?format=csv`} download>
      CSV
    </a>
    {' · '}
    <a href={`${path}?format=xlsx`} download>
      Excel (XLSX)
    </a>
  </p>
);

/** GET /mechanisms/{m}/portfolio/export and /mechanisms/{m}/cycles/{q}/export. */
export function exportPages(deps: RouteDeps): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/mechanisms/:mechanismId/portfolio/export',
      { schema: { params: z.object({ mechanismId: slug }), querystring: ExportQuery } },
      async (request, reply) => {
        const { mechanismId } = request.params as { mechanismId: string };
        const { format } = request.query as z.infer<typeof ExportQuery>;
        return sendExport(reply, await portfolioTable(deps.store, mechanismId), format);
      },
    );
    app.get(
      '/mechanisms/:mechanismId/cycles/:quarter/export',
      { schema: { params: z.object({ mechanismId: slug, quarter: isoQuarter }), querystring: ExportQuery } },
      async (request, reply) => {
        const { mechanismId, quarter } = request.params as { mechanismId: string; quarter: string };
        const { format } = request.query as z.infer<typeof ExportQuery>;
        return sendExport(reply, await cycleTable(deps.store, mechanismId, quarter), format);
      },
    );
  };
}
