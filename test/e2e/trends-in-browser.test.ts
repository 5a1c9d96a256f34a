/**
 * The secretariat's view in a real browser (Debian's chromium via playwright-core) on a store seeded with 8 closed
 * quarters of a 50-project mechanism (issue 20's acceptance): the dashboard, the portfolio with its trend charts,
 * a project's history and a closed cycle's page with its timeline. The numbers each chart's table shows are checked
 * against the records; screenshots go to test-results/e2e/ (not compared, for a person to look at).
 */
import type { Page } from 'playwright-core';
import { statusKeys } from '../../src/documents';
import { statusLabels } from '../../src/documents/format';
import { statusCountsByPillar, statusCountsByQuarter, type QuarterCounts } from '../../src/store';
import { screenshot } from '../helpers/browser';
import { importSeedMechanism, SEED_PILLARS, seedQuarters } from '../helpers/seed-quarters';
import { OFFICER, startBrowserStack, type BrowserStack, type ServiceStack } from './stack';

const MECHANISM = 'seed-50';
const QUARTERS = ['2024-Q4', '2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4', '2026-Q1', '2026-Q2', '2026-Q3'];

let world: BrowserStack | undefined;
let stack: ServiceStack;
let page: Page;

beforeAll(async () => {
  world = await startBrowserStack();
  const { browser } = world;
  stack = world.stack;
  const projects = await importSeedMechanism(stack.store, MECHANISM, 50);
  await seedQuarters(stack.store, MECHANISM, QUARTERS, projects);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  await page.goto(`${stack.baseUrl}/login`);
  await page.fill('#email', OFFICER.email);
  await page.fill('#password', OFFICER.password);
  await page.click('button:has-text("Sign in")');
  await page.waitForURL((u) => u.pathname === '/');
}, 180_000);
afterAll(async () => {
  await world?.close();
});

/** The rows of the chart table captioned `caption`: quarter, then one number per cell. */
async function chartTable(caption: string): Promise<string[][]> {
  return page.$$eval(
    'table.chart-data',
    (tables, wanted) =>
      tables
        .filter((t) => t.querySelector('caption')?.textContent === wanted)
        .flatMap((t) =>
          [...t.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent ?? '')),
        ),
    caption,
  );
}

/** What a status table must show for `counts`: the quarter, each status's count, the total. */
const expected = (counts: QuarterCounts[]) =>
  counts.map((c) => [c.quarter, ...statusKeys.map((k) => String(c.counts[k])), String(c.total)]);

describe("the secretariat's view across 8 quarters of 50 projects", () => {
  test('the dashboard lists the mechanism', async () => {
    await page.goto(`${stack.baseUrl}/`);
    await page.waitForSelector('h1:has-text("Dashboard")');
    expect(await page.textContent('main')).toContain('Seeded mechanism of 50 projects');
    await screenshot(page, 'trends-01-dashboard');
  });

  test('the portfolio charts the status counts per quarter, overall and by pillar, as the records hold them', async () => {
    await page.goto(`${stack.baseUrl}/mechanisms/${MECHANISM}/portfolio`);
    await page.waitForSelector('#trends');
    const trends = await stack.store.trends.load(MECHANISM);
    expect(trends.quarters).toEqual(QUARTERS);
    expect(await chartTable('Project status per quarter')).toEqual(expected(statusCountsByQuarter(trends)));
    const byPillar = statusCountsByPillar(trends);
    expect(byPillar.size).toBe(SEED_PILLARS.length);
    for (const pillar of SEED_PILLARS) {
      expect(await chartTable(`${pillar.name}: project status per quarter`)).toEqual(
        expected(byPillar.get(pillar.id)!),
      );
    }
    // Each chart is drawn: one bar segment per non-zero count, with the count in its tooltip.
    const segments = await page.$$eval('section[aria-labelledby="trends"] figure.chart svg', (svgs) =>
      svgs.map((svg) => svg.querySelectorAll('rect > title').length),
    );
    const nonZero = (counts: QuarterCounts[]) =>
      counts.reduce((n, q) => n + statusKeys.filter((k) => q.counts[k] > 0).length, 0);
    expect(segments).toEqual([
      nonZero(statusCountsByQuarter(trends)),
      ...[...byPillar.values()].map(nonZero), // in the page's order: by pillar id
    ]);
    await screenshot(page, 'trends-02-portfolio');
  });

  test("a project's history shows its status and progress in every quarter", async () => {
    await page.goto(`${stack.baseUrl}/mechanisms/${MECHANISM}/projects/project-7`);
    await page.waitForSelector('figure.chart svg');
    const history = await stack.store.trends.projectHistory(MECHANISM, 'project-7');
    expect(history).toHaveLength(QUARTERS.length);
    const rows = await chartTable('Cooperation project 7: status and progress per quarter');
    expect(rows.map((r) => r.slice(0, 3))).toEqual(
      history.map((h) => [
        h.quarter,
        statusLabels[h.status],
        h.progressPercent === undefined ? '—' : `${h.progressPercent}%`,
      ]),
    );
    await screenshot(page, 'trends-03-project-history');
  });

  test("a closed cycle's page shows its quarter on one line from the records", async () => {
    await page.goto(`${stack.baseUrl}/mechanisms/${MECHANISM}/cycles/2026-Q3`);
    await page.waitForSelector('#timeline');
    expect(await page.textContent('#phase')).toBe('closed');
    const steps = await page.$$eval('ol.timeline li[data-step]', (lis) =>
      lis.map((li) => `${li.getAttribute('data-step')} ${li.className}`),
    );
    expect(steps).toEqual(['opened done', 'due done', 'closed done']);
    // Due at the end of its due date: shown as that date's last minute in Maseru, not as the next day's midnight.
    expect(await page.textContent('li[data-step="due"] time')).toBe('15 September 2026, 23:59');
    await screenshot(page, 'trends-04-cycle-timeline');
  });
});
