/**
 * Heartbeats, so that Temporal notices a dead worker in seconds: every activity proxy of the workflows sets
 * `heartbeatTimeout: HEARTBEAT_TIMEOUT` (src/workflows/activities.ts), and every worker runs each activity with
 * `heartbeatWhileRunning` (src/workers/worker.ts), which heartbeats every HEARTBEAT_EVERY_MS for as long as the
 * activity runs (both constants in src/temporal/heartbeat-timing.ts). Without them, an activity on a killed worker
 * was retried only after its start-to-close timeout (2 minutes for an email, 15 for the report). An activity that
 * reports progress calls `heartbeat(details)`; the periodic heartbeat repeats the last details, so the progress
 * Temporal UI shows does not flicker. Long CPU-bound work (rendering documents) runs in a child process, so the
 * worker's event loop is free to heartbeat.
 */
import { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { HEARTBEAT_EVERY_MS } from '../temporal/heartbeat-timing';

const lastDetails = new WeakMap<Context, unknown>();

/** Heartbeats with progress details when running as an activity; a no-op when called directly (CLI, scripts, tests). */
export function heartbeat(details: unknown): void {
  let context: Context;
  try {
    context = Context.current();
  } catch {
    return;
  }
  lastDetails.set(context, details);
  context.heartbeat(details);
}

/**
 * The worker's activity interceptor: while an activity with a heartbeat timeout runs, a heartbeat every
 * HEARTBEAT_EVERY_MS, or every quarter of its timeout when that is shorter.
 */
export const heartbeatWhileRunning: ActivityInterceptorsFactory = (context) => ({
  inbound: {
    async execute(input, next) {
      const timeoutMs = context.info.heartbeatTimeoutMs;
      if (!timeoutMs) return next(input);
      const every = Math.min(HEARTBEAT_EVERY_MS, Math.max(50, Math.floor(timeoutMs / 4)));
      const timer = setInterval(() => context.heartbeat(lastDetails.get(context)), every);
      try {
        return await next(input);
      } finally {
        clearInterval(timer);
      }
    },
  },
});
