/**
 * Bare-Temporal baselines, bundled separately from the product's workflows: what the same server and SDK cost with
 * none of the product's logic, so every product figure can be read as a ratio against them.
 */
import {
  condition,
  defineSignal,
  defineUpdate,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  startChild,
} from '@temporalio/workflow';

const { noop } = proxyActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: '1 minute' });
const local = proxyLocalActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: '1 minute' });

/** How many children the baseline parent starts at once (the product's START_BATCH). */
export const BASELINE_BATCH = 50;

/** The trivial update the round-trip baseline calls: returns at once. */
export const ping = defineUpdate<{ at: number }, [number]>('ping');
/** The same update, but its handler first runs the no-op activity: what one activity round trip adds to an update. */
export const pingActivity = defineUpdate<{ at: number }, [number]>('pingActivity');
/** The same with the no-op as a local activity (run inside the workflow task, no extra round trip to the server). */
export const pingLocalActivity = defineUpdate<{ at: number }, [number]>('pingLocalActivity');
/** Ends the trivial workflow. */
export const finish = defineSignal('finish');

/** A child that runs one no-op activity and completes. */
export async function baselineChild(): Promise<void> {
  await noop();
}

/** Starts `n` children in batches (as the product's cycle does) and completes once they have all completed. */
export async function baselineFanOut(input: { n: number; prefix: string }): Promise<number> {
  const running: Promise<void>[] = [];
  for (let i = 0; i < input.n; i += BASELINE_BATCH) {
    const handles = await Promise.all(
      Array.from({ length: Math.min(BASELINE_BATCH, input.n - i) }, (_, j) =>
        startChild(baselineChild, { workflowId: `${input.prefix}-${i + j}` }),
      ),
    );
    running.push(...handles.map((h) => h.result()));
  }
  await Promise.all(running);
  return input.n;
}

/** A workflow whose only job is to answer `ping` updates until told to finish. */
export async function trivialUpdates(): Promise<void> {
  let done = false;
  setHandler(ping, (at) => ({ at }));
  setHandler(pingActivity, async (at) => {
    await noop();
    return { at };
  });
  setHandler(pingLocalActivity, async (at) => {
    await local.noop();
    return { at };
  });
  setHandler(finish, () => void (done = true));
  await condition(() => done);
}
