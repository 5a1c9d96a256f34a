/**
 * Scale at rest: M mechanisms x P projects open at once (M x P project workflows waiting on timers). Times the opening
 * against M bare parents of P children each started at once on the same worker process, and counts what the cycles'
 * histories show of the worker losing a parent while its children started (bench/workflow-task-trouble.ts). Measures
 * the worker process's resident memory (VmRSS of bench/worker-process.ts, read from /proc), then restarts the worker and
 * times (a) the first query of a P-project cycle on the fresh worker (its whole history is fetched and replayed
 * there) and (b) `Worker.runReplayHistory` of the same history in this process.
 */
import { Worker } from '@temporalio/worker';
import { startCycle } from '../src/temporal/cycles';
import { cycleWorkflowId } from '../src/temporal/ids';
import { cycleState } from '../src/workflows/messages';
import { replayWorkerOptions } from '../src/workers/worker';
import type { BenchContext } from './context';
import { runBaselineFanOut } from './fan-out';
import { importSyntheticMechanism, openingEnd, untilOpened, type OpeningEnd } from './synthetic';
import { workflowTaskTrouble, type WorkflowTaskTrouble } from './workflow-task-trouble';

/** Memory and replay figures. */
export interface ScaleResult {
  mechanisms: number;
  projectsEach: number;
  /** Every project workflow open on the server when memory was read (including the other sections' cycles). */
  openProjectWorkflows: number;
  /** What "open" meant: every request email in the outbox, or (worldwide weekend) every update started and planned. */
  until: OpeningEnd;
  /** From the M `startCycle` calls until every update of every cycle was there. */
  openMs: number;
  /** M bare parents started at once, each starting P children that run one no-op activity, until all complete. */
  baselineOpenMs: number;
  /** Read from the M cycles' histories after the opening, before the worker restart (and the bare parents'). */
  parentWorkflowTasks: WorkflowTaskTrouble;
  baselineParentWorkflowTasks: WorkflowTaskTrouble;
  workerRssMiB: number;
  workerRssBeforeMiB: number;
  restartMs: number;
  firstQueryAfterRestartMs: number;
  replayMs: number;
  replayedEvents: number;
  /** RSS of the fresh worker after that first query: the waiting workflows are on the server, not in its memory. */
  workerRssAfterRestartMiB: number;
}

/** Opens the cycles, measures, restarts the worker and measures replay. */
export async function benchScale(
  ctx: BenchContext,
  mechanisms: number,
  projectsEach: number,
  openBefore: number,
): Promise<ScaleResult> {
  const rssBefore = await ctx.worker.rss();
  const ids = Array.from({ length: mechanisms }, (_, i) => `rest-${i}`);
  for (const id of ids) await importSyntheticMechanism(ctx.store, id, projectsEach, ctx.window);

  const doneWhen = openingEnd(ctx.window);
  let t0 = performance.now();
  await Promise.all(ids.map((id) => startCycle(ctx.client, id, ctx.quarter, { taskQueue: ctx.taskQueue })));
  for (const id of ids) {
    await untilOpened(ctx.store, id, projectsEach, doneWhen, 60 * 60_000);
    ctx.log(`  ${id}: ${projectsEach} updates waiting (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  const openMs = performance.now() - t0;
  // Every workflow is now parked on a timer; read memory twice a second apart and keep the larger reading.
  const first = await ctx.worker.rss();
  await new Promise((r) => setTimeout(r, 1000));
  const rss = Math.max(first, await ctx.worker.rss());

  const cycleIds = ids.map((id) => cycleWorkflowId(id, ctx.quarter));
  const histories = await Promise.all(cycleIds.map((id) => ctx.client.workflow.getHandle(id).fetchHistory()));
  const cycleId = cycleIds[0];
  const history = histories[0];
  let t = performance.now();
  await ctx.restartWorker();
  const restartMs = performance.now() - t;
  t = performance.now();
  const state = await ctx.client.workflow.getHandle(cycleId).query(cycleState);
  const firstQueryAfterRestartMs = performance.now() - t;
  const rssAfterRestart = await ctx.worker.rss();
  if (state.projects.length !== projectsEach)
    throw new Error(`the replayed cycle lists ${state.projects.length} projects, expected ${projectsEach}`);
  t = performance.now();
  await Worker.runReplayHistory(replayWorkerOptions(ctx.productBundle, ctx.payloadKeys), history, cycleId);
  const replayMs = performance.now() - t;
  // Bare Temporal: the same number of parents and children on the same server and worker process, after the
  // memory readings (its workflows would otherwise be counted in the product's RSS) and the replay figures.
  const baselineIds = ids.map((id) => `baseline-open-${id}`);
  t0 = performance.now();
  await Promise.all(baselineIds.map((id) => runBaselineFanOut(ctx, id, projectsEach, `${id}-child`)));
  const baselineOpenMs = performance.now() - t0;
  ctx.log(
    `  baseline: ${mechanisms} parents x ${projectsEach} children done (${(baselineOpenMs / 1000).toFixed(0)} s)`,
  );

  const baselineHistories = await Promise.all(
    baselineIds.map((id) => ctx.baselineClient.workflow.getHandle(id).fetchHistory()),
  );
  return {
    mechanisms,
    projectsEach,
    openProjectWorkflows: openBefore + mechanisms * projectsEach,
    until: doneWhen,
    openMs,
    baselineOpenMs,
    parentWorkflowTasks: workflowTaskTrouble(histories),
    baselineParentWorkflowTasks: workflowTaskTrouble(baselineHistories),
    workerRssMiB: rss / 2 ** 20,
    workerRssBeforeMiB: rssBefore / 2 ** 20,
    restartMs,
    firstQueryAfterRestartMs,
    replayMs,
    replayedEvents: history.events?.length ?? 0,
    workerRssAfterRestartMiB: rssAfterRestart / 2 ** 20,
  };
}
