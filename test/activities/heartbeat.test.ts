/**
 * Every worker heartbeats for its running activities (src/activities/heartbeat.ts), so activities can have a short
 * heartbeat timeout (a dead worker is noticed in seconds) without heartbeating themselves. On a real dev server: an
 * activity that runs 5 s without a heartbeat of its own, under a 2 s heartbeat timeout (a heartbeat every 500 ms, each
 * sent: `maxHeartbeatThrottleInterval` as production's worker sets it to the heartbeat's period).
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { WorkflowFailedError } from '@temporalio/client';
import { heartbeatWhileRunning } from '../../src/activities/heartbeat';
import { projectDataConverter } from '../../src/temporal/codec';
import { testPayloadKeys } from '../helpers/payload-keys';
import { bundleWorkflows, createLocalEnv, uniqueTaskQueue } from '../helpers/temporal';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  [env, bundle] = await Promise.all([
    createLocalEnv(),
    bundleWorkflows({ workflowsPath: require.resolve('./heartbeat-workflow') }),
  ]);
}, 120_000);
afterAll(async () => {
  await env?.teardown();
});

/** Runs the workflow on a worker with or without the interceptor; resolves to its result or its failure's cause. */
async function runQuietActivity(withHeartbeats: boolean): Promise<string> {
  const taskQueue = uniqueTaskQueue('heartbeat');
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    // The environment's client encrypts payloads, as every client of the project does.
    dataConverter: projectDataConverter(testPayloadKeys),
    activities: { quiet: (ms: number) => new Promise<string>((r) => setTimeout(() => r(`quiet for ${ms} ms`), ms)) },
    maxHeartbeatThrottleInterval: 500,
    ...(withHeartbeats && { interceptors: { activity: [heartbeatWhileRunning] } }),
  });
  return worker.runUntil(
    env.client.workflow
      .execute('oneQuietActivity', { taskQueue, workflowId: taskQueue, args: [5000] })
      .catch((err: unknown) => {
        if (err instanceof WorkflowFailedError) {
          const failure = err.cause as (Error & { cause?: Error }) | undefined;
          return `failed: ${failure?.cause?.message ?? failure?.message}`;
        }
        throw err;
      }),
  );
}

it('keeps a running activity alive under a heartbeat timeout shorter than its run', async () => {
  await expect(runQuietActivity(true)).resolves.toBe('quiet for 5000 ms');
}, 60_000);

it('lets the same activity time out without the interceptor (what tells Temporal a worker died)', async () => {
  await expect(runQuietActivity(false)).resolves.toMatch(/^failed: .*heartbeat/i);
}, 60_000);
