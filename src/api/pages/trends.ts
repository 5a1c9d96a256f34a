/**
 * Trends across quarters on the pages (issue 20, point 2), from the records only: the portfolio's status counts
 * per quarter and who changed since last quarter, and a project's history page. Charts are inline SVG from
 * `documents/trend-chart.ts` (the same code the documents can rasterise), each with its numbers as a table.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { slug, type Mechanism } from '../../domain';
import { statusKeys, type StatusCounts } from '../../documents';
import { statusLabels } from '../../documents/format';
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
import type { PageSession } from './secretariat';

type SessionOf = (request: FastifyRequest, reply: FastifyReply) => Promise<PageSession | undefined>;

// The pages' font stack; resvg gets a loaded font by name when the documents rasterise the same SVG.
const PAGE_FONT = 'system-ui, sans-serif';

const asStatusCounts = (q: QuarterCounts): StatusCounts => ({ label: q.quarter, counts: q.counts, total: q.total });

/** The numbers of a status chart as a table (what the chart shows, for screen readers and print). */
function countsTable(caption: string, quarters: StatusCounts[]): Safe {
  return html`<table class="chart-data"><caption>${caption}</caption><thead><tr><th scope="col">Quarter</th>${statusKeys.map((k) => html`<th scope="col">${statusLabels[k]}</th>`)}<th scope="col">Total</th></tr></thead><tbody>
${quarters.map((q) => html`<tr><th scope="row">${q.label}</th>${statusKeys.map((k) => html`<td>${q.counts[k]}</td>`)}<td>${q.total}</td></tr>`)}</tbody></table>`;
}

/** The portfolio page's trend section: status counts per quarter, changes since last quarter, support and response times. */
export async function portfolioTrends(store: Store, m: Mechanism): Promise<Safe> {
  const trends = await store.trends.load(m.id);
  if (trends.quarters.length === 0) return html``;
  const pillar = (id: string) => m.pillars.find((p) => p.id === id)?.name ?? id;
  const owner = (id: string) => m.contacts.find((c) => c.id === id)?.name ?? id;
  const quarters = statusCountsByQuarter(trends).map(asStatusCounts);
  const latest = trends.quarters[trends.quarters.length - 1];
  const changes = changesSince(trends, latest);
  const support = supportByPillar(trends);
  const late = responseTimes(trends).filter((t) => t.late > 0);
  const title = 'Project status per quarter';
  return html`<section aria-labelledby="trends"><h2 id="trends">Trends across quarters</h2>
<figure class="chart">${new Safe(quarterStatusBarsSvg(title, quarters, PAGE_FONT))}<figcaption>${countsTable(title, quarters)}</figcaption></figure>
${pillarCharts(statusCountsByPillar(trends), pillar)}
<h3>Changes since last quarter (${latest})</h3>
${
  changes.length
    ? html`<table><thead><tr><th>Project</th><th>Pillar</th><th>Change</th><th>Before</th><th>Now</th></tr></thead><tbody>
${changes.map((c) => html`<tr><td><a href="/mechanisms/${m.id}/projects/${c.projectId}">${c.title}</a></td><td>${pillar(c.pillar)}</td><td>${c.direction === 'improved' ? 'Improved' : 'Slipped'}</td><td>${statusLabels[c.from]}</td><td>${statusLabels[c.to]}</td></tr>`)}</tbody></table>`
    : html`<p>No project changed its rating since the quarter before.</p>`
}
<h3>Support requested, by pillar</h3>
${
  support.length
    ? html`<table><thead><tr><th>Quarter</th><th>Pillar</th><th>Projects asking for support</th></tr></thead><tbody>
${support.map((s) => html`<tr><td>${s.quarter}</td><td>${pillar(s.pillar)}</td><td>${s.projects}</td></tr>`)}</tbody></table>`
    : html`<p>No project asked for support.</p>`
}
<h3>Late answers, by owner</h3>
${
  late.length
    ? html`<table><thead><tr><th>Quarter</th><th>Owner</th><th>Projects</th><th>Answered late</th><th>Latest answer (days after the due date)</th></tr></thead><tbody>
${late.map((t) => html`<tr><td>${t.quarter}</td><td>${owner(t.ownerId)}</td><td>${t.projects}</td><td>${t.late}</td><td>${t.worstDaysAfterDue ?? ''}</td></tr>`)}</tbody></table>`
    : html`<p>Every owner answered by the due date.</p>`
}</section>`;
}

/** Status counts per quarter for each pillar, one small chart each with its numbers as a table. */
function pillarCharts(byPillar: Map<string, QuarterCounts[]>, pillar: (id: string) => string): Safe {
  if (byPillar.size < 2) return html``; // one pillar: the portfolio chart above is already that pillar's
  return html`<h3>Project status per quarter, by pillar</h3>
${[...byPillar].map(([id, counts]) => {
  const title = `${pillar(id)}: project status per quarter`;
  const quarters = counts.map(asStatusCounts);
  return html`<figure class="chart" id="pillar-${id}">${new Safe(quarterStatusBarsSvg(title, quarters, PAGE_FONT, `pillar-${id}`))}<figcaption>${countsTable(title, quarters)}</figcaption></figure>`;
})}`;
}

/** GET /mechanisms/{m}/projects/{p}: a project's status and progress per quarter, milestones planned vs actual, indicators over time. */
export function trendPages(deps: RouteDeps, session: SessionOf): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/mechanisms/:mechanismId/projects/:projectId',
      { schema: { params: z.object({ mechanismId: slug, projectId: slug }) } },
      async (request, reply) => {
        const s = await session(request, reply);
        if (!s) return reply;
        const { mechanismId, projectId } = request.params as { mechanismId: string; projectId: string };
        const [m, p] = await Promise.all([
          deps.store.mechanisms.get(mechanismId),
          deps.store.projects.get(mechanismId, projectId),
        ]);
        if (!m || !p) throw new ApiError(404, 'not-found', `project ${projectId} not found`);
        const history = await deps.store.trends.projectHistory(mechanismId, projectId);
        const title = `${p.title}: status and progress per quarter`;
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
        const body = html`<h1>${p.title}</h1><p><a href="/mechanisms/${m.id}/portfolio">Portfolio</a></p>
${
  history.length
    ? html`<figure class="chart">${new Safe(progressStepSvg(title, points, PAGE_FONT))}<figcaption><table class="chart-data"><caption>${title}</caption><thead><tr><th scope="col">Quarter</th><th scope="col">Status</th><th scope="col">Progress</th><th scope="col">Update</th></tr></thead><tbody>
${history.map((h) => html`<tr><th scope="row">${h.quarter}</th><td>${statusLabels[h.status]}</td><td>${h.progressPercent === undefined ? '—' : `${h.progressPercent}%`}</td><td>${h.state}</td></tr>`)}</tbody></table></figcaption></figure>`
    : html`<p>No quarter on record yet for this project.</p>`
}
<h2>Milestones: planned and actual</h2>
${
  p.milestones.length
    ? html`<table><thead><tr><th>Milestone</th><th>Planned</th><th>Actual</th></tr></thead><tbody>
${p.milestones.map((ms) => html`<tr><td>${ms.title}</td><td>${ms.plannedDate ?? '—'}</td><td>${actual(ms.id, ms.actualDate) ?? '—'}</td></tr>`)}</tbody></table>`
    : html`<p>No milestones in the portfolio.</p>`
}
<h2>Indicators over time</h2>
${
  p.indicators.length
    ? html`<table><thead><tr><th>Indicator</th><th>Unit</th><th>Baseline</th>${history.map((h) => html`<th>${h.quarter}</th>`)}<th>Target</th></tr></thead><tbody>
${p.indicators.map((i) => html`<tr><td>${i.name}</td><td>${i.unit ?? ''}</td><td>${i.baseline ?? '—'}</td>${history.map((h) => html`<td>${value(i.id, h.quarter) ?? '—'}</td>`)}<td>${i.target ?? '—'}</td></tr>`)}</tbody></table>`
    : html`<p>No indicators in the portfolio.</p>`
}`;
        return reply
          .code(200)
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(page(`${p.title} — history`, body, s.nav));
      },
    );
  };
}
