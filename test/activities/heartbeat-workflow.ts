/** A workflow for test/activities/heartbeat.test.ts: one activity with a 2 s heartbeat timeout, tried once. */
import { proxyActivities } from '@temporalio/workflow';

const { quiet } = proxyActivities<{ quiet(ms: number): Promise<string> }>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '2 seconds',
  retry: { maximumAttempts: 1 },
});

export async function oneQuietActivity(ms: number): Promise<string> {
  return quiet(ms);
}
