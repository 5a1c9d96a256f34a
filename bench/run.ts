/**
 * `npm run bench [-- --quick]`: the whole quarter's benchmarks in one command. Starts its own Temporal dev server,
 * SQLite store and worker process, runs every section, prints one table (each figure with its baseline and ratio)
 * and writes it as JSON to bench/results/latest.json; stops everything it started. Smaller runs for a check:
 * `--only a,b` (sections), `--fan-out 100,1000` (fan-out sizes), `--rest 2,100` (scale: mechanisms x projects each).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig } from '../src/config';
import { quarterOf } from '../src/domain';
import { openStore } from '../src/store';
import { FAILURE_CONVERTER_PATH, projectDataConverter } from '../src/temporal/codec';
import { formatPayloadKey, generatePayloadKey, parsePayloadKeys } from '../src/temporal/keys';
import { capacity } from './capacity';
import type { BenchContext } from './context';
import { cpuSeconds } from './cpu';
import { startDevServer } from './dev-server';
import { benchDocuments } from './documents';
import { runEmailBench } from './email';
import { benchFanOut, type FanOutResult } from './fan-out';
import { benchHistory, HISTORY_WARNING_EVENTS } from './history';
import { benchPages } from './pages';
import { benchRoundTrip, type RoundTripResult } from './round-trip';
import { startClusterBench } from './cluster';
import { benchScale } from './scale';
import { sendingWindowAt } from './synthetic';
import { startWorkerProcess } from './worker-handle';
import { formatTrouble } from './workflow-task-trouble';

/** Sizes of a full run and of `--quick`. */
const plans = {
  full: {
    fanOut: [100, 1000],
    rounds: 25,
    rest: [10, 1000] as [number, number],
    history: [10, 100] as [number, number],
    emails: 2000,
    documents: [10, 100, 1000],
    pages: { projects: 1000, rounds: 50 },
  },
  quick: {
    fanOut: [100, 1000],
    rounds: 10,
    rest: [2, 500] as [number, number],
    history: [5, 25] as [number, number],
    emails: 500,
    documents: [10, 100],
    pages: { projects: 1000, rounds: 20 },
  },
};

type Row = [string, string, string, string, string];

/** The sections `--only a,b` may name, in the order a run goes through them. */
const SECTIONS = [
  'history',
  'fan-out',
  'round-trip',
  'cluster',
  'pages',
  'scale',
  'email',
  'documents',
  'capacity',
] as const;
/** Capacity runs nothing of its own: it reads what these sections measured. */
const CAPACITY_NEEDS = ['history', 'fan-out', 'round-trip'] as const;
/** The cluster section repeats these on a Temporal cluster: it compares with their dev-server figures of the run. */
const CLUSTER_NEEDS = ['fan-out', 'round-trip'] as const;
type Section = (typeof SECTIONS)[number];

/**
 * `--only fan-out,scale` runs those sections only (default: all); `--fan-out 100` overrides the fan-out sizes;
 * `--rest 2,100` the scale section's mechanisms and projects each.
 */
function parseArgs(argv: string[]): { quick: boolean; only: Set<Section>; fanOut?: number[]; rest?: [number, number] } {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const only = value('--only')
    ?.split(',')
    .map((s) => s.trim()) ?? [...SECTIONS];
  const unknown = only.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown.length) throw new Error(`unknown section(s) ${unknown.join(', ')}; known: ${SECTIONS.join(', ')}`);
  const missing = CAPACITY_NEEDS.filter((s) => !only.includes(s));
  if (only.includes('capacity') && missing.length)
    throw new Error(`capacity reads what ${CAPACITY_NEEDS.join(', ')} measure: add ${missing.join(', ')} to --only`);
  const clusterMissing = CLUSTER_NEEDS.filter((s) => !only.includes(s));
  if (only.includes('cluster') && clusterMissing.length)
    throw new Error(
      `cluster compares with what ${CLUSTER_NEEDS.join(', ')} measure on the dev server: add ${clusterMissing.join(', ')} to --only`,
    );
  const fanOut = value('--fan-out')?.split(',').map(Number);
  if (fanOut?.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error('--fan-out takes project counts, e.g. 100,1000');
  const rest = value('--rest')?.split(',').map(Number);
  if (rest && (rest.length !== 2 || rest.some((n) => !Number.isInteger(n) || n < 1)))
    throw new Error('--rest takes mechanisms and projects each, e.g. 2,100');
  return {
    quick: argv.includes('--quick'),
    only: new Set(only as Section[]),
    fanOut,
    rest: rest as [number, number] | undefined,
  };
}

const ms = (v: number) => `${v.toFixed(0)} ms`;
const x = (v: number) => `${v.toFixed(2)}x`;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const { quick, only } = args;
  const plan = {
    ...(quick ? plans.quick : plans.full),
    ...(args.fanOut && { fanOut: args.fanOut }),
    ...(args.rest && { rest: args.rest }),
  };
  // The bench's worker keeps as many workflows in memory as production's (WORKER_MAX_CACHED_WORKFLOWS, default 300).
  const maxCachedWorkflows = loadConfig({ ...process.env, DATA_DIR: os.tmpdir() }).WORKER_MAX_CACHED_WORKFLOWS;
  const started = Date.now();
  const log = (line: string) =>
    process.stdout.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const results: Record<string, unknown> = {
    mode: quick ? 'quick' : 'full',
    sections: [...only],
    maxCachedWorkflows,
    startedAt: new Date().toISOString(),
    host: { cpus: os.cpus().length, loadavg: os.loadavg() },
  };
  const rows: Row[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'coord-bench-'));
  const dataDir = path.join(tmp, 'data');
  fs.mkdirSync(dataDir);
  let server: Awaited<ReturnType<typeof startDevServer>> | undefined;
  let ctx: BenchContext | undefined;
  const cleanup = async () => {
    await ctx?.worker.stop();
    await ctx?.client.connection.close();
    await ctx?.store.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  // Ctrl-C still stops the worker process and the dev server: nothing is left running.
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void cleanup().finally(() => process.exit(130)));
  try {
    log('bundling workflows (product and baseline)');
    const logger = new DefaultLogger('WARN');
    const [productBundle, baselineBundle] = await Promise.all([
      bundleWorkflowCode({
        workflowsPath: require.resolve('../src/workflows'),
        failureConverterPath: FAILURE_CONVERTER_PATH,
        logger,
      }),
      bundleWorkflowCode({ workflowsPath: require.resolve('./baseline-workflows'), logger }),
    ]);
    const bundleFile = (name: string, b: unknown) => {
      const file = path.join(tmp, `${name}.json`);
      fs.writeFileSync(file, JSON.stringify(b));
      return file;
    };
    const productFile = bundleFile('product', productBundle);
    const baselineFile = bundleFile('baseline', baselineBundle);

    // One payload key per run, as production encrypts payloads: the histories' bytes are those the server keeps.
    const payloadKeys = parsePayloadKeys(formatPayloadKey(generatePayloadKey()));
    // History first: it runs on its own time-skipping server, before the dev stack loads the machine.
    const history = only.has('history')
      ? await (async () => {
          log(`history size: longest path for ${plan.history.join(' and ')} projects (time-skipping server)`);
          const h = await benchHistory(productBundle, plan.history, log, payloadKeys);
          log(`  ${JSON.stringify(h.samples)}`);
          return h;
        })()
      : undefined;
    results.history = history;

    log('starting the Temporal dev server, the store and the worker process');
    server = await startDevServer();
    const serverPid = server.pid;
    const store = await openStore({ dataDir });
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection, namespace: 'default', dataConverter: projectDataConverter(payloadKeys) });
    // Plaintext: for the bare-Temporal baseline, and for the product worker without the codec (the comparison).
    const plainClient = new Client({ connection, namespace: 'default', dataConverter: projectDataConverter(null) });
    const workerEnv = {
      BENCH_TEMPORAL_ADDRESS: server.address,
      BENCH_DATA_DIR: dataDir,
      BENCH_TASK_QUEUE: 'bench-product',
      BENCH_BASELINE_QUEUE: 'bench-baseline',
      BENCH_PRODUCT_BUNDLE: productFile,
      BENCH_BASELINE_BUNDLE: baselineFile,
      BENCH_MAX_CACHED_WORKFLOWS: String(maxCachedWorkflows),
      BENCH_PAYLOAD_KEYS: formatPayloadKey(payloadKeys.current),
      BENCH_PLAIN_QUEUE: 'bench-product-plain',
    };
    const window = sendingWindowAt();
    const c: BenchContext = {
      client,
      baselineClient: plainClient,
      variant: '',
      store,
      dataDir,
      taskQueue: workerEnv.BENCH_TASK_QUEUE,
      baselineQueue: workerEnv.BENCH_BASELINE_QUEUE,
      quarter: quarterOf(new Date(), window.timeZone),
      window,
      productBundle,
      payloadKeys,
      worker: await startWorkerProcess(workerEnv),
      async restartWorker() {
        await c.worker.stop();
        c.worker = await startWorkerProcess(workerEnv);
        return c.worker;
      },
      cpu: () => ({ worker: cpuSeconds(c.worker.pid), server: cpuSeconds(serverPid) }),
      log,
    };
    ctx = c;
    results.sendingWindow = window;
    if (!window.sendsNow)
      log(
        'note: it is the weekend everywhere on Earth, so no request email may go out now; fan-out ends when every update has started and planned its chase',
      );

    log(`worker process ${c.worker.pid}: at most ${maxCachedWorkflows} workflows cached`);
    const fanOut: FanOutResult[] = [];
    for (const n of only.has('fan-out') ? plan.fanOut : []) {
      log(`cycle fan-out: ${n} projects`);
      const r = await benchFanOut(c, n);
      fanOut.push(r);
      log(
        `  product ${ms(r.productMs)}, baseline ${ms(r.baselineMs)}, ratio ${x(r.ratio)}, cycle history ${r.parentEvents} events`,
      );
      log(`  where the time goes: ${JSON.stringify(r.breakdown)}`);
      rows.push([
        `cycle fan-out, ${n} projects (${r.until})`,
        ms(r.productMs),
        ms(r.baselineMs),
        x(r.ratio),
        '<= 1.25x',
      ]);
    }
    results.fanOut = fanOut;

    if (only.has('round-trip')) {
      log(`submission round trip: 20 owners posting at once, ${plan.rounds} rounds; then the same posts back to back`);
      const rt = await benchRoundTrip(c, 20, plan.rounds);
      results.roundTrip = rt;
      if (rt.failures)
        rows.push([
          `submission round trip: posts without a receipt`,
          `${rt.failures}`,
          '',
          '',
          rt.firstFailure?.slice(0, 60) ?? '',
        ]);
      log(`  p50 ${ms(rt.productP50)} vs ${ms(rt.baselineP50)}, p99 ${ms(rt.productP99)} vs ${ms(rt.baselineP99)}`);
      log(
        `  report versions compiled during the run: ${rt.reportCompiles}; where the time goes: ${JSON.stringify(rt.breakdown)}`,
      );
      rows.push([
        'submission round trip p50, 20 at once (HTTP API vs executeUpdate)',
        ms(rt.productP50),
        ms(rt.baselineP50),
        x(rt.ratioP50),
        '<= 1.25x',
      ]);
      rows.push(['submission round trip p99', ms(rt.productP99), ms(rt.baselineP99), x(rt.ratioP99), '<= 1.25x']);
      rows.push([
        'trivial update + 1 no-op activity p50 (baseline side)',
        ms(rt.baselineWithActivityP50),
        ms(rt.baselineP50),
        x(rt.baselineWithActivityP50 / rt.baselineP50),
        '',
      ]);
      rows.push([
        'trivial update + 1 no-op local activity p50',
        ms(rt.baselineWithLocalActivityP50),
        ms(rt.baselineP50),
        x(rt.baselineWithLocalActivityP50 / rt.baselineP50),
        '',
      ]);
      rows.push([
        'submitUpdate by executeUpdate p50 (no HTTP API)',
        ms(rt.directP50),
        ms(rt.baselineP50),
        x(rt.directP50 / rt.baselineP50),
        '',
      ]);
      const loop = rt.backToBack;
      rows.push([
        'round trip back to back p50 (throughput-bound)',
        ms(loop.productP50),
        ms(loop.baselineP50),
        x(loop.ratioP50),
        '',
      ]);
      rows.push([
        'round trip back to back p99',
        ms(loop.productP99),
        ms(loop.baselineP99),
        x(loop.productP99 / loop.baselineP99),
        '',
      ]);
    }

    // The cost of the payload codec: the same sections on the product worker without it (plaintext payloads).
    if (only.has('fan-out') || only.has('round-trip')) {
      const plainCtx: BenchContext = {
        ...c,
        client: plainClient,
        taskQueue: workerEnv.BENCH_PLAIN_QUEUE,
        variant: '-plain',
      };
      const codec: Record<string, unknown> = {};
      if (only.has('fan-out')) {
        const n = plan.fanOut[0];
        log(`cycle fan-out without the payload codec: ${n} projects`);
        const withCodec = fanOut.find((f) => f.projects === n)!;
        const without = await benchFanOut(plainCtx, n);
        codec.fanOut = {
          projects: n,
          withCodecMs: withCodec.productMs,
          withoutCodecMs: without.productMs,
          ratio: withCodec.productMs / without.productMs,
        };
        rows.push([
          `payload codec cost: cycle fan-out, ${n} projects (with vs without)`,
          ms(withCodec.productMs),
          ms(without.productMs),
          x(withCodec.productMs / without.productMs),
          '',
        ]);
      }
      if (only.has('round-trip')) {
        log(`submission round trip without the payload codec: 20 owners, ${plan.rounds} rounds`);
        const withCodec = results.roundTrip as Awaited<ReturnType<typeof benchRoundTrip>>;
        const without = await benchRoundTrip(plainCtx, 20, plan.rounds);
        codec.roundTrip = {
          withCodecP50: withCodec.productP50,
          withoutCodecP50: without.productP50,
          ratioP50: withCodec.productP50 / without.productP50,
          withCodecP99: withCodec.productP99,
          withoutCodecP99: without.productP99,
        };
        rows.push([
          'payload codec cost: submission round trip p50 (with vs without)',
          ms(withCodec.productP50),
          ms(without.productP50),
          x(withCodec.productP50 / without.productP50),
          '',
        ]);
        rows.push([
          'payload codec cost: submission round trip p99 (with vs without)',
          ms(withCodec.productP99),
          ms(without.productP99),
          x(withCodec.productP99 / without.productP99),
          '',
        ]);
      }
      results.payloadCodec = codec;
    }

    // The same fan-out and round trip on a Temporal cluster (two nodes on PostgreSQL), next to the dev server's.
    if (only.has('cluster')) {
      const n = plan.fanOut[0];
      log('starting PostgreSQL and a Temporal cluster of two nodes (the first run builds the server with Go)');
      const onCluster = await startClusterBench(c, workerEnv, log);
      try {
        log(`cycle fan-out on the cluster: ${n} projects`);
        const devFanOut = fanOut.find((f) => f.projects === n)!;
        const clusterFanOut = await benchFanOut(onCluster.ctx, n);
        log(`  product ${ms(clusterFanOut.productMs)}, baseline ${ms(clusterFanOut.baselineMs)}`);
        log(`submission round trip on the cluster: 20 owners, ${plan.rounds} rounds`);
        const devRoundTrip = results.roundTrip as RoundTripResult;
        const clusterRoundTrip = await benchRoundTrip(onCluster.ctx, 20, plan.rounds);
        log(`  p50 ${ms(clusterRoundTrip.productP50)} vs ${ms(clusterRoundTrip.baselineP50)}`);
        results.cluster = {
          temporal: `${onCluster.cluster.version}, ${onCluster.cluster.nodes.length} nodes on PostgreSQL`,
          fanOut: clusterFanOut,
          roundTrip: clusterRoundTrip,
        };
        const where = `on the cluster vs the dev server`;
        rows.push(
          [
            `cycle fan-out, ${n} projects, ${where}`,
            ms(clusterFanOut.productMs),
            ms(devFanOut.productMs),
            x(clusterFanOut.productMs / devFanOut.productMs),
            '',
          ],
          [
            `bare fan-out (baseline), ${n} children, ${where}`,
            ms(clusterFanOut.baselineMs),
            ms(devFanOut.baselineMs),
            x(clusterFanOut.baselineMs / devFanOut.baselineMs),
            '',
          ],
          [
            `cycle fan-out, ${n} projects, on the cluster: product vs bare`,
            ms(clusterFanOut.productMs),
            ms(clusterFanOut.baselineMs),
            x(clusterFanOut.ratio),
            '<= 1.25x',
          ],
          [
            `submission round trip p50, ${where}`,
            ms(clusterRoundTrip.productP50),
            ms(devRoundTrip.productP50),
            x(clusterRoundTrip.productP50 / devRoundTrip.productP50),
            '',
          ],
          [
            `submission round trip p99, ${where}`,
            ms(clusterRoundTrip.productP99),
            ms(devRoundTrip.productP99),
            x(clusterRoundTrip.productP99 / devRoundTrip.productP99),
            '',
          ],
          [
            `bare executeUpdate p50 (baseline), ${where}`,
            ms(clusterRoundTrip.baselineP50),
            ms(devRoundTrip.baselineP50),
            x(clusterRoundTrip.baselineP50 / devRoundTrip.baselineP50),
            '',
          ],
          [
            `submission round trip p50, on the cluster: product vs bare`,
            ms(clusterRoundTrip.productP50),
            ms(clusterRoundTrip.baselineP50),
            x(clusterRoundTrip.ratioP50),
            '<= 1.25x',
          ],
        );
        if (clusterRoundTrip.failures)
          rows.push([
            `on the cluster: posts without a receipt`,
            `${clusterRoundTrip.failures}`,
            '',
            '',
            clusterRoundTrip.firstFailure?.slice(0, 60) ?? '',
          ]);
      } finally {
        await onCluster.stop();
      }
    }

    const [m, p] = plan.rest;
    if (only.has('pages')) {
      const { projects, rounds } = plan.pages;
      log(
        `pages: dashboard, cycle page, portfolio and cycle list, ${projects} projects with 8 past quarters, during a ${projects}-project fan-out`,
      );
      const p = await benchPages(c, projects, rounds);
      results.pages = p;
      log(`  ${JSON.stringify(p)}`);
      const during = `${projects} projects + 8 past quarters, during its fan-out`;
      rows.push([`dashboard p99, ${during}`, ms(p.dashboard.p99), '', '', '< 300 ms']);
      rows.push([
        `cycle page p99 vs the API's read of the cycle (waits for Temporal), ${during}`,
        ms(p.cyclePage.p99),
        ms(p.cycleApi.p99),
        x(p.cyclePage.p99 / p.cycleApi.p99),
        '< 300 ms',
      ]);
      rows.push([`portfolio page p99, ${during}`, ms(p.portfolio.p99), '', '', '']);
      rows.push([`cycle list (API) p99, ${during}`, ms(p.cycleList.p99), '', '', '']);
      rows.push([
        'live cycle read p99: one query vs one per unsettled project (before)',
        ms(p.cycleRead.p99),
        ms(p.perProjectRead.p99),
        x(p.cycleRead.p99 / p.perProjectRead.p99),
        '',
      ]);
    }

    if (only.has('scale')) {
      log(
        `scale at rest: ${m} mechanisms x ${p} projects${quick ? ' (scaled down by --quick; full run: 10 x 1,000)' : ''}`,
      );
      // Fan-out and round trip ran once more without the codec (the smallest fan-out size).
      const openBefore =
        fanOut.reduce((a, f) => a + f.projects, 0) +
        (only.has('fan-out') ? plan.fanOut[0] : 0) +
        (only.has('round-trip') ? 40 : 0);
      const scale = await benchScale(c, m, p, openBefore);
      results.scale = scale;
      log(`  ${JSON.stringify(scale)}`);
      log(
        `  opening: product ${ms(scale.openMs)}, baseline ${ms(scale.baselineOpenMs)}; cycle parents' workflow tasks timed out / failed / back on the normal queue: ${formatTrouble(scale.parentWorkflowTasks)} (bare parents ${formatTrouble(scale.baselineParentWorkflowTasks)})`,
      );
      rows.push([
        `opening ${m} x ${p} at once, every ${scale.until === 'requests-in-outbox' ? 'request out' : 'update started'}`,
        ms(scale.openMs),
        ms(scale.baselineOpenMs),
        x(scale.openMs / scale.baselineOpenMs),
        '<= 1.25x',
      ]);
      rows.push([
        `parents' workflow tasks during that opening: timed out / failed / back on the normal queue`,
        formatTrouble(scale.parentWorkflowTasks),
        formatTrouble(scale.baselineParentWorkflowTasks),
        '',
        '0 / 0 / 0',
      ]);
      rows.push([
        `worker RSS, ${scale.openProjectWorkflows} project workflows waiting`,
        `${scale.workerRssMiB.toFixed(0)} MiB`,
        `${scale.workerRssBeforeMiB.toFixed(0)} MiB (before)`,
        x(scale.workerRssMiB / scale.workerRssBeforeMiB),
        '< 1024 MiB',
      ]);
      rows.push([
        `worker RSS after a restart, same workflows waiting`,
        `${scale.workerRssAfterRestartMiB.toFixed(0)} MiB`,
        '',
        '',
        '< 1024 MiB',
      ]);
      rows.push([
        `first query after worker restart, ${p}-project cycle (${scale.replayedEvents} events)`,
        ms(scale.firstQueryAfterRestartMs),
        '',
        '',
        '',
      ]);
      rows.push([`runReplayHistory of that cycle`, ms(scale.replayMs), '', '', '']);
    }

    for (const s of history?.samples ?? []) {
      rows.push([`history, one update on the longest path`, `${s.updateEvents} events`, '', '', '']);
      rows.push([
        `history, cycle of ${s.projects} projects, all on the longest path`,
        `${s.cycleEvents} events`,
        '',
        '',
        '',
      ]);
    }
    if (history)
      rows.push([
        `history, cycle of 1,000 projects (extrapolated, ${history.eventsPerProjectInCycle.toFixed(1)}/project)`,
        `${history.cycleEventsAt1000} events`,
        `${HISTORY_WARNING_EVENTS} (warning)`,
        x(history.cycleEventsAt1000 / HISTORY_WARNING_EVENTS),
        `margin ${history.marginAt1000}`,
      ]);
    const fan1000 = fanOut.find((f) => f.projects === 1000);
    if (fan1000)
      rows.push([
        'history, 1,000-project cycle right after fan-out (measured)',
        `${fan1000.parentEvents} events`,
        `${HISTORY_WARNING_EVENTS}`,
        x(fan1000.parentEvents / HISTORY_WARNING_EVENTS),
        '',
      ]);

    if (only.has('email')) {
      log(`email throughput: ${plan.emails} messages`);
      const email = await runEmailBench({ messages: plan.emails });
      results.email = email;
      rows.push([
        `email throughput, ${email.messages} messages (msg/s)`,
        email.outboxRate.toFixed(0),
        `${email.bareRate.toFixed(0)} (bare nodemailer)`,
        x(email.ratio),
        '',
      ]);
    }

    if (only.has('documents')) {
      log(
        `documents: report for ${plan.documents.join(', ')} projects, LibreOffice converting its DOCX, render process start-up`,
      );
      const docs = await benchDocuments(plan.documents);
      results.documents = docs;
      for (const d of docs.renders) {
        const peak = `peak ${d.peakRssMiB} MiB`;
        const office = docs.libreOffice.find((l) => l.projects === d.projects)!;
        rows.push(
          d.format === 'pdf'
            ? [
                `report pdf, ${d.projects} projects (product vs LibreOffice docx->pdf)`,
                ms(d.ms),
                ms(office.libreOfficePdfMs),
                x(d.ms / office.libreOfficePdfMs),
                peak,
              ]
            : [`report ${d.format}, ${d.projects} projects`, ms(d.ms), '', '', peak],
        );
      }
      for (const l of docs.libreOffice)
        rows.push([`report docx+pdf compiled, ${l.projects} projects`, ms(l.compiledMs), '', '', '']);
      log(`  render process start-up, each: ${docs.renderStartupSamplesMs.map(ms).join(', ')}`);
      rows.push(['render process start-up (median)', ms(docs.renderStartupMs), '', '', '']);
    }

    if (only.has('capacity')) {
      const { result, lines } = capacity(
        history!,
        fanOut,
        results.roundTrip as Awaited<ReturnType<typeof benchRoundTrip>>,
      );
      results.capacity = result;
      for (const [figure, value] of lines) rows.push([figure, value, '', '', '']);
    }
  } catch (err) {
    // Said before the cleanup: a gRPC retry still pending when the connection closes can end the process first.
    console.error(err);
    throw err;
  } finally {
    await cleanup();
  }
  results.finishedAt = new Date().toISOString();
  results.seconds = (Date.now() - started) / 1000;
  printTable(rows);
  // A partial run (--only) leaves the last complete run's file alone.
  const out = path.join(
    __dirname,
    'results',
    only.size === SECTIONS.length ? 'latest.json' : `latest-${[...only].join('+')}.json`,
  );
  fs.writeFileSync(out, JSON.stringify({ ...results, table: rows }, null, 2));
  log(`done in ${(results.seconds as number).toFixed(0)} s; JSON in ${path.relative(process.cwd(), out)}`);
}

function printTable(rows: Row[]): void {
  const head: Row = ['figure', 'product', 'baseline', 'ratio', 'target'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: Row) => r.map((c, i) => c.padEnd(widths[i])).join(' | ');
  console.log(['', line(head), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line), ''].join('\n'));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
