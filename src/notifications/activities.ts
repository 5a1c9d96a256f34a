import { ApplicationFailure } from '@temporalio/common';
import { heartbeat } from '../activities/heartbeat';
import { TransientDeliveryError } from './errors';
import type { Notifier } from './notifier';
import type { NotificationRequest, NotificationResult } from './request';

/**
 * The `sendNotification` activity (contract: src/activities/types.ts). Retry semantics, explicitly:
 * - a transient SMTP failure (4xx, connection refused/reset, lost after DATA) fails the activity with a
 *   retryable `TransientDelivery` failure: Temporal retries with the workflow's back-off, and the outbox
 *   makes the retry resend only what was not accepted, with the same Message-ID;
 * - recipients with permanent failures (5xx, invalid address) are reported in `undeliverable` and the
 *   activity succeeds for the others; the workflow tells the secretariat and goes on;
 * - when no recipient at all can be written to, the activity fails with the non-retryable `Undeliverable`
 *   failure the workflow's retry policy lists in `nonRetryableErrorTypes`.
 */
export function createNotificationActivities(notifier: Notifier) {
  return {
    async sendNotification(input: NotificationRequest): Promise<NotificationResult> {
      let result: NotificationResult;
      try {
        // Heartbeats carry the progress of a long fan-out (40 invitations through a slow relay) to Temporal.
        result = await notifier.send(input, { progress: (done, total) => heartbeat({ done, total }) });
      } catch (err) {
        if (err instanceof TransientDeliveryError) throw ApplicationFailure.retryable(err.message, 'TransientDelivery');
        throw err; // anything else (database down, unknown mechanism) is retried by Temporal's default policy
      }
      if (result.outcome === 'undeliverable') {
        throw ApplicationFailure.nonRetryable(
          `undeliverable to ${(result.undeliverable ?? []).join(', ')}`,
          'Undeliverable',
          result,
        );
      }
      return result;
    },
    /** The `withdrawNotification` activity: see Notifier.withdraw. */
    async withdrawNotification(input: NotificationRequest): Promise<{ withdrawn: number }> {
      return notifier.withdraw(input);
    },
  };
}
