/**
 * Workflow interceptors for workers on the Java time-skipping test server (bundled by `bundleWorkflows({ timeSkipping:
 * true })`): a timer is cancelled only while it cannot fire before the workflow task that cancels it completes.
 *
 * Why: the test server (1.32.1, sdk-java issues #2606 and #3088) refuses a CancelTimer command for a timer that fired
 * while the cancelling workflow task was in flight ("invalid history builder state for action"), and leaves that
 * task completed in memory but started in the history: the run never gets another task, and the task's time-skipping
 * lock is never released, so the server's clock only moves with the wall clock and `env.sleep` never returns. Our
 * cycles can meet that race at the collection cutoff: the last project update reports `missing` moments before the
 * cycle's own cutoff timer fires (40 ms in test/histories/cycle_cn-ls_2027-Q1.json), the cycle wakes and cancels that
 * timer, and under load its task takes longer than that. A real server drops the late fire, so production keeps it.
 *
 * A timer due within `NEAR_MS` of the cancel is left to fire: nobody awaits it any more, so the workflow sees the same
 * outcome, and the history gets a TimerFired instead of a TimerCanceled. The bound is safe because a completion is
 * only applied within the workflow task timeout (10 s) of the task's start, the workflow's `Date.now()`, and a timer
 * never fires before the due time computed here. Histories recorded for replay (test/histories) use the plain bundle.
 */
import {
  CancellationScope,
  type Next,
  type TimerInput,
  type WorkflowInterceptorsFactory,
  type WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';

/** A timer due sooner than this after the cancel is left to fire rather than cancelled. */
const NEAR_MS = 60_000;

class CancelOnlyDistantTimers implements WorkflowOutboundCallsInterceptor {
  startTimer(input: TimerInput, next: Next<WorkflowOutboundCallsInterceptor, 'startTimer'>): Promise<void> {
    const caller = CancellationScope.current();
    if (!caller.cancellable || caller.consideredCancelled) return next(input);
    const dueAt = Date.now() + input.durationMs;
    // The timer runs in a scope of its own, shielded from the caller's: only the handler below cancels it.
    let timerScope: CancellationScope | undefined;
    const fired = CancellationScope.nonCancellable(() => {
      timerScope = new CancellationScope({ cancellable: true });
      return timerScope.run(() => next(input));
    });
    return new Promise<void>((resolve, reject) => {
      fired.then(resolve, reject);
      caller.cancelRequested.catch((err: unknown) => {
        if (dueAt - Date.now() > NEAR_MS) timerScope?.cancel();
        reject(err);
      });
    });
  }
}

/** Registered through the bundle's `workflowInterceptorModules`. */
export const interceptors: WorkflowInterceptorsFactory = () => ({ outbound: [new CancelOnlyDistantTimers()] });
