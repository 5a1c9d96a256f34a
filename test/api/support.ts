/**
 * The API under test: the real app on a real store (SQLite temp dir) and a real Temporal (time-skipping test
 * server) running the real workflows. Record activities are the real ones (src/activities/records.ts); emails
 * and documents use test/helpers/fake-activities.ts because the composed worker activities are not wired yet.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { createRecordActivities } from '../../src/activities/records';
import { buildApp } from '../../src/api/app';
import { temporalCycleGateway } from '../../src/api/temporal-cycle-gateway';
import { loadConfig } from '../../src/config';
import { loadDemoIfEmpty } from '../../src/store';
import { createWorker } from '../../src/workers/worker';
import { createFakeActivities } from '../helpers/fake-activities';
import { createTestStore, type TestStore } from '../helpers/store';
import { uniqueTaskQueue } from '../helpers/temporal';

/** Every `METHOD /route` the tests hit, to check the OpenAPI document is fully exercised. */
export const hitRoutes = new Set<string>();

/** A running stack for one test. */
export interface Stack {
  app: FastifyInstance;
  store: TestStore;
  token: string;
  worker: Worker;
  running: Promise<void>;
  /** Sends a request with the API token (unless `headers.authorization` is given). */
  call(options: CallOptions): Promise<CallResponse>;
  /** Sends a request as is. */
  raw(options: CallOptions): Promise<CallResponse>;
  baseUrl: string;
  close(): Promise<void>;
}

/** Starts app + worker on a fresh store with the demo mechanism loaded. */
export async function startStack(env: TestWorkflowEnvironment, bundle: WorkflowBundleWithSourceMap): Promise<Stack> {
  const store = await createTestStore();
  await loadDemoIfEmpty(store);
  const taskQueue = uniqueTaskQueue('api');
  const fake = createFakeActivities({}, async () => env.currentTimeMs());
  const worker = await createWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    activities: { ...fake.activities, ...createRecordActivities(store) },
    workflowBundle: bundle,
  });
  const running = worker.run();
  const config = loadConfig({ DATA_DIR: store.dataDir });
  const cycles = temporalCycleGateway({ client: env.client, taskQueue, namespace: env.namespace ?? 'default', temporalUiUrl: 'http://127.0.0.1:8233' });
  let app: FastifyInstance;
  try {
    app = await buildApp({ config, readiness: {}, store, cycles, now: () => new Date() });
  } catch (err) {
    worker.shutdown();
    await running;
    await store.close();
    throw err;
  }
  app.addHook('onRequest', async (request) => {
    hitRoutes.add(`${request.method} ${request.routeOptions.url}`);
  });
  const { token } = await store.apiTokens.create({ name: 'test' });
  const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    store,
    token,
    worker,
    running,
    baseUrl,
    call: (options) => send(baseUrl, { ...options, headers: { authorization: `Bearer ${token}`, ...options.headers } }),
    raw: (options) => send(baseUrl, options),
    async close() {
      await app.close();
      worker.shutdown();
      await running;
      await store.close();
    },
  };
}

/** Waits until `check` returns a value, polling (bounded): used for workflow effects that land asynchronously. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read JSON answers
export async function eventually(check: () => Promise<unknown>, what: string, timeoutMs = 20_000): Promise<any> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A request of the tests. */
export interface CallOptions {
  method: string;
  url: string;
  payload?: unknown;
  /** Form fields, sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  headers?: Record<string, string>;
}

/** What the tests read from an answer. */
export interface CallResponse {
  statusCode: number;
  headers: Headers;
  body: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read JSON answers
  json(): any;
}

// Over a real socket rather than app.inject(): light-my-request needs the ESM-only `cookie` package, which
// Jest's CommonJS sandbox on Node 20 cannot load.
async function send(baseUrl: string, options: CallOptions): Promise<CallResponse> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.form) {
    body = new URLSearchParams(options.form).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  } else if (options.payload !== undefined) {
    body = typeof options.payload === 'string' ? options.payload : JSON.stringify(options.payload);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(baseUrl + options.url, { method: options.method, headers, body, redirect: 'manual' });
  const text = await res.text();
  return { statusCode: res.status, headers: res.headers, body: text, json: () => JSON.parse(text) };
}
