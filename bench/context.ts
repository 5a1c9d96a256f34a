/** What every benchmark section gets from bench/run.ts: one dev server, one store, one worker process, one client. */
import type { Client } from '@temporalio/client';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Store } from '../src/store';
import type { PayloadKeyRing } from '../src/temporal/keys';
import type { CpuSample } from './cpu';
import type { SendingWindow } from './synthetic';
import type { WorkerHandle } from './worker-handle';

/** The shared stack of one run. */
export interface BenchContext {
  /** The product's client: it encrypts payloads with `payloadKeys`, as production's does (or not, in the no-codec run). */
  client: Client;
  /** A plaintext client for the bare-Temporal baseline workflows (they have no codec). */
  baselineClient: Client;
  /** Appended to the ids of what a section creates, so a section can run twice (with and without the codec). */
  variant: string;
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
  /** CPU seconds the worker process and the Temporal dev server have used so far (bench/cpu.ts). */
  cpu: () => CpuSample;
  /** Replaces the worker process (scale at rest restarts it). */
  restartWorker(): Promise<WorkerHandle>;
  log(line: string): void;
}
