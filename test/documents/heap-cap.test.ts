/**
 * The worker runs with a capped heap (src/workers/heap.ts). A 1,000-project report in DOCX needs more than that
 * cap: rendered on the worker's own heap it aborted the process. The activities render in a child process with a heap of
 * its own (src/documents/render-process.ts); this compiles such a report in a process capped like the worker.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WORKER_HEAP_MB, workerHeapFlag } from '../../src/workers/heap';

it(`compiles the report of a 1,000-project cycle in a worker whose heap is capped at ${WORKER_HEAP_MB} MiB`, () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'heap-cap-'));
  try {
    const run = spawnSync(
      process.execPath,
      [
        workerHeapFlag(),
        '-r',
        'ts-node/register/transpile-only',
        path.join(__dirname, 'processes', 'compile-report.ts'),
        dataDir,
        '1000',
      ],
      { encoding: 'utf8', env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' }, timeout: 240_000 },
    );
    expect({ status: run.status, signal: run.signal, stderr: run.stderr.slice(-500) }).toEqual({
      status: 0,
      signal: null,
      stderr: '',
    });
    const ids = JSON.parse(run.stdout.trim()) as string[];
    expect(ids.map((id) => id.split('.').pop())).toEqual(['docx', 'pdf', 'html']);
    const archived = fs.readdirSync(dataDir, { recursive: true }).map(String);
    expect(archived.filter((f) => /report\.(docx|pdf|html)$/.test(f))).toHaveLength(3);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}, 300_000);
