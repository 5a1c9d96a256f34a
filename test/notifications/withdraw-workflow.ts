/**
 * A one-step workflow for the withdraw test: it sends one email step through the product's own `notify` (the retry
 * policy and the cancellation handling every workflow's emails have).
 */
import type { NotificationRequest } from '../../src/activities/types';
import { notify, type NotifyOutcome } from '../../src/workflows/activities';

/** Sends `request` through `notify`, as the cycle's and the updates' workflows do. */
export async function notifyOnce(request: NotificationRequest): Promise<NotifyOutcome> {
  return notify(request, []);
}
