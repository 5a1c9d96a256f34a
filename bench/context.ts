/** What every benchmark section gets from bench/run.ts: one dev server, one store, one worker process, one client. */
import type { Client } from '@temporalio/client';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Store } from '../src/store';
import type { PayloadKeyRing } from '../src/temporal/keys';
import type { SendingWindow } from './synthetic';
import type { WorkerHandle } from './worker-handle';

/** The shared stack of one run. */
export interface BenchContext {
  client: Client;
  store: Store;
  dataDir: string;
  taskQueue: string;
  baselineQueue: string;
  quarter: string;
  window: SendingWindow;
  productBundle: WorkflowBundleWithSourceMap;
  /** The keys the product's worker and `client` encrypt payloads with (a fresh key per run). */
  payloadKeys: PayloadKeyRing;
  worker: WorkerHandle;
  /** Replaces the worker process (scale at rest restarts it). */
  restartWorker(): Promise<WorkerHandle>;
  log(line: string): void;
}
