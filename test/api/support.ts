/**
 * The API under test: the real app (`app.inject()`, no socket) on a real store (SQLite temp dir) and a real Temporal
 * (time-skipping test server) running the real workflows with the real activities (createActivities: records,
 * local outbox, document archive), on the task queue taken from the configuration like in production.
 */
import { until } from '../helpers/until';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { createActivities } from '../../src/activities';
import { buildApp } from '../../src/api/app';
import { readinessChecks } from '../../src/api/readiness';
import type { CycleGateway } from '../../src/api/cycle-gateway';
import { temporalCycleGateway } from '../../src/api/temporal-cycle-gateway';
import { isWorkflowGone } from '../../src/temporal/cycle-status';
import { actionItemWorkflowId, cycleWorkflowId, updateWorkflowId } from '../../src/temporal/ids';
import { loadConfig } from '../../src/config';
import { loadDemoIfEmpty } from '../../src/store';
import { createWorker } from '../../src/workers/worker';
import { testPayloadKeys } from '../helpers/payload-keys';
import { createTestStore, type TestStore } from '../helpers/store';
import { bundleWorkflows, createTimeSkippingEnv, terminateWhenQuiet, uniqueTaskQueue } from '../helpers/temporal';
import type { SuiteContext } from './context';

/** Every `METHOD /route` the tests got a success answer from, to check the OpenAPI document is fully exercised (shared by the suites of api.test.ts). */
export const hitRoutes = new Set<string>();

/** A running stack for one test. */
export interface Stack {
  app: FastifyInstance;
  store: TestStore;
  token: string;
  /** The id of that token: the actor `token:<id>` in the audit trail and workflow arguments. */
  tokenId: string;
  /** The task queue of the configuration (TEMPORAL_TASK_QUEUE), which the worker serves. */
  taskQueue: string;
  worker: Worker;
  /** Sends a request with the API token (unless `headers.authorization` is given). */
  call(options: CallOptions): Promise<CallResponse>;
  /** Sends a request as is. */
  raw(options: CallOptions): Promise<CallResponse>;
  close(): Promise<void>;
}

/** Starts app + worker on a fresh store with the demo mechanism loaded. */
export async function startStack(env: TestWorkflowEnvironment, bundle: WorkflowBundleWithSourceMap): Promise<Stack> {
  const store = await createTestStore();
  await loadDemoIfEmpty(store);
  const config = loadConfig({ DATA_DIR: store.dataDir, TEMPORAL_TASK_QUEUE: uniqueTaskQueue('api') });
  const worker = await createWorker({
    payloadKeys: testPayloadKeys,
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities: createActivities({
      store,
      dataDir: store.dataDir,
      publicUrl: config.PUBLIC_URL,
      mailFrom: config.MAIL_FROM,
    }),
    workflowBundle: bundle,
  });
  const running = worker.run();
  const gateway = temporalCycleGateway({
    client: env.client,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    namespace: env.namespace ?? 'default',
    temporalUiUrl: 'http://127.0.0.1:8233',
  });
  const opened = new Set<string>();
  const cycles: CycleGateway = {
    ...gateway,
    start: async (mechanismId, quarter) => {
      opened.add(`${mechanismId}\n${quarter}`);
      return gateway.start(mechanismId, quarter);
    },
  };
  let app: FastifyInstance;
  try {
    app = await buildApp({
      config,
      readiness: readinessChecks(store.db, env.client),
      store,
      cycles,
      now: () => new Date(),
    });
    // A route counts as exercised when it answered with success: a 404 or a refused request never ran its handler's
    // purpose (the error paths are asserted by the suites themselves).
    app.addHook('onResponse', async (request, reply) => {
      if (request.routeOptions.url && reply.statusCode < 400)
        hitRoutes.add(`${request.method} ${request.routeOptions.url}`);
    });
    await app.ready();
  } catch (err) {
    worker.shutdown();
    await running;
    await store.close();
    throw err;
  }
  // The suites administer schedules and read the outbox too: an admin's token with the write scope.
  const admin = await store.users.create({
    email: 'api-admin@example.org',
    name: 'API Admin',
    password: 'a long enough password',
    role: 'admin',
  });
  const { token, id: tokenId } = await store.apiTokens.create({ name: 'test', userId: admin.id, scope: 'write' });
  return {
    app,
    store,
    token,
    tokenId,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    worker,
    call: (options) => send(app, { ...options, headers: { authorization: `Bearer ${token}`, ...options.headers } }),
    raw: (options) => send(app, options),
    async close() {
      await app.close();
      // The Temporal test server outlives the test and this worker: a workflow left running would keep timers and
      // tasks nobody serves, and the server stops skipping time for the next test (its env.sleep never returns).
      try {
        await endWorkflows(env, store, opened);
      } finally {
        worker.shutdown();
        await running;
        await store.close();
      }
    },
  };
}

async function endWorkflows(env: TestWorkflowEnvironment, store: TestStore, opened: Set<string>): Promise<void> {
  const ids: string[] = [];
  for (const key of opened) {
    const [mechanismId, quarter] = key.split('\n');
    ids.push(cycleWorkflowId(mechanismId, quarter));
    for (const p of await store.projects.list(mechanismId)) ids.push(updateWorkflowId(mechanismId, quarter, p.id));
    for (const a of await store.actionItems.listForCycle(mechanismId, quarter))
      ids.push(actionItemWorkflowId(mechanismId, a.id));
  }
  await terminateWhenQuiet(env, ids, isWorkflowGone);
}

/** Waits until `check` returns a value, polling (bounded): used for workflow effects that land asynchronously. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read JSON answers
export const eventually = (check: () => Promise<unknown>, what: string, timeoutMs = 30_000): Promise<any> =>
  until(what, check, timeoutMs);

/** A request of the tests. */
export interface CallOptions {
  method: InjectOptions['method'];
  url: string;
  payload?: unknown;
  headers?: Record<string, string>;
}

/** What the tests read from an answer. */
export interface CallResponse {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
  rawPayload: Buffer;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read JSON answers
  json(): any;
}

async function send(app: FastifyInstance, options: CallOptions): Promise<CallResponse> {
  const headers: Record<string, string> = { ...options.headers };
  let payload: string | undefined;
  if (options.payload !== undefined) {
    payload = typeof options.payload === 'string' ? options.payload : JSON.stringify(options.payload);
    headers['content-type'] ??= 'application/json';
  }
  const res = await app.inject({
    method: options.method,
    url: options.url,
    headers,
    ...(payload !== undefined && { payload }),
  });
  return {
    statusCode: res.statusCode,
    headers: res.headers,
    body: res.body,
    rawPayload: res.rawPayload,
    json: () => res.json(),
  };
}

/**
 * Registers, for the calling test file, one time-skipping server and workflow bundle and a fresh stack per test
 * (ended after it); returns the accessors the tests read inside each test.
 */
export function useStackPerTest(): SuiteContext {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;
  let stack: Stack;
  beforeAll(async () => {
    // One after the other: the SDK gives the test server 5 s to start, which a bundle being built beside it on a
    // loaded machine can take from it ("ephemeral server ... did not start within 5s").
    env = await createTimeSkippingEnv();
    bundle = await bundleWorkflows({ timeSkipping: true });
  }, 120_000);
  afterAll(async () => {
    await env?.teardown();
  });
  beforeEach(async () => {
    stack = await startStack(env, bundle);
  }, 30_000);
  afterEach(async () => {
    await stack?.close();
  });
  return { stack: () => stack, env: () => env, bundle: () => bundle };
}
