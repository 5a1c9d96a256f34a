/**
 * A CycleGateway that times every call of the one it wraps, so the round trip can say how much of an HTTP
 * submission is the cycle lookup (`cycleState`: describe + queries) and how much the update itself (`send`).
 */
import type { CycleGateway } from '../src/api/cycle-gateway';

/** The wrapped gateway and the durations (ms) it saw, by method name; `reset()` forgets them (after a warm-up). */
export function timedGateway(inner: CycleGateway): {
  gateway: CycleGateway;
  samples: Record<string, number[]>;
  reset(): void;
} {
  const samples: Record<string, number[]> = {};
  const gateway = Object.fromEntries(
    Object.entries(inner).map(([name, fn]) => [
      name,
      async (...args: unknown[]) => {
        const t0 = performance.now();
        try {
          return await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
        } finally {
          (samples[name] ??= []).push(performance.now() - t0);
        }
      },
    ]),
  ) as unknown as CycleGateway;
  // workflowUiUrl is synchronous: keep the original.
  gateway.workflowUiUrl = inner.workflowUiUrl;
  return {
    gateway,
    samples,
    reset: () => {
      for (const k of Object.keys(samples)) delete samples[k];
    },
  };
}
