/**
 * The benchmark's own Temporal dev server: started on a free 127.0.0.1 port with the project's search attributes and,
 * by default, an in-memory database (a SQLite file on this shared disk spent most of the run in fsync, for the product
 * and the baseline alike; BENCH_TEMPORAL_DB=file restores the file). Stopped (files removed) at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { searchAttributeDefinitions } from '../src/temporal/search-attributes';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const tools = require('../scripts/tools') as { toolPaths(): { temporalCli: string } };

/** A running dev server; `stop()` ends it and removes its database. */
export interface DevServer {
  address: string;
  /** The server's process (one process: frontend, history, matching and the in-memory database), for its CPU time. */
  pid: number;
  stop(): Promise<void>;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** Starts `temporal server start-dev` headless on a free port and resolves once its frontend accepts connections (60 s bound). */
export async function startDevServer(): Promise<DevServer> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coord-bench-temporal-'));
  const child: ChildProcess = spawn(
    tools.toolPaths().temporalCli,
    [
      'server',
      'start-dev',
      '--headless',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      ...(process.env.BENCH_TEMPORAL_DB === 'file' ? ['--db-filename', path.join(dir, 'temporal.sqlite')] : []),
      '--log-level',
      'error',
      ...searchAttributeDefinitions.flatMap((d) => ['--search-attribute', `${d.name}=${d.cliType}`]),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the Temporal dev server did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { address: `127.0.0.1:${port}`, pid: child.pid as number, stop };
}
