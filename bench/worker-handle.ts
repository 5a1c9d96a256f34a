/** Starts and stops bench/worker-process.ts and asks it for its resident memory. */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { WORKER_HEAP_MB, workerHeapFlag } from '../src/workers/heap';
import type { WorkerProcessEnv } from './worker-process';

/** A running worker process. */
export interface WorkerHandle {
  pid: number;
  /** Its VmRSS in bytes, read by the worker process itself. */
  rss(): Promise<number>;
  /** Graceful shutdown (SIGTERM, drain), SIGKILL after 30 s. */
  stop(): Promise<void>;
}

/** Forks the worker process and resolves once both workers are polling (2-minute bound). */
export function startWorkerProcess(env: WorkerProcessEnv): Promise<WorkerHandle> {
  const heapMb =
    process.env.BENCH_WORKER_HEAP_MB !== undefined ? Number(process.env.BENCH_WORKER_HEAP_MB) : WORKER_HEAP_MB;
  const child: ChildProcess = fork(path.join(__dirname, 'worker-process.ts'), [], {
    // BENCH_CPU_PROF=<dir>: the worker writes a V8 CPU profile there when it exits (open it in Chrome DevTools).
    // The worker's V8 heap is capped as in production (src/workers/heap.ts); BENCH_WORKER_HEAP_MB=<n> tries another
    // cap (BENCH_WORKER_HEAP_MB=0: none, to see how far V8's lazy collector lets the heap grow).
    execArgv: [
      '-r',
      'ts-node/register/transpile-only',
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : []),
      ...(heapMb > 0 ? [workerHeapFlag(heapMb)] : []),
    ],
    env: { ...process.env, ...env, TS_NODE_TRANSPILE_ONLY: 'true' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const handle: WorkerHandle = {
    pid: child.pid as number,
    rss: () =>
      new Promise((resolve) => {
        const on = (m: { type: string; bytes: number }) => {
          if (m.type !== 'rss') return;
          child.off('message', on);
          resolve(m.bytes);
        };
        child.on('message', on);
        child.send({ type: 'rss' });
      }),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the worker process did not become ready within 2 minutes'));
    }, 120_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the worker process exited before it was ready (code ${code})`));
    });
    child.on('message', (m: { type: string }) => {
      if (m.type === 'ready') {
        clearTimeout(timer);
        resolve(handle);
      }
    });
  });
}
