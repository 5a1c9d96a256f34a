/**
 * The worker under measurement, in a process of its own so that its resident memory (VmRSS) is the worker's alone:
 * the product's worker (real activities over the SQLite store, mail kept in the outbox) and the baseline worker
 * (bench/baseline-workflows.ts, one no-op activity) on the same connection. Driven by bench/worker-handle.ts over IPC.
 */
import fs from 'node:fs';
import { NativeConnection, Runtime, DefaultLogger, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../src/activities';
import { openStore } from '../src/store';
import { parsePayloadKeys } from '../src/temporal/keys';
import { createWorker } from '../src/workers/worker';

/** What the parent passes in the environment. */
export interface WorkerProcessEnv {
  BENCH_TEMPORAL_ADDRESS: string;
  BENCH_DATA_DIR: string;
  BENCH_TASK_QUEUE: string;
  BENCH_BASELINE_QUEUE: string;
  BENCH_PRODUCT_BUNDLE: string;
  BENCH_BASELINE_BUNDLE: string;
  /** The worker's workflow cache limit: production's WORKER_MAX_CACHED_WORKFLOWS (src/config.ts) unless overridden. */
  BENCH_MAX_CACHED_WORKFLOWS: string;
  /** COORD_PAYLOAD_KEYS of the product's worker (production encrypts payloads). */
  BENCH_PAYLOAD_KEYS: string;
  /** A queue for a second product worker without the codec (plaintext payloads), for the with/without comparison. */
  BENCH_PLAIN_QUEUE: string;
}

/** Resident set size of this process in bytes, from /proc (falls back to process.memoryUsage). */
export function residentBytes(pid: number | 'self' = 'self'): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux: below
  }
  return process.memoryUsage().rss;
}

const readBundle = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as WorkflowBundleWithSourceMap;

async function main(): Promise<void> {
  const env = process.env as unknown as WorkerProcessEnv;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const store = await openStore({ dataDir: env.BENCH_DATA_DIR });
  const connection = await NativeConnection.connect({ address: env.BENCH_TEMPORAL_ADDRESS });
  const maxCachedWorkflows = Number(env.BENCH_MAX_CACHED_WORKFLOWS);
  const product = await createWorker({
    payloadKeys: parsePayloadKeys(env.BENCH_PAYLOAD_KEYS),
    connection,
    maxCachedWorkflows,
    namespace: 'default',
    taskQueue: env.BENCH_TASK_QUEUE,
    activities: createActivities({
      store,
      dataDir: env.BENCH_DATA_DIR,
      publicUrl: 'http://127.0.0.1:3000',
      mailFrom: 'secretariat@example.org',
    }),
    workflowBundle: readBundle(env.BENCH_PRODUCT_BUNDLE),
  });
  // The same product worker without the codec: only payload encryption differs from `product`.
  const plain = await createWorker({
    payloadKeys: null,
    connection,
    maxCachedWorkflows,
    namespace: 'default',
    taskQueue: env.BENCH_PLAIN_QUEUE,
    activities: createActivities({
      store,
      dataDir: env.BENCH_DATA_DIR,
      publicUrl: 'http://127.0.0.1:3000',
      mailFrom: 'secretariat@example.org',
    }),
    workflowBundle: readBundle(env.BENCH_PRODUCT_BUNDLE),
  });
  // Bare Temporal, the reference of every ratio: no project code at all, hence no payload codec either.
  const baseline = await Worker.create({
    connection,
    namespace: 'default',
    taskQueue: env.BENCH_BASELINE_QUEUE,
    activities: { noop: async () => undefined },
    workflowBundle: readBundle(env.BENCH_BASELINE_BUNDLE),
    // The same limits as the product's worker (src/workers/worker.ts), so only the workflow logic differs.
    maxConcurrentActivityTaskExecutions: 50,
    maxConcurrentWorkflowTaskExecutions: 20,
    maxCachedWorkflows,
  });
  const stop = () => {
    product.shutdown();
    plain.shutdown();
    baseline.shutdown();
  };
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
  process.on('message', (m: { type: string }) => {
    if (m.type === 'rss') process.send?.({ type: 'rss', bytes: residentBytes() });
  });
  const running = Promise.all([product.run(), plain.run(), baseline.run()]);
  process.send?.({ type: 'ready' });
  await running;
  await connection.close();
  await store.close();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
