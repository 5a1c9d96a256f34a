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
import { html, page, Safe } from './html';
import { dateShown } from './form-locale';
import type { PageLanguage } from './language';
import { stateKey } from './language';
import { pageOf } from './session';

// The pages' font stack; resvg gets a loaded font by name when the documents rasterise the same SVG.
const PAGE_FONT = 'system-ui, sans-serif';

const asStatusCounts = (q: QuarterCounts): StatusCounts => ({ label: q.quarter, counts: q.counts, total: q.total });

/** The numbers of a status chart as a table (what the chart shows, for screen readers and print). */
function countsTable(caption: string, quarters: StatusCounts[], { t, language }: PageLanguage): Safe {
  return html`<table class="chart-data"><caption>${caption}</caption><thead><tr><th scope="col">${t('page.trends.quarter')}</th>${statusKeys.map((k) => html`<th scope="col">${statusLabelIn(k, language)}</th>`)}<th scope="col">${t('page.trends.total')}</th></tr></thead><tbody>
${quarters.map((q) => html`<tr><th scope="row">${q.label}</th>${statusKeys.map((k) => html`<td>${q.counts[k]}</td>`)}<td>${q.total}</td></tr>`)}</tbody></table>`;
}

/** The portfolio page's trend section: status counts per quarter, changes since last quarter, support and response times. */
export async function portfolioTrends(
  store: Store,
  m: Mechanism,
  projects: Project[],
  lang: PageLanguage,
): Promise<Safe> {
  const { t, language } = lang;
  const trends = await store.trends.load(m.id);
  if (trends.quarters.length === 0) return html``;
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
  return html`<section aria-labelledby="trends"><h2 id="trends">${t('page.trends.title')}</h2>
<figure class="chart">${new Safe(quarterStatusBarsSvg(title, quarters, PAGE_FONT, undefined, language))}<figcaption>${countsTable(title, quarters, lang)}</figcaption></figure>
${pillarCharts(statusCountsByPillar(trends), pillar, lang)}
<h3>${t('page.trends.changes', { quarter: latest })}</h3>
${
  changes.length
    ? html`<table><thead><tr><th>${t('page.trends.project')}</th><th>${t('page.trends.pillar')}</th><th>${t('page.trends.change')}</th><th>${t('page.trends.before')}</th><th>${t('page.trends.now')}</th></tr></thead><tbody>
${changes.map((c) => html`<tr><td><a href="/mechanisms/${m.id}/projects/${c.projectId}">${titleOf(c.projectId, c.title)}</a></td><td>${pillar(c.pillar)}</td><td>${c.direction === 'improved' ? t('page.trends.improved') : t('page.trends.slipped')}</td><td>${statusLabelIn(c.from, language)}</td><td>${statusLabelIn(c.to, language)}</td></tr>`)}</tbody></table>`
    : html`<p>${t('page.trends.noChanges')}</p>`
}
<h3>${t('page.trends.support')}</h3>
${
  support.length
    ? html`<table><thead><tr><th>${t('page.trends.quarter')}</th><th>${t('page.trends.pillar')}</th><th>${t('page.trends.askingSupport')}</th></tr></thead><tbody>
${support.map((s) => html`<tr><td>${s.quarter}</td><td>${pillar(s.pillar)}</td><td>${s.projects}</td></tr>`)}</tbody></table>`
    : html`<p>${t('page.trends.noSupport')}</p>`
}
<h3>${t('page.trends.late')}</h3>
${
  late.length
    ? html`<table><thead><tr><th>${t('page.trends.quarter')}</th><th>${t('page.trends.owner')}</th><th>${t('page.trends.projects')}</th><th>${t('page.trends.answeredLate')}</th><th>${t('page.trends.latestAnswer')}</th></tr></thead><tbody>
${late.map((r) => html`<tr><td>${r.quarter}</td><td>${owner(r.ownerId)}</td><td>${r.projects}</td><td>${r.late}</td><td>${r.worstDaysAfterDue ?? ''}</td></tr>`)}</tbody></table>`
    : html`<p>${t('page.trends.noLate')}</p>`
}</section>`;
}

/** Status counts per quarter for each pillar, one small chart each with its numbers as a table. */
function pillarCharts(
  byPillar: Map<string, QuarterCounts[]>,
  pillar: (id: string) => string,
  lang: PageLanguage,
): Safe {
  if (byPillar.size < 2) return html``; // one pillar: the portfolio chart above is already that pillar's
  return html`<h3>${lang.t('page.trends.byPillar')}</h3>
${[...byPillar].map(([id, counts]) => {
  const title = lang.t('page.trends.pillarStatus', { pillar: pillar(id) });
  const quarters = counts.map(asStatusCounts);
  return html`<figure class="chart" id="pillar-${id}">${new Safe(quarterStatusBarsSvg(title, quarters, PAGE_FONT, `pillar-${id}`, lang.language))}<figcaption>${countsTable(title, quarters, lang)}</figcaption></figure>`;
})}`;
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
        const body = html`<h1>${projectTitle}</h1><p><a href="/mechanisms/${m.id}/portfolio">${t('page.dashboard.portfolio')}</a></p>
${
  history.length
    ? html`<figure class="chart">${new Safe(progressStepSvg(title, points, PAGE_FONT, language))}<figcaption><table class="chart-data"><caption>${title}</caption><thead><tr><th scope="col">${t('page.trends.quarter')}</th><th scope="col">${t('page.history.status')}</th><th scope="col">${t('page.history.progress')}</th><th scope="col">${t('page.history.update')}</th></tr></thead><tbody>
${history.map((h) => html`<tr><th scope="row">${h.quarter}</th><td>${statusLabelIn(h.status, language)}</td><td>${h.progressPercent === undefined ? '—' : `${h.progressPercent}%`}</td><td>${t(stateKey(h.state))}</td></tr>`)}</tbody></table></figcaption></figure>`
    : html`<p>${t('page.history.none')}</p>`
}
<h2>${t('page.history.milestones')}</h2>
${
  p.milestones.length
    ? html`<table><thead><tr><th>${t('page.history.milestone')}</th><th>${t('page.history.planned')}</th><th>${t('page.history.actual')}</th></tr></thead><tbody>
${p.milestones.map((ms) => html`<tr><td>${nameIn(ms, 'title', language)}</td><td>${day(ms.plannedDate)}</td><td>${day(actual(ms.id, ms.actualDate))}</td></tr>`)}</tbody></table>`
    : html`<p>${t('page.history.noMilestones')}</p>`
}
<h2>${t('page.history.indicators')}</h2>
${
  p.indicators.length
    ? html`<table><thead><tr><th>${t('page.history.indicator')}</th><th>${t('page.history.unit')}</th><th>${t('page.history.baseline')}</th>${history.map((h) => html`<th>${h.quarter}</th>`)}<th>${t('page.history.target')}</th></tr></thead><tbody>
${p.indicators.map((i) => html`<tr><td>${nameIn(i, 'name', language)}</td><td>${i.unit ?? ''}</td><td>${i.baseline ?? '—'}</td>${history.map((h) => html`<td>${value(i.id, h.quarter) ?? '—'}</td>`)}<td>${i.target ?? '—'}</td></tr>`)}</tbody></table>`
    : html`<p>${t('page.history.noIndicators')}</p>`
}`;
        return reply
          .code(200)
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(page(t('page.history.title', { project: projectTitle }), body, s.nav, s.chrome));
      },
    );
  };
}
