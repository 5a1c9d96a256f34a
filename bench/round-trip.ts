/**
 * Submission round trip: 20 owners post their update at the same moment through the HTTP API (real socket on
 * 127.0.0.1) until every receipt is back, round after round, against the same number of bare `executeUpdate` calls
 * on a trivial workflow. Between rounds the product stores each revision (the receipt emails of amendments within
 * the hour wait for the hour, issue 15), so each round measures what 20 owners answering at once see. The same
 * posts back to back (each owner posts again as soon as its answer is back) are measured too: that is a
 * throughput test, where the work after each receipt competes with the next posts. The cycle has one silent
 * project more, so it keeps collecting (no report compiled during the run).
 */
import type { AddressInfo } from 'node:net';
import { buildApp } from '../src/api/app';
import { temporalCycleGateway } from '../src/api/temporal-cycle-gateway';
import { loadConfig } from '../src/config';
import { startCycle } from '../src/temporal/cycles';
import { cycleWorkflowId, updateWorkflowId } from '../src/temporal/ids';
import { submitUpdate } from '../src/workflows/messages';
import type { BenchContext } from './context';
import { ping, pingActivity, pingLocalActivity, finish } from './baseline-workflows';
import { cpuSpentUntilQuiet, type CpuSample } from './cpu';
import { percentile } from './stats';
import { importSyntheticMechanism, outboxByKind, revisionCount, startedCount, until } from './synthetic';
import { timedGateway } from './timed-gateway';
import { updateTimeline, type UpdateTimeline } from './update-timeline';

/** Latencies of both paths. */
export interface RoundTripResult {
  owners: number;
  postsPerOwner: number;
  productP50: number;
  productP99: number;
  baselineP50: number;
  baselineP99: number;
  ratioP50: number;
  ratioP99: number;
  /** Posts that did not come back with a receipt (excluded from the percentiles), and the first error. */
  failures: number;
  firstFailure?: string;
  /** The same submissions sent straight to the workflow with `executeUpdate` (no HTTP API, no cycle lookup). */
  directP50: number;
  directP99: number;
  /** The trivial update whose handler runs one no-op activity / one no-op local activity (p50). */
  baselineWithActivityP50: number;
  baselineWithLocalActivityP50: number;
  /** The same posts back to back (throughput-bound): p50 of each side and their ratio. */
  backToBack: { productP50: number; productP99: number; baselineP50: number; baselineP99: number; ratioP50: number };
  /** Report versions the cycle compiled during the run (0 unless every project had answered). */
  reportCompiles: number;
  /**
   * CPU seconds the worker process and the Temporal dev server spent on the untimed first round (each owner's first
   * answer) and on the timed HTTP rounds (`owners` x `postsPerOwner` amendments), each until both were quiet again.
   */
  firstAnswerCpu: CpuSample;
  productCpu: CpuSample;
  /** Emails in the outbox for the projects that answered, by kind, when the run ended (the silent one's left out). */
  emails: Record<string, number>;
  /** Where the time goes: gateway calls inside the HTTP path (p50, ms) and the server-side timelines of the updates. */
  breakdown: {
    httpGatewayP50: Record<string, number>;
    httpGatewayP99: Record<string, number>;
    httpGatewayMean: Record<string, number>;
    product: UpdateTimeline;
    baseline: UpdateTimeline;
  };
}

const submission = (round: number) => ({
  status: 'on-track',
  progressPercent: Math.min(100, 10 + round),
  achievements: `Works advanced on schedule (revision ${round}).`,
  challenges: 'None this quarter.',
  nextSteps: 'Continue as planned.',
});

const failed: string[] = [];

/** Times one post into `samples`; a post that fails is counted in `failed` instead. */
async function timed(samples: number[], post: () => Promise<void>): Promise<void> {
  const t0 = performance.now();
  try {
    await post();
    samples.push(performance.now() - t0);
  } catch (err) {
    failed.push(err instanceof Error ? err.message : String(err));
  }
}

/** `rounds` rounds in which every owner posts at once; a round ends when every answer is back and `settle` returns. */
async function bursts(
  owners: number,
  rounds: number,
  one: (owner: number, round: number) => Promise<void>,
  settle: () => Promise<void> = async () => {},
): Promise<number[]> {
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    await Promise.all(Array.from({ length: owners }, (_, owner) => timed(samples, () => one(owner, round))));
    await settle();
  }
  return samples;
}

/** Every owner posts `rounds` times, each post as soon as its previous answer is back. */
async function backToBack(
  owners: number,
  rounds: number,
  one: (owner: number, round: number) => Promise<void>,
): Promise<number[]> {
  const samples: number[] = [];
  await Promise.all(
    Array.from({ length: owners }, async (_, owner) => {
      for (let round = 0; round < rounds; round++) await timed(samples, () => one(owner, round));
    }),
  );
  return samples;
}

/** Runs `rounds` posts per owner on each path (one untimed warm-up round each first). */
export async function benchRoundTrip(ctx: BenchContext, owners = 20, rounds = 10): Promise<RoundTripResult> {
  const mechanismId = `round-trip${ctx.variant}`;
  // One project more than there are owners posting, and it never answers: the cycle stays collecting. When every
  // project has answered, collection closes early, the report is compiled, and every later amendment compiles a new
  // report version in the same worker process; that CPU-bound rendering (resvg, pdfkit) then stalls every workflow
  // task of the worker, and the bench would measure report rendering instead of the submission path. The first
  // quick runs measured exactly that (see docs/benchmarks.md); `reportCompiles` below says whether it happened.
  await importSyntheticMechanism(ctx.store, mechanismId, owners + 1, ctx.window);
  await startCycle(ctx.client, mechanismId, ctx.quarter, { taskQueue: ctx.taskQueue });
  await until(
    async () => (await startedCount(ctx.store, mechanismId)) >= owners + 1,
    'the round-trip cycle to start its updates',
    5 * 60_000,
  );

  const config = loadConfig({ DATA_DIR: ctx.dataDir });
  const timed = timedGateway(
    temporalCycleGateway({
      client: ctx.client,
      taskQueue: ctx.taskQueue,
      namespace: 'default',
      temporalUiUrl: 'http://127.0.0.1:8233',
    }),
  );
  const app = await buildApp({ config, readiness: {}, store: ctx.store, cycles: timed.gateway, now: () => new Date() });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const { token } = await ctx.store.apiTokens.create({ name: 'bench', scope: 'write' });
  let revisionOffset = 0;
  const post = async (owner: number, round: number) => {
    const res = await fetch(
      `${base}/api/v1/mechanisms/${mechanismId}/cycles/${ctx.quarter}/projects/project-${owner}/submission`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(submission(revisionOffset + round)),
      },
    );
    const body = (await res.json()) as { accepted?: boolean; result?: { revision: number } };
    if (res.status !== 200 || !body.accepted || !body.result?.revision)
      throw new Error(`submission refused: ${res.status} ${JSON.stringify(body)}`);
  };
  try {
    const handles = await Promise.all(
      Array.from({ length: owners }, (_, i) =>
        ctx.baselineClient.workflow.start('trivialUpdates', {
          taskQueue: ctx.baselineQueue,
          workflowId: `baseline-updates-${i}${ctx.variant}`,
        }),
      ),
    );
    const bare = async (owner: number, round: number) => {
      const r = await handles[owner].executeUpdate(ping, { args: [round] });
      if (r.at !== round) throw new Error('the trivial update answered something else');
    };
    // A round of the product waits until every post's revision is stored before the next, so that rounds do not
    // overlap. (Not for the receipt emails: amendments within the hour are confirmed by one email when the hour is
    // up, issue 15.)
    let posted = 0;
    const settled = () =>
      until(async () => (await revisionCount(ctx.store, mechanismId)) >= posted, 'the revisions of the round', 60_000);
    const countedPost = async (owner: number, round: number) => {
      await post(owner, round);
      posted++;
    };
    await bursts(owners, 1, bare); // warm-up
    const baseline = await bursts(owners, rounds, bare);
    // What one activity in an update handler costs, as a regular activity and as a local activity.
    const withActivity = await bursts(owners, rounds, async (owner, round) => {
      await handles[owner].executeUpdate(pingActivity, { args: [round] });
    });
    const withLocalActivity = await bursts(owners, rounds, async (owner, round) => {
      await handles[owner].executeUpdate(pingLocalActivity, { args: [round] });
    });
    const firstBefore = ctx.cpu();
    await bursts(owners, 1, countedPost, settled); // warm-up (also the first revision of each update)
    // A first answer's receipt goes at once (later ones within the hour wait for it): the answers are done with then.
    await until(
      async () => ((await outboxByKind(ctx.store, mechanismId)).receipt ?? 0) >= owners,
      'the receipts of the first answers',
      5 * 60_000,
    );
    const firstAnswerCpu = await cpuSpentUntilQuiet(ctx.cpu, firstBefore);
    revisionOffset = 1;
    timed.reset();
    const cpuBefore = ctx.cpu();
    const product = await bursts(owners, rounds, countedPost, settled);
    const productCpu = await cpuSpentUntilQuiet(ctx.cpu, cpuBefore);
    const gatewaySamples = Object.fromEntries(
      Object.entries(timed.samples).map(([k, v]) => [k, Math.round(percentile(v, 50))]),
    );
    const gatewayP99 = Object.fromEntries(
      Object.entries(timed.samples).map(([k, v]) => [k, Math.round(percentile(v, 99))]),
    );
    const gatewayMeans = Object.fromEntries(
      Object.entries(timed.samples).map(([k, v]) => [k, Math.round(v.reduce((a, b) => a + b, 0) / v.length)]),
    );
    // The same workflow update without the HTTP API in front: what the workflow itself costs.
    revisionOffset = 1 + rounds;
    const direct = await bursts(
      owners,
      rounds,
      async (owner, round) => {
        const handle = ctx.client.workflow.getHandle(updateWorkflowId(mechanismId, ctx.quarter, `project-${owner}`));
        const r = await handle.executeUpdate(submitUpdate, {
          args: [{ submission: submission(revisionOffset + round) as never, submittedBy: 'bench' }],
        });
        if (!r.revision) throw new Error('the submission came back without a revision');
        posted++;
      },
      settled,
    );
    // Back to back: a throughput test (the work after each receipt competes with the next posts).
    revisionOffset = 1 + 2 * rounds;
    const loopBaseline = await backToBack(owners, rounds, bare);
    const loopProduct = await backToBack(owners, rounds, countedPost);
    await settled();
    await Promise.all(handles.map((h) => h.signal(finish)));
    const histories = async (ids: string[]) =>
      Promise.all(ids.map((id) => ctx.client.workflow.getHandle(id).fetchHistory()));
    const productTimeline = updateTimeline(
      await histories(
        Array.from({ length: owners }, (_, i) => updateWorkflowId(mechanismId, ctx.quarter, `project-${i}`)),
      ),
      submitUpdate.name,
    );
    const baselineTimeline = updateTimeline(await Promise.all(handles.map((h) => h.fetchHistory())), ping.name);
    const [cycleHistory] = await histories([cycleWorkflowId(mechanismId, ctx.quarter)]);
    const reportCompiles = (cycleHistory.events ?? []).filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'compileReport',
    ).length;
    const [p50, p99, b50, b99] = [
      percentile(product, 50),
      percentile(product, 99),
      percentile(baseline, 50),
      percentile(baseline, 99),
    ];
    return {
      owners,
      postsPerOwner: rounds,
      productP50: p50,
      productP99: p99,
      baselineP50: b50,
      baselineP99: b99,
      ratioP50: p50 / b50,
      ratioP99: p99 / b99,
      failures: failed.length,
      firstFailure: failed[0],
      directP50: percentile(direct, 50),
      directP99: percentile(direct, 99),
      backToBack: {
        productP50: percentile(loopProduct, 50),
        productP99: percentile(loopProduct, 99),
        baselineP50: percentile(loopBaseline, 50),
        baselineP99: percentile(loopBaseline, 99),
        ratioP50: percentile(loopProduct, 50) / percentile(loopBaseline, 50),
      },
      reportCompiles,
      firstAnswerCpu,
      productCpu,
      emails: await outboxByKind(ctx.store, mechanismId, `project-${owners}`),
      baselineWithActivityP50: percentile(withActivity, 50),
      baselineWithLocalActivityP50: percentile(withLocalActivity, 50),
      breakdown: {
        httpGatewayP50: gatewaySamples,
        httpGatewayP99: gatewayP99,
        httpGatewayMean: gatewayMeans,
        product: productTimeline,
        baseline: baselineTimeline,
      },
    };
  } finally {
    await app.close();
  }
}
