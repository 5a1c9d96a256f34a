/** The portfolio page: the mechanism's projects, with the trends across quarters (trends.ts). */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { nameIn, slug } from '../../domain';
import type { RouteDeps } from '../context';
import { ApiError } from '../errors';
import { downloadLinks } from './exports';
import { projectStatusKey } from './language';
import { page, Table } from './layout';
import { pageOf, sendPage } from './session';
import { portfolioTrends } from './trends';

/** GET /mechanisms/{m}/portfolio. */
export function portfolioPages(deps: RouteDeps): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/mechanisms/:mechanismId/portfolio',
      { schema: { params: z.object({ mechanismId: slug }) } },
      async (request, reply) => {
        const s = pageOf(request);
        const { mechanismId } = request.params as { mechanismId: string };
        const m = await deps.store.mechanisms.get(mechanismId);
        if (!m) throw new ApiError(404, 'not-found', `mechanism ${mechanismId} not found`);
        const projects = await deps.store.projects.list(mechanismId);
        const trends = await portfolioTrends(deps.store, m, projects, s);
        const { t, language } = s;
        const contact = (id?: string) => m.contacts.find((c) => c.id === id);
        const name = (id?: string) => {
          const c = contact(id);
          return c ? nameIn(c, 'name', language) : (id ?? '');
        };
        const pillar = (id: string) => {
          const p = m.pillars.find((x) => x.id === id);
          return p ? nameIn(p, 'name', language) : id;
        };
        const title = t('page.portfolio.title', { mechanism: nameIn(m, 'name', language) });
        return sendPage(
          reply,
          200,
          page(
            title,
            <>
              <h1>{title}</h1>
              {downloadLinks(`/mechanisms/${m.id}/portfolio/export`, t)}
              <Table
                head={[
                  t('page.portfolio.project'),
                  t('page.portfolio.pillar'),
                  t('page.portfolio.owner'),
                  t('page.portfolio.status'),
                  t('page.portfolio.plannedEnd'),
                ]}
              >
                {projects.map((p) => (
                  <tr>
                    <td>
                      <a href={`/mechanisms/${m.id}/projects/${p.id}`}>{nameIn(p, 'title', language)}</a>
                    </td>
                    <td>{pillar(p.pillar)}</td>
                    <td>{name(p.owner)}</td>
                    <td>{t(projectStatusKey(p.status))}</td>
                    <td>{p.plannedEnd ?? ''}</td>
                  </tr>
                ))}
              </Table>
              {trends}
            </>,
            s.nav,
            s.chrome,
          ),
        );
      },
    );
  };
}
