/**
 * What a command does after it has answered (issue 15): a command's update handler validates, changes the state and
 * answers; its emails, documents and store writes are queued here and run one after another, in the order the
 * commands were accepted, so no HTTP request or `coord` command waits on SMTP, a renderer or a retried activity.
 * Not cancellable: what was accepted just before a workflow is cancelled still goes out.
 */
import { CancellationScope, log } from '@temporalio/workflow';

/** One queued effect as the status shows it. */
export interface FollowUp {
  /** The step it serves (`invitation-s2`, `extension-granted-1`): emails of that step carry the same name. */
  step: string;
  state: 'waiting' | 'running' | 'failed';
  /** Why it failed for good (its activity's retries are exhausted or the error is not retryable). */
  reason?: string;
}

/** Effects of accepted commands, run in order of acceptance. */
export interface AfterAnswer {
  /** Queues `effect` for `step`; it starts at once when nothing is running (synchronously up to its first await). */
  add(step: string, effect: () => Promise<unknown>): void;
  /** True when nothing is queued or running: the workflow waits for it before it returns. */
  idle(): boolean;
  /** What is waiting, running, or failed for good, oldest first (done effects are dropped). */
  list(): FollowUp[];
}

/** Failed effects kept for the status: the last few are enough to tell the secretariat what to look at. */
const KEEP_FAILED = 10;

/**
 * A queue of effects. An effect that fails for good is kept (with its reason) for the status and logged, and the
 * next one runs: one undeliverable invitation must not hold the minutes or the next command back.
 */
export function afterAnswer(): AfterAnswer {
  const queue: { step: string; effect: () => Promise<unknown> }[] = [];
  let running = false;
  let failed: FollowUp[] = [];
  const drain = () =>
    CancellationScope.nonCancellable(async () => {
      while (queue.length > 0) {
        const { step, effect } = queue[0];
        running = true;
        try {
          await effect();
        } catch (err) {
          const reason = reasonOf(err);
          log.warn('a step after an accepted command failed for good; the workflow goes on', { step, reason });
          failed = [...failed, { step, state: 'failed' as const, reason }].slice(-KEEP_FAILED);
        }
        queue.shift();
        running = false;
      }
    });
  return {
    add(step, effect) {
      queue.push({ step, effect });
      if (queue.length === 1) void drain();
    },
    idle: () => queue.length === 0,
    list: () => [
      ...failed,
      ...queue.map(({ step }, i) => ({
        step,
        state: i === 0 && running ? ('running' as const) : ('waiting' as const),
      })),
    ],
  };
}

/** An activity failure's own reason (its cause), else the error's message. */
function reasonOf(err: unknown): string {
  const e = err as { message?: string; cause?: { message?: string } } | undefined;
  return e?.cause?.message ?? e?.message ?? String(err);
}
