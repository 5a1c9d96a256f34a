/** A workflow for test/temporal/failure-encryption.test.ts: its activity fails, then it fails itself, naming both. */
import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';

const { refuse } = proxyActivities<{ refuse(address: string): Promise<void> }>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 1 },
});

export async function failsNamingAnAddress(address: string): Promise<void> {
  try {
    await refuse(address);
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    throw ApplicationFailure.nonRetryable(`the step for ${address} was not delivered`, 'NotDelivered');
  }
}
