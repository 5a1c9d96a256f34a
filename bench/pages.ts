/**
 * Page latency (issue 20, point 1): the dashboard, the cycle page, the portfolio and the cycle list of an N-project
 * mechanism with 8 past quarters in the records, read again and again while that mechanism's current N-project cycle
 * fans out. Side by side in the same run: the API's read of the same cycle, which waits for the cycle's own answer
 * (up to 1.5 s) where the page waits 100 ms (none for a cycle found busy in the last 15 s) and then draws itself from the records; and the live read itself, one
 * query of the cycle (`liveCycleState`) against the one per unsettled project the pages made before (`queryCycle`).
 */
import { buildApp } from '../src/api/app';
import { temporalCycleGateway } from '../src/api/temporal-cycle-gateway';
import { loadConfig } from '../src/config';
import { previousQuarter } from '../src/domain';
import { liveCycleState } from '../src/temporal/cycle-status';
import { queryCycle, startCycle } from '../src/temporal/cycles';
import { signIn } from '../test/e2e/stack';
import { seedQuarters } from '../test/helpers/seed-quarters';
import type { BenchContext } from './context';
import { percentile } from './stats';
import { importSyntheticMechanism, startedCount, until } from './synthetic';

/** The latencies of each read (ms) and what was going on meanwhile. */
export interface PagesResult {
  projects: number;
  pastQuarters: number;
  /** When it was measured (UTC, with the weekday: request emails go out on working days only). */
  measuredAt: string;
  /** Updates of the cycle started when the first and the last sample were taken: the fan-out was running between. */
  startedAtFirstSample: number;
  startedAtLastSample: number;
  /** Cycle pages drawn from the records because the cycle's query was late, a worker polling (forms kept). */
  cyclePagesBusy: number;
  /** Cycle pages drawn from the records with the "not answering" alarm (no worker seen, or no Temporal). */
  cyclePagesUnanswered: number;
  dashboard: Latency;
  cyclePage: Latency;
  portfolio: Latency;
  /** `GET /api/v1/mechanisms/{id}/cycles`. */
  cycleList: Latency;
  /** `GET /api/v1/mechanisms/{id}/cycles/{quarter}`: waits up to 1.5 s for the cycle's own answer. */
  cycleApi: Latency;
  /** The live part of a cycle read, now: one query. */
  cycleRead: Latency;
  /** The live part of a cycle read, before: the cycle and every unsettled project. */
  perProjectRead: Latency;
}

/** The reads measured. */
type Read = 'dashboard' | 'cyclePage' | 'portfolio' | 'cycleList' | 'cycleApi' | 'cycleRead' | 'perProjectRead';

/** Percentiles of one kind of read. */
export interface Latency {
  samples: number;
  p50: number;
  p99: number;
}

const latency = (samples: number[]): Latency => ({
  samples: samples.length,
  p50: percentile(samples, 50),
  p99: percentile(samples, 99),
});

/** Times `fn` into `samples`. */
async function timed(samples: number[], fn: () => Promise<unknown>): Promise<void> {
  const t0 = performance.now();
  await fn();
  samples.push(performance.now() - t0);
}

/** Seeds the past quarters, opens the current cycle and reads the pages `rounds` times while it fans out. */
export async function benchPages(ctx: BenchContext, projects: number, rounds: number): Promise<PagesResult> {
  const mechanismId = `pages-${projects}${ctx.variant}`;
  await importSyntheticMechanism(ctx.store, mechanismId, projects, ctx.window);
  const past: string[] = [];
  for (let q = previousQuarter(ctx.quarter); past.length < 8; q = previousQuarter(q)) past.unshift(q);
  const ids = Array.from({ length: projects }, (_, i) => `project-${i}`);
  await seedQuarters(ctx.store, mechanismId, past, ids);

  const config = loadConfig({ DATA_DIR: ctx.dataDir });
  const app = await buildApp({
    config,
    readiness: {},
    store: ctx.store,
    cycles: temporalCycleGateway({
      client: ctx.client,
      taskQueue: ctx.taskQueue,
      namespace: 'default',
      temporalUiUrl: 'http://127.0.0.1:8233',
    }),
    now: () => new Date(),
  });
  const officer = { email: `pages-${projects}@example.org`, password: 'a long bench password' };
  const user = await ctx.store.users.create({ ...officer, name: 'Bench Officer', role: 'secretariat' });
  const { token } = await ctx.store.apiTokens.create({ name: 'bench', scope: 'read', userId: user.id });
  try {
    const { cookie } = await signIn(app, officer);
    let busy = 0;
    let unanswered = 0;
    const get = async (url: string, headers: Record<string, string> = { cookie }) => {
      const res = await app.inject({ method: 'GET', url, headers });
      if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}`);
      // Cycle pages drawn from the records because the cycle's query was late, counted apart.
      if (res.body.includes('id="busy"')) busy++;
      if (res.body.includes('id="unanswered"')) unanswered++;
    };
    const api = (url: string) => get(url, { authorization: `Bearer ${token}` });
    await startCycle(ctx.client, mechanismId, ctx.quarter, { taskQueue: ctx.taskQueue });
    // The cycle lists its projects before it starts them: from then on both reads have the whole cycle to read.
    await until(
      async () => ((await liveCycleState(ctx.client, mechanismId, ctx.quarter))?.projects.length ?? 0) >= projects,
      'the cycle to list its projects',
      10 * 60_000,
    );
    const samples: Record<Read, number[]> = {
      dashboard: [],
      cyclePage: [],
      portfolio: [],
      cycleList: [],
      cycleApi: [],
      cycleRead: [],
      perProjectRead: [],
    };
    const startedAtFirstSample = await startedCount(ctx.store, mechanismId, ctx.quarter);
    for (let i = 0; i < rounds; i++) {
      await timed(samples.dashboard, () => get('/'));
      await timed(samples.cyclePage, () => get(`/mechanisms/${mechanismId}/cycles/${ctx.quarter}`));
      await timed(samples.portfolio, () => get(`/mechanisms/${mechanismId}/portfolio`));
      await timed(samples.cycleList, () => api(`/api/v1/mechanisms/${mechanismId}/cycles`));
      await timed(samples.cycleApi, () => api(`/api/v1/mechanisms/${mechanismId}/cycles/${ctx.quarter}`));
      await timed(samples.cycleRead, () => liveCycleState(ctx.client, mechanismId, ctx.quarter));
      // The old path costs seconds per read at this size: every fifth round, so the run stays inside the fan-out.
      if (i % 5 === 0) await timed(samples.perProjectRead, () => queryCycle(ctx.client, mechanismId, ctx.quarter));
    }
    const startedAtLastSample = await startedCount(ctx.store, mechanismId, ctx.quarter);
    const at = new Date();
    return {
      projects,
      pastQuarters: past.length,
      measuredAt: `${at.toISOString()} (${at.toLocaleDateString('en-GB', { weekday: 'long', timeZone: 'UTC' })})`,
      startedAtFirstSample,
      startedAtLastSample,
      cyclePagesBusy: busy,
      cyclePagesUnanswered: unanswered,
      dashboard: latency(samples.dashboard),
      cyclePage: latency(samples.cyclePage),
      portfolio: latency(samples.portfolio),
      cycleList: latency(samples.cycleList),
      cycleApi: latency(samples.cycleApi),
      cycleRead: latency(samples.cycleRead),
      perProjectRead: latency(samples.perProjectRead),
    };
  } finally {
    await app.close();
  }
}
