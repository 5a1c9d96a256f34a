/** Runs the real `coord` binary (bin/coord) as a child process, the way an operator does. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Writable, Readable } from 'node:stream';
import type { Io } from '../../src/cli/output';

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'coord');

/** What one run printed and how it exited. */
export interface CoordRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/coord ...args` with `env` added to a clean environment (no .env surprises: cwd is a temp folder). */
export function coord(
  args: string[],
  options: { env?: Record<string, string>; input?: string; cwd?: string; timeoutMs?: number } = {},
): Promise<CoordRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? path.resolve(__dirname, '..', '..'),
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** An in-memory Io for calling `run()` in-process (help texts, cheap checks without a child process). */
export function memoryIo(): Io & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, cb) {
        append(String(chunk));
        cb();
      },
    });
  return {
    stdout: sink((s) => (out += s)),
    stderr: sink((s) => (err += s)),
    stdin: Readable.from([]),
    out: () => out,
    err: () => err,
  };
}
