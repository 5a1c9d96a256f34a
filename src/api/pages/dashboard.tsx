/** The dashboard (each mechanism's last cycles and their counts, from the records) and opening a cycle from it. */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { describeCycleOpening, isoQuarter, nameIn, slug, type SubmissionState } from '../../domain';
import type { RouteDeps } from '../context';
import { ApiError } from '../errors';
import { page, Table } from './layout';
import { phaseKey, stateKey } from './language';
import { pageOf, sendPage } from './session';

/** GET / and POST /mechanisms/{m}/cycles. */
export function dashboardPages(deps: RouteDeps): FastifyPluginAsync {
  return async (app) => {
    app.get('/', async (request, reply) => {
      const s = pageOf(request);
      const { t, language } = s;
      const mechanisms = await deps.store.mechanisms.list();
      const blocks = await Promise.all(
        mechanisms.map(async (m) => {
          const cycles = await deps.store.cycles.list(m.id);
          const rows = await Promise.all(
            cycles.slice(0, 4).map(async (c) => {
              // The records answer (the activities keep them current): the dashboard asks no workflow, so it stays
              // fast however many projects are being chased and whether or not a worker is up.
              const states = await deps.store.cycles.listProjectStates(m.id, c.quarter);
              const counts: Record<string, number> = {};
              for (const p of states) counts[p.state] = (counts[p.state] ?? 0) + 1;
              return (
                <tr>
                  <td>
                    <a href={`/mechanisms/${m.id}/cycles/${c.quarter}`}>{c.quarter}</a>
                  </td>
                  <td>
                    <span class="state">{t(phaseKey(c.phase))}</span>
                  </td>
                  <td>
                    {Object.entries(counts).map(([st, n]) => (
                      <>
                        <span class={`state state-${st}`}>
                          {t('page.stateCount', { n, state: t(stateKey(st as SubmissionState)) })}
                        </span>{' '}
                      </>
                    ))}
                  </td>
                  <td>{c.dueDate ?? ''}</td>
                </tr>
              );
            }),
          );
          const named = (await deps.store.mechanisms.get(m.id)) ?? m;
          return (
            <section class="card">
              <h2>
                {nameIn(named, 'name', language)} <small>({m.id})</small>
              </h2>
              <p>
                <a href={`/mechanisms/${m.id}/portfolio`}>{t('page.dashboard.portfolio')}</a>
              </p>
              <Table
                head={[
                  t('page.dashboard.quarter'),
                  t('page.dashboard.phase'),
                  t('page.dashboard.updates'),
                  t('page.dashboard.due'),
                ]}
              >
                {rows.length ? (
                  rows
                ) : (
                  <tr>
                    <td colspan={4}>{t('page.dashboard.noCycle')}</td>
                  </tr>
                )}
              </Table>
              {s.canAct && (
                <form method="post" action={`/mechanisms/${m.id}/cycles`} class="row" style="align-items:end">
                  <input type="hidden" name="csrf" value={s.csrf} />
                  <div>
                    <label for={`quarter-${m.id}`}>{t('page.dashboard.openLabel')}</label>
                    <input id={`quarter-${m.id}`} name="quarter" placeholder="2026-Q1" maxlength={7} />
                  </div>
                  <div>
                    <button type="submit">{t('page.dashboard.open')}</button>
                  </div>
                </form>
              )}
            </section>
          );
        }),
      );
      const title = t('page.dashboard.title');
      const body = (
        <>
          <h1>{title}</h1>
          {blocks}
        </>
      );
      return sendPage(reply, 200, page(title, body, s.nav, s.chrome));
    });

    app.post(
      '/mechanisms/:mechanismId/cycles',
      { schema: { params: z.object({ mechanismId: slug }) } },
      async (request, reply) => {
        const { mechanismId } = request.params as { mechanismId: string };
        const q = isoQuarter.safeParse(String((request.body as Record<string, unknown>).quarter ?? '').trim());
        if (!q.success)
          throw new ApiError(400, 'invalid-input', 'quarter: must be a quarter like 2026-Q1', [
            { field: 'quarter', message: 'must be a quarter like 2026-Q1' },
          ]);
        if (!(await deps.store.mechanisms.get(mechanismId)))
          throw new ApiError(404, 'not-found', `mechanism ${mechanismId} not found`);
        const mechanism = (await deps.store.mechanisms.get(mechanismId))!;
        const started = await deps.cycles.start(mechanismId, q.data);
        // The same rule as the API and `coord cycle start`: say whether it waits for its quarter or catches up one.
        const notice = started.started
          ? describeCycleOpening(mechanism, q.data, deps.now().toISOString()).notice
          : `The cycle of ${q.data} already exists.`;
        return reply.redirect(
          `/mechanisms/${mechanismId}/cycles/${q.data}?done=${encodeURIComponent(notice.slice(0, 200))}`,
          303,
        );
      },
    );
  };
}
