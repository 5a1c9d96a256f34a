/**
 * Renders documents in a child process of their own (`render-job.ts`), for the activities. Two reasons, both
 * measured (docs/benchmarks.md): a 1,000-project report in DOCX needs more heap than the worker's cap (rendered on
 * the worker's heap it aborted the process at 640 MiB; a thread would not do, the cap applies to every thread of
 * the process), so rendering gets a heap of its own, returned when it exits; and rendering is CPU-bound and partly
 * synchronous (the chart is rasterised synchronously), so in the worker it stalled every workflow task and
 * activity of the process.
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import type { DocumentFormat, DocumentModel } from './model';

/** Heap cap of the rendering process: a 1,000-project DOCX peaks near 1 GiB. */
const RENDER_HEAP_MB = 2048;

/** What the rendering process is given. */
export interface RenderJob {
  model: DocumentModel;
  formats: DocumentFormat[];
}

/** The document in each format, in order, rendered in a new process. */
export function renderInChildProcess(model: DocumentModel, formats: DocumentFormat[]): Promise<Buffer[]> {
  // Under ts-node (npm start, tests) the job is TypeScript: the child registers ts-node as this process did.
  const typescript = __filename.endsWith('.ts');
  const child = fork(path.join(__dirname, `render-job.${typescript ? 'ts' : 'js'}`), [], {
    execArgv: [
      `--max-old-space-size=${RENDER_HEAP_MB}`,
      ...(typescript ? ['-r', 'ts-node/register/transpile-only'] : []),
    ],
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let answer: { files?: Uint8Array[]; error?: string } | undefined;
    child.once('message', (m) => {
      answer = m as typeof answer;
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (answer?.files) resolve(answer.files.map((f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength)));
      else
        reject(
          new Error(
            answer?.error ??
              `the document rendering process stopped (${signal ?? `exit code ${code}`}) before it answered`,
          ),
        );
    });
    child.send({ model, formats } satisfies RenderJob);
  });
}
