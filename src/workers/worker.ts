/**
 * createWorker: the one way this project builds a Temporal worker, so production (src/workers/main.ts) and tests
 * register the same workflows with the same options.
 */
import {
  NativeConnection,
  Worker,
  type ReplayWorkerOptions,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { heartbeatWhileRunning } from '../activities/heartbeat';
import type { Activities } from '../activities/types';
import { projectDataConverter } from '../temporal/codec';
import { HEARTBEAT_EVERY_MS } from '../temporal/heartbeat-timing';
import type { PayloadKeyRing } from '../temporal/keys';

/** Everything a worker needs: where to connect, which queue to serve, and the activity implementations. */
export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  /**
   * The payload keys (required, so no worker can be built without encryption by omission); `null` means plaintext
   * and is only for the benchmark's with/without-codec comparison.
   */
  payloadKeys: PayloadKeyRing | null;
  /** A prebuilt bundle (tests build it once per file); otherwise the workflows are bundled from source. */
  workflowBundle?: WorkflowBundleWithSourceMap;
  /** Limits for a shared 2-core machine; production may raise them. */
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
  /** 0 disables the workflow cache (and sticky task queues): every task replays the history. */
  maxCachedWorkflows?: number;
}

/** A worker serving every workflow of the quarterly cycle and the given activities (not yet running). */
export function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    dataConverter: projectDataConverter(options.payloadKeys),
    activities: options.activities,
    // Every activity heartbeats while it runs, and each heartbeat reaches Temporal (the SDK would otherwise send one
    // per 80% of the timeout, leaving one late heartbeat between a live activity and its timeout): a killed worker's
    // activities time out HEARTBEAT_TIMEOUT after their last heartbeat, then retry on another worker.
    interceptors: { activity: [heartbeatWhileRunning] },
    maxHeartbeatThrottleInterval: HEARTBEAT_EVERY_MS,
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: require.resolve('../workflows') }),
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions ?? 50,
    maxConcurrentWorkflowTaskExecutions: options.maxConcurrentWorkflowTaskExecutions ?? 20,
    ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
  });
}

/** Options to replay recorded histories with the workflows of `workflowBundle`, decrypting with `payloadKeys`. */
export function replayWorkerOptions(
  workflowBundle: WorkflowBundleWithSourceMap,
  payloadKeys: PayloadKeyRing,
): ReplayWorkerOptions {
  return { workflowBundle, dataConverter: projectDataConverter(payloadKeys) };
}
