/**
 * The compiled service as the container image runs it (Dockerfile: `npm run build`, then `node dist/src/...` with
 * NODE_ENV=production): the worker and the web/API server started from `dist`, against a local Temporal dev server,
 * answer a request and run a workflow step. Everything else in the suite runs the TypeScript sources through
 * ts-node/ts-jest; this is the one test of the JavaScript that ships.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadDemoIfEmpty, openStore } from '../../src/store';
import { TEST_PAYLOAD_KEYS } from '../helpers/payload-keys';
import { createLocalEnv, uniqueTaskQueue } from '../helpers/temporal';
import { until } from '../helpers/until';

const root = path.resolve(__dirname, '../..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** A process started from dist, with its output kept for the assertions and for a failure message. */
interface Started {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

function startFromDist(script: string, env: NodeJS.ProcessEnv): Started {
  const child = spawn(process.execPath, [path.join(root, 'dist', script)], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

describe('the compiled service, as the container image runs it', () => {
  let temporal: TestWorkflowEnvironment | undefined;
  let dataDir: string;
  const started: Started[] = [];

  beforeAll(() => {
    // What the image's build stage runs.
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'pipe' });
  }, 240_000);
  afterAll(async () => {
    for (const s of started) {
      if (s.child.exitCode === null) s.child.kill('SIGKILL');
      await s.exited;
    }
    await temporal?.teardown();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves a ready API from dist and runs a cycle on the worker from dist, each stopping on SIGTERM', async () => {
    temporal = await createLocalEnv();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'coord-dist-'));
    const store = await openStore({ dataDir });
    await loadDemoIfEmpty(store);
    // An administrator's write token: it may open a cycle, and /readyz shows it which checks ran.
    const admin = await store.users.create({
      email: 'admin@example.org',
      name: 'Administrator',
      password: 'a long enough test password',
      role: 'admin',
    });
    const { token } = await store.apiTokens.create({ name: 'dist-test', userId: admin.id, scope: 'write' });
    await store.close();

    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      COORD_SKIP_TOOLS: '1',
      DATA_DIR: dataDir,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('dist'),
      COORD_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
    };
    const worker = startFromDist('src/workers/main.js', env);
    const web = startFromDist('src/api/main.js', env);
    started.push(worker, web);
    const base = `http://127.0.0.1:${port}`;

    // The web server answers, and is ready: its database and Temporal checks pass.
    const ready = await until(
      'the web server from dist to be ready',
      async () => {
        if (web.child.exitCode !== null) throw new Error(`the web server exited:\n${web.output()}`);
        const res = await fetch(`${base}/readyz`, { headers: { authorization: `Bearer ${token}` } }).catch(
          () => undefined,
        );
        return res?.status === 200 ? res.json() : undefined;
      },
      90_000,
    );
    expect(ready).toEqual({ status: 'ready', checks: { database: { ok: true }, temporal: { ok: true } } });
    await until(
      'the worker from dist to serve',
      async () => {
        if (worker.child.exitCode !== null) throw new Error(`the worker exited:\n${worker.output()}`);
        return worker.output().includes('worker serving task queue');
      },
      120_000,
    );

    // One workflow step: opening a cycle through the API, the worker's compiled workflows and activities request
    // every project's update (the request emails land in the local outbox: no SMTP configured).
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const opened = await fetch(`${base}/api/v1/mechanisms/cn-ls/cycles`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ quarter: '2025-Q1' }),
    });
    expect(opened.status).toBe(201);
    expect(await opened.json()).toMatchObject({ workflowId: 'cycle:cn-ls:2025-Q1', started: true, timing: 'past' });
    const cycle = await until(
      'every project requested by the worker from dist',
      async () => {
        const res = await fetch(`${base}/api/v1/mechanisms/cn-ls/cycles/2025-Q1`, { headers });
        const body = (await res.json()) as { phase: string; projects: { state: string }[] };
        return body.projects?.length === 7 && body.projects.every((p) => p.state === 'requested') ? body : undefined;
      },
      60_000,
    );
    expect(cycle.phase).toBe('collecting');

    // The image's processes stop cleanly on the SIGTERM a container runtime sends.
    web.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
    expect(await web.exited).toBe(0);
    expect(await worker.exited).toBe(0);
  }, 300_000);
});
