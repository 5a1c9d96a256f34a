/**
 * Runs async message handlers one at a time, in the order they were accepted, so that each sees what the one before
 * it did (the SDK runs a handler as soon as its update is accepted, even while another one awaits an activity).
 *
 * Why not a library mutex (`async-mutex`): its `runExclusive` always waits a promise turn before starting, while a
 * handler here starts at once when nothing else runs. The commands a lone handler issues therefore come in the
 * same order as before it was serialised, and recorded histories replay unchanged.
 */
export interface Serial {
  /** Runs `work` after every earlier `work` has finished (at once, synchronously up to its first await, when idle). */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** True while some work runs or waits. */
  busy(): boolean;
}

/** A new, idle queue; one per workflow run. */
export function serial(): Serial {
  let running = false;
  const waiting: (() => void)[] = [];
  return {
    async run<T>(work: () => Promise<T>): Promise<T> {
      if (running) await new Promise<void>((resolve) => waiting.push(resolve));
      running = true;
      try {
        return await work();
      } finally {
        const next = waiting.shift();
        if (next) next();
        else running = false;
      }
    },
    busy: () => running,
  };
}
