/**
 * The activity proxies the workflows use, with explicit timeouts and retry policies, and `notify`, the one way a
 * workflow sends an email step. Sending never stops a cycle: a step that cannot be delivered is reported to the
 * secretariat and the workflow goes on.
 */
import {
  ApplicationFailure,
  ActivityFailure,
  CancellationScope,
  isCancellation,
  log,
  patched,
  proxyActivities,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { Activities, NotificationRequest } from '../activities/types';
import { HEARTBEAT_TIMEOUT } from '../temporal/heartbeat-timing';

/** Store writes: quick, retried until the database is back (they must not be lost). */
export const store = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  // Every activity heartbeats while it runs (src/activities/heartbeat.ts): one on a dead worker is retried at once.
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** Document generation: may take minutes for 1,000 projects; a broken template should not retry for ever. */
export const documents = proxyActivities<Activities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 20 },
});

// Transient SMTP failures retry with back-off for about a day; `Undeliverable` is permanent.
const mailOptions: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: {
    initialInterval: '30 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 hour',
    maximumAttempts: 30,
    nonRetryableErrorTypes: ['Undeliverable'],
  },
};
const mail = proxyActivities<Activities>(mailOptions);

/**
 * Withdrawing a given-up email step: database writes, which may wait up to 90 s for an attempt still sending
 * (WITHDRAW_PATIENCE_MS); retried until the database answers, like every store write.
 */
const withdrawalOptions: ActivityOptions = {
  startToCloseTimeout: '3 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
};
const withdrawal = proxyActivities<Activities>(withdrawalOptions);

type KindAndParams<R> = R extends { kind: unknown; params: unknown } ? Pick<R, 'kind' | 'params'> : never;
/** One email's kind with that kind's parameters: the compiler checks they belong together (src/notifications/request.ts). */
export type EmailContent = KindAndParams<NotificationRequest>;

/** What became of a step: `failed` when retries ran out (the secretariat was told if possible). */
export type NotifyOutcome = 'sent' | 'stored' | 'undeliverable' | 'failed';

/**
 * Sends one logical email step (exactly once thanks to the outbox key workflowId + step). Undeliverable
 * recipients are reported to the secretariat in a step of their own; nothing here throws.
 */
export async function notify(request: NotificationRequest, secretariatIds: string[]): Promise<NotifyOutcome> {
  let undeliverable: string[] = [];
  let outcome: NotifyOutcome;
  try {
    const result = await mail.sendNotification.executeWithOptions(
      { ...mailOptions, summary: `email ${request.kind} (${request.step})` },
      [request],
    );
    outcome = result.outcome;
    undeliverable = result.undeliverable ?? [];
  } catch (err) {
    if (isCancellation(err)) {
      // The step is given up (the cycle closed while the email waited for a retry): what it has not sent is withdrawn,
      // not left waiting in the outbox for ever. Workflows that were cancelled before this existed replay without it.
      if (patched('withdraw-given-up-emails'))
        await CancellationScope.nonCancellable(() =>
          withdrawal.withdrawNotification.executeWithOptions(
            { ...withdrawalOptions, summary: `withdraw email ${request.kind} (${request.step})` },
            [request],
          ),
        ).catch((failure: unknown) =>
          // Only a non-retryable failure ends up here; the cancellation goes on, and the rows stay as they were.
          log.warn('email step not withdrawn', { step: request.step, failure: String(failure) }),
        );
      throw err;
    }
    const cause = err instanceof ActivityFailure ? err.cause : err;
    outcome = cause instanceof ApplicationFailure && cause.type === 'Undeliverable' ? 'undeliverable' : 'failed';
    undeliverable = request.to;
    log.warn('email step not delivered', { step: request.step, kind: request.kind, outcome });
  }
  if (undeliverable.length > 0 && request.kind !== 'undeliverable' && secretariatIds.length > 0) {
    await notify(
      {
        ...request,
        step: `${request.step}:undeliverable`,
        kind: 'undeliverable',
        to: secretariatIds,
        params: { failedStep: request.step, failedKind: request.kind, recipients: undeliverable },
      },
      [],
    );
  }
  return outcome;
}
