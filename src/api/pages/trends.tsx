/**
 * Trends across quarters on the pages (issue 20, point 2), from the records only: the portfolio's status counts
 * per quarter and who changed since last quarter, and a project's history page. Charts are inline SVG from
 * `documents/trend-chart.ts` (the same code the documents can rasterise), each with its numbers as a table.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { nameIn, slug, type Mechanism, type Project } from '../../domain';
import { statusKeys, type StatusCounts } from '../../documents';
import { statusLabelIn } from '../../documents/format';
import { progressStepSvg, quarterStatusBarsSvg } from '../../documents/trend-chart';
import {
  changesSince,
  responseTimes,
  statusCountsByPillar,
  statusCountsByQuarter,
  supportByPillar,
  type QuarterCounts,
  type Store,
} from '../../store';
import type { RouteDeps } from '../context';
import { ApiError } from '../errors';
import { dateShown } from './form-locale';
import type { PageLanguage } from './language';
import { stateKey } from './language';
import { page, renderMarkup, Table, type Markup } from './layout';
import { pageOf } from './session';

// The pages' font stack; resvg gets a loaded font by name when the documents rasterise the same SVG.
const PAGE_FONT = 'system-ui, sans-serif';

const asStatusCounts = (q: QuarterCounts): StatusCounts => ({ label: q.quarter, counts: q.counts, total: q.total });

/** A chart as a figure: the SVG, then its caption (the numbers as a table). */
function ChartFigure({ svg, id, children }: { svg: string; id?: string; children: Markup }) {
  // Product-built markup: trend-chart.ts XML-escapes each text in the SVG, and Preact has escaped the caption.
  const inner = svg + renderMarkup(<figcaption>{children}</figcaption>);
  return <figure class="chart" id={id} dangerouslySetInnerHTML={{ __html: inner }} />;
}

/** A table with one header row, or a sentence saying there is nothing when it would have no rows. */
function TableOrNone({ head, rows, none }: { head: Markup[]; rows: Markup[]; none: string }) {
  return rows.length === 0 ? <p>{none}</p> : <Table head={head}>{rows}</Table>;
}

/** The numbers of a status chart as a table (what the chart shows, for screen readers and print). */
function CountsTable({ caption, quarters, lang }: { caption: string; quarters: StatusCounts[]; lang: PageLanguage }) {
  const { t, language } = lang;
  return (
    <table class="chart-data">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t('page.trends.quarter')}</th>
          {statusKeys.map((k) => (
            <th scope="col">{statusLabelIn(k, language)}</th>
          ))}
          <th scope="col">{t('page.trends.total')}</th>
        </tr>
      </thead>
      <tbody>
        {quarters.map((q) => (
          <tr>
            <th scope="row">{q.label}</th>
            {statusKeys.map((k) => (
              <td>{q.counts[k]}</td>
            ))}
            <td>{q.total}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The portfolio page's trend section: status counts per quarter, changes since last quarter, support and response times. */
export async function portfolioTrends(
  store: Store,
  m: Mechanism,
  projects: Project[],
  lang: PageLanguage,
): Promise<Markup> {
  const { t, language } = lang;
  const trends = await store.trends.load(m.id);
  if (trends.quarters.length === 0) return null;
  const named = <T extends { id: string; name: string }>(list: T[], id: string) => {
    const found = list.find((x) => x.id === id);
    return found ? nameIn(found, 'name', language) : id;
  };
  const pillar = (id: string) => named(m.pillars, id);
  const owner = (id: string) => named(m.contacts, id);
  const quarters = statusCountsByQuarter(trends).map(asStatusCounts);
  const latest = trends.quarters[trends.quarters.length - 1];
  const changes = changesSince(trends, latest);
  const support = supportByPillar(trends);
  const late = responseTimes(trends).filter((t) => t.late > 0);
  const title = t('page.trends.statusPerQuarter');
  const projectTitle = new Map(projects.map((p) => [p.id, p]));
  const titleOf = (id: string, fallback: string) => {
    const p = projectTitle.get(id);
    return p ? nameIn(p, 'title', language) : fallback;
  };
  return (
    <section aria-labelledby="trends">
      <h2 id="trends">{t('page.trends.title')}</h2>
      <ChartFigure svg={quarterStatusBarsSvg(title, quarters, PAGE_FONT, undefined, language)}>
        <CountsTable caption={title} quarters={quarters} lang={lang} />
      </ChartFigure>
      <PillarCharts byPillar={statusCountsByPillar(trends)} pillar={pillar} lang={lang} />
      <h3>{t('page.trends.changes', { quarter: latest })}</h3>
      <TableOrNone
        head={[
          t('page.trends.project'),
          t('page.trends.pillar'),
          t('page.trends.change'),
          t('page.trends.before'),
          t('page.trends.now'),
        ]}
        rows={changes.map((c) => (
          <tr>
            <td>
              <a href={`/mechanisms/${m.id}/projects/${c.projectId}`}>{titleOf(c.projectId, c.title)}</a>
            </td>
            <td>{pillar(c.pillar)}</td>
            <td>{c.direction === 'improved' ? t('page.trends.improved') : t('page.trends.slipped')}</td>
            <td>{statusLabelIn(c.from, language)}</td>
            <td>{statusLabelIn(c.to, language)}</td>
          </tr>
        ))}
        none={t('page.trends.noChanges')}
      />
      <h3>{t('page.trends.support')}</h3>
      <TableOrNone
        head={[t('page.trends.quarter'), t('page.trends.pillar'), t('page.trends.askingSupport')]}
        rows={support.map((s) => (
          <tr>
            <td>{s.quarter}</td>
            <td>{pillar(s.pillar)}</td>
            <td>{s.projects}</td>
          </tr>
        ))}
        none={t('page.trends.noSupport')}
      />
      <h3>{t('page.trends.late')}</h3>
      <TableOrNone
        head={[
          t('page.trends.quarter'),
          t('page.trends.owner'),
          t('page.trends.projects'),
          t('page.trends.answeredLate'),
          t('page.trends.latestAnswer'),
        ]}
        rows={late.map((r) => (
          <tr>
            <td>{r.quarter}</td>
            <td>{owner(r.ownerId)}</td>
            <td>{r.projects}</td>
            <td>{r.late}</td>
            <td>{r.worstDaysAfterDue ?? ''}</td>
          </tr>
        ))}
        none={t('page.trends.noLate')}
      />
    </section>
  );
}

/** Status counts per quarter for each pillar, one small chart each with its numbers as a table. */
function PillarCharts({
  byPillar,
  pillar,
  lang,
}: {
  byPillar: Map<string, QuarterCounts[]>;
  pillar: (id: string) => string;
  lang: PageLanguage;
}) {
  if (byPillar.size < 2) return null; // one pillar: the portfolio chart above is already that pillar's
  return (
    <>
      <h3>{lang.t('page.trends.byPillar')}</h3>
      {[...byPillar].map(([id, counts]) => {
        const title = lang.t('page.trends.pillarStatus', { pillar: pillar(id) });
        const quarters = counts.map(asStatusCounts);
        return (
          <ChartFigure
            svg={quarterStatusBarsSvg(title, quarters, PAGE_FONT, `pillar-${id}`, lang.language)}
            id={`pillar-${id}`}
          >
            <CountsTable caption={title} quarters={quarters} lang={lang} />
          </ChartFigure>
        );
      })}
    </>
  );
}

/** GET /mechanisms/{m}/projects/{p}: a project's status and progress per quarter, milestones planned vs actual, indicators over time. */
export function trendPages(deps: RouteDeps): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/mechanisms/:mechanismId/projects/:projectId',
      { schema: { params: z.object({ mechanismId: slug, projectId: slug }) } },
      async (request, reply) => {
        const s = pageOf(request);
        const { mechanismId, projectId } = request.params as { mechanismId: string; projectId: string };
        const [m, p] = await Promise.all([
          deps.store.mechanisms.get(mechanismId),
          deps.store.projects.get(mechanismId, projectId),
        ]);
        if (!m || !p) throw new ApiError(404, 'not-found', `project ${projectId} not found`);
        const history = await deps.store.trends.projectHistory(mechanismId, projectId);
        const { t, language } = s;
        const projectTitle = nameIn(p, 'title', language);
        const title = t('page.history.chart', { project: projectTitle });
        const points = history.map((h) => ({
          quarter: h.quarter,
          status: h.status,
          ...(h.progressPercent !== undefined && { progressPercent: h.progressPercent }),
        }));
        // Each milestone's actual date: the latest quarter that reported one, else the portfolio's.
        const actual = (id: string, fallback?: string) =>
          [...history]
            .reverse()
            .flatMap((h) => h.milestoneUpdates.filter((u) => u.milestoneId === id && u.actualDate))[0]?.actualDate ??
          fallback;
        const value = (id: string, quarter: string) =>
          history.find((h) => h.quarter === quarter)?.indicatorUpdates.find((u) => u.indicatorId === id)?.current;
        const day = (date?: string) => dateShown(date, language);
        const body = (
          <>
            <h1>{projectTitle}</h1>
            <p>
              <a href={`/mechanisms/${m.id}/portfolio`}>{t('page.dashboard.portfolio')}</a>
            </p>
            {history.length ? (
              <ChartFigure svg={progressStepSvg(title, points, PAGE_FONT, language)}>
                <table class="chart-data">
                  <caption>{title}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('page.trends.quarter')}</th>
                      <th scope="col">{t('page.history.status')}</th>
                      <th scope="col">{t('page.history.progress')}</th>
                      <th scope="col">{t('page.history.update')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {history.map((h) => (
                      <tr>
                        <th scope="row">{h.quarter}</th>
                        <td>{statusLabelIn(h.status, language)}</td>
                        <td>{h.progressPercent === undefined ? '—' : `${h.progressPercent}%`}</td>
                        <td>{t(stateKey(h.state))}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </ChartFigure>
            ) : (
              <p>{t('page.history.none')}</p>
            )}
            <h2>{t('page.history.milestones')}</h2>
            <TableOrNone
              head={[t('page.history.milestone'), t('page.history.planned'), t('page.history.actual')]}
              rows={p.milestones.map((ms) => (
                <tr>
                  <td>{nameIn(ms, 'title', language)}</td>
                  <td>{day(ms.plannedDate)}</td>
                  <td>{day(actual(ms.id, ms.actualDate))}</td>
                </tr>
              ))}
              none={t('page.history.noMilestones')}
            />
            <h2>{t('page.history.indicators')}</h2>
            <TableOrNone
              head={[
                t('page.history.indicator'),
                t('page.history.unit'),
                t('page.history.baseline'),
                ...history.map((h) => h.quarter),
                t('page.history.target'),
              ]}
              rows={p.indicators.map((i) => (
                <tr>
                  <td>{nameIn(i, 'name', language)}</td>
                  <td>{i.unit ?? ''}</td>
                  <td>{i.baseline ?? '—'}</td>
                  {history.map((h) => (
                    <td>{value(i.id, h.quarter) ?? '—'}</td>
                  ))}
                  <td>{i.target ?? '—'}</td>
                </tr>
              ))}
              none={t('page.history.noIndicators')}
            />
          </>
        );
        return reply
          .code(200)
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(page(t('page.history.title', { project: projectTitle }), body, s.nav, s.chrome));
      },
    );
  };
}
