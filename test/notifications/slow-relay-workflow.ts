/**
 * A one-step workflow for the slow-relay test: it sends one notification through the real `sendNotification` activity
 * with a start-to-close timeout shorter than the relay needs for 40 messages, so Temporal times out the first attempt
 * and retries while that attempt is still sending.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities, NotificationRequest } from '../../src/activities/types';

const { sendNotification } = proxyActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '10 seconds',
    nonRetryableErrorTypes: ['Undeliverable'],
  },
});

/** Sends `request` once, however many attempts that takes. */
export async function sendThroughSlowRelay(request: NotificationRequest): Promise<{ messageIds: string[] }> {
  const result = await sendNotification(request);
  return { messageIds: result.messageIds };
}
