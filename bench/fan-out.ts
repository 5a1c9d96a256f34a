/**
 * Cycle fan-out: open a cycle for N projects and time until every request email is in the outbox, against a bare
 * parent that starts N children each running one no-op activity, on the same server and worker process.
 */
import { startCycle } from '../src/temporal/cycles';
import { cycleWorkflowId, updateWorkflowId } from '../src/temporal/ids';
import { childTimeline, parentSpan, type ChildTimeline } from './child-timeline';
import type { BenchContext } from './context';
import { cpuSpentUntilQuiet, type CpuSample } from './cpu';
import { historyBytes } from './history';
import { importSyntheticMechanism, openingEnd, untilOpened, type OpeningEnd } from './synthetic';

/** One fan-out measurement. */
export interface FanOutResult {
  projects: number;
  /** What "done" meant: every request email in the outbox, or (worldwide weekend) every update started and planned. */
  until: OpeningEnd;
  productMs: number;
  baselineMs: number;
  ratio: number;
  /** Events in the cycle's history when the fan-out was done. */
  parentEvents: number;
  parentBytes: number;
  /** Mean events and bytes (`historyBytes`) of a project's update when the fan-out was done (the sampled children). */
  childEvents: number;
  childBytes: number;
  /**
   * CPU seconds the worker process and the Temporal dev server spent from `startCycle` until both were quiet again
   * after the fan-out (what the updates do after their request included).
   */
  cpu: CpuSample;
  /** Where the time went, from the histories: a sample of children each side, and both parents. */
  breakdown: {
    productChild: ChildTimeline;
    baselineChild: ChildTimeline;
    productParent: ReturnType<typeof parentSpan>;
    baselineParent: ReturnType<typeof parentSpan>;
  };
}

/** At most 100 child histories per side, spread evenly over the batches. */
const sample = (n: number) =>
  Array.from({ length: Math.min(n, 100) }, (_, i) => Math.floor((i * n) / Math.min(n, 100)));

/** The mechanism id of the N-project fan-out cycle (scale at rest reuses the largest). */
export const fanOutMechanism = (n: number) => `fan-${n}`;

/** Runs one bare parent on the baseline queue: it starts `n` children named `<childPrefix>-<i>` and waits for them. */
export function runBaselineFanOut(
  ctx: BenchContext,
  workflowId: string,
  n: number,
  childPrefix: string,
): Promise<number> {
  return ctx.baselineClient.workflow.execute('baselineFanOut', {
    taskQueue: ctx.baselineQueue,
    workflowId,
    args: [{ n, prefix: childPrefix }],
  });
}

/** Runs the bare baseline then the product for `n` projects. */
export async function benchFanOut(ctx: BenchContext, n: number): Promise<FanOutResult> {
  const mechanismId = `${fanOutMechanism(n)}${ctx.variant}`;
  await importSyntheticMechanism(ctx.store, mechanismId, n, ctx.window);

  let t0 = performance.now();
  await runBaselineFanOut(ctx, `baseline-fan-out-${n}${ctx.variant}`, n, `baseline-child-${n}`);
  const baselineMs = performance.now() - t0;

  const doneWhen = openingEnd(ctx.window);
  const cpuBefore = ctx.cpu();
  t0 = performance.now();
  await startCycle(ctx.client, mechanismId, ctx.quarter, { taskQueue: ctx.taskQueue });
  await untilOpened(ctx.store, mechanismId, n, doneWhen, 30 * 60_000);
  const productMs = performance.now() - t0;
  const cpu = await cpuSpentUntilQuiet(ctx.cpu, cpuBefore);
  const history = await ctx.client.workflow.getHandle(cycleWorkflowId(mechanismId, ctx.quarter)).fetchHistory();
  const parentEvents = history.events?.length ?? 0;
  const fetch = (ids: string[]) => Promise.all(ids.map((id) => ctx.client.workflow.getHandle(id).fetchHistory()));
  const children = await fetch(sample(n).map((i) => updateWorkflowId(mechanismId, ctx.quarter, `project-${i}`)));
  const mean = (f: (h: (typeof children)[number]) => number) =>
    children.reduce((sum, h) => sum + f(h), 0) / children.length;
  const breakdown = {
    productChild: childTimeline(children),
    baselineChild: childTimeline(await fetch(sample(n).map((i) => `baseline-child-${n}-${i}`))),
    productParent: parentSpan(history),
    baselineParent: parentSpan(
      await ctx.baselineClient.workflow.getHandle(`baseline-fan-out-${n}${ctx.variant}`).fetchHistory(),
    ),
  };
  return {
    projects: n,
    until: doneWhen,
    productMs,
    baselineMs,
    ratio: productMs / baselineMs,
    parentEvents,
    parentBytes: historyBytes(history),
    childEvents: mean((h) => h.events?.length ?? 0),
    childBytes: mean(historyBytes),
    cpu,
    breakdown,
  };
}
