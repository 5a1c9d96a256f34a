/**
 * The worker's V8 heap cap (`--max-old-space-size`), the same for `npm start`, the compose file and the benchmark.
 * Resident memory follows the heap, which V8 lets grow lazily far beyond what waiting workflows need; capped, the
 * worker stays under 1 GiB with 10,000 project updates waiting (docs/benchmarks.md).
 */
export const WORKER_HEAP_MB = 640;

/** The node flag that applies it. */
export const workerHeapFlag = (mb: number = WORKER_HEAP_MB) => `--max-old-space-size=${mb}`;
