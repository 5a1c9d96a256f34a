/**
 * Temporal for tests: the time-skipping test server (whole quarters in seconds) and the local dev server
 * (search attributes, schedules, the CLI), both started by the test on free ports; the workflow bundle built
 * once per test file; a fresh worker per test.
 */
import path from 'node:path';
import { SearchAttributeType } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import { temporal } from '@temporalio/proto';
import { Connection } from '@temporalio/client';
import { InternalConnectionOptionsSymbol, type InternalConnectionOptions } from '@temporalio/client/lib/connection';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { TimeSkippingClient } from '@temporalio/testing/lib/client';
import {
  bundleWorkflowCode,
  Runtime,
  DefaultLogger,
  NativeConnection,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import type { Activities } from '../../src/activities/types';
import type { Store } from '../../src/store';
import { FAILURE_CONVERTER_PATH, projectDataConverter } from '../../src/temporal/codec';
import type { PayloadKeyRing } from '../../src/temporal/keys';
import * as keys from '../../src/temporal/search-attributes';
import { createWorker } from '../../src/workers/worker';
import { testPayloadKeys } from './payload-keys';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { toolPaths } = require('../../scripts/tools') as { toolPaths(): { temporalCli: string; testServer: string } };

let runtimeInstalled = false;
/** Keeps worker logs to warnings so test output stays readable. */
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed by another helper in this process.
  }
}

/** The project's custom search attribute keys. */
export const projectSearchAttributeKeys: SearchAttributeKey<SearchAttributeType>[] = [
  keys.MechanismKey,
  keys.QuarterKey,
  keys.CyclePhaseKey,
  keys.ProjectKey,
  keys.SubmissionStateKey,
  keys.DueTimeKey,
  keys.ActionItemStateKey,
];

/** Registers the project's search attributes through the operator service (the test server has no CLI flag for it). */
async function registerSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  const indexed: Record<string, temporal.api.enums.v1.IndexedValueType> = {};
  for (const key of projectSearchAttributeKeys) {
    indexed[key.name] =
      key.type === SearchAttributeType.DATETIME
        ? temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME
        : temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
  }
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: indexed,
  });
}

/**
 * The client connection's keepalive, tamed for the Java test server. The SDK's default client pings every 30 s even
 * without calls; the test server (grpc-java, which permits a ping every 5 minutes at most) answers a few of those
 * with GOAWAY "too many pings", and a long call in flight then (a time skip, an update waiting for its handler) can
 * hang the test: seen twice in full-suite runs, each time with "rejected by server because of excess pings".
 */
const testServerChannelArgs = {
  'grpc.keepalive_permit_without_calls': 0,
  'grpc.keepalive_time_ms': 5 * 60_000,
};

/**
 * Starts a test server, again when it did not answer in time. The SDK waits a fixed 5 s for the server it spawns (not
 * configurable); the Java test server's JVM, or the CLI, can take longer on a loaded 2-core machine. Only that error
 * is retried: any other failure is the test's to see.
 */
async function startWithPatience<T>(start: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (attempt >= attempts || !/did not start within/.test((err as Error)?.message ?? '')) throw err;
    }
  }
}

/** A time-skipping test server that knows the project's search attributes; its client encrypts with the test keys. */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const dataConverter = projectDataConverter(testPayloadKeys);
  const env = await startWithPatience(() =>
    TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: toolPaths().testServer } },
      client: { dataConverter },
    }),
  );
  // Swap the environment's client connection for one with the keepalive above (the SDK has no option for it);
  // env.sleep, env.currentTimeMs and env.client all go through these two fields.
  const original = env.connection;
  const options: InternalConnectionOptions = {
    address: env.address,
    channelArgs: testServerChannelArgs,
    [InternalConnectionOptionsSymbol]: { supportsTestService: true },
  };
  const connection = await Connection.connect(options);
  await original.close();
  Object.assign(env, {
    connection,
    client: new TimeSkippingClient({ connection, namespace: env.namespace ?? 'default', dataConverter }),
  });
  await registerSearchAttributes(env);
  return env;
}

/**
 * A local dev server (Temporal CLI) with the project's search attributes registered; its client encrypts with the
 * test keys. `uiPort` turns its Web UI on; `extraArgs` go to `temporal server start-dev` (e.g. `--ui-codec-endpoint`).
 */
export async function createLocalEnv(
  options: { uiPort?: number; extraArgs?: string[] } = {},
): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  return startWithPatience(() =>
    TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: toolPaths().temporalCli },
        searchAttributes: projectSearchAttributeKeys,
        ip: '127.0.0.1',
        ...(options.uiPort && { ui: true, uiPort: options.uiPort }),
        ...(options.extraArgs && { extraArgs: options.extraArgs }),
      },
      client: { dataConverter: projectDataConverter(testPayloadKeys) },
    }),
  );
}

/**
 * Builds the workflow bundle once (call in beforeAll). Workers on the time-skipping test server need `{ timeSkipping:
 * true }` (see time-skipping-interceptors.ts); replay, recording and the dev server run the plain production bundle.
 * `workflowsPath` bundles a test's own workflows instead, the way the product's are bundled.
 */
export function bundleWorkflows(
  options: { timeSkipping?: boolean; workflowsPath?: string } = {},
): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: options.workflowsPath ?? require.resolve('../../src/workflows'),
    // As production's worker bundles them: failures' messages encoded, so that the codec encrypts them.
    failureConverterPath: FAILURE_CONVERTER_PATH,
    workflowInterceptorModules: options.timeSkipping ? [require.resolve('./time-skipping-interceptors')] : [],
    logger: new DefaultLogger('WARN'),
  });
}

let queueCounter = 0;
/** A task queue name of its own for each test, so tests never share workers. */
export const uniqueTaskQueue = (name = 'test') => `${name}-${process.pid}-${++queueCounter}`;

/** Runs `fn` while a fresh worker (encrypting with the test keys unless given others) serves `taskQueue` with the given activities; the worker stops afterwards. */
export async function withWorker<T>(
  env: TestWorkflowEnvironment,
  bundle: WorkflowBundleWithSourceMap,
  taskQueue: string,
  activities: Activities,
  fn: () => Promise<T>,
  options: { maxCachedWorkflows?: number; connection?: NativeConnection; payloadKeys?: PayloadKeyRing } = {},
): Promise<T> {
  const worker = await createWorker({
    payloadKeys: options.payloadKeys ?? testPayloadKeys,
    maxCachedWorkflows: options.maxCachedWorkflows ?? TEST_WORKER_CACHE,
    connection: options.connection ?? env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    activities,
    workflowBundle: bundle,
  });
  return worker.runUntil(fn());
}

/**
 * What of a workflow's history still holds the time-skipping test server's clock: an activity scheduled and not
 * finished, a workflow task scheduled and not finished, a child or a signal initiated and not yet answered. Empty once
 * the workflow is quiet (it waits on timers only) or closed.
 */
export function holdsTheClock(history: temporal.api.history.v1.IHistory): string[] {
  const open = new Map<string, string>();
  for (const e of history.events ?? []) {
    const id = String(e.eventId);
    if (e.activityTaskScheduledEventAttributes)
      open.set(id, `activity ${e.activityTaskScheduledEventAttributes.activityType?.name}`);
    if (e.workflowTaskScheduledEventAttributes) open.set(id, 'workflow task');
    if (e.startChildWorkflowExecutionInitiatedEventAttributes)
      open.set(id, `child ${e.startChildWorkflowExecutionInitiatedEventAttributes.workflowId}`);
    if (e.signalExternalWorkflowExecutionInitiatedEventAttributes) open.set(id, 'signal');
    const ended =
      e.activityTaskCompletedEventAttributes?.scheduledEventId ??
      e.activityTaskFailedEventAttributes?.scheduledEventId ??
      e.activityTaskTimedOutEventAttributes?.scheduledEventId ??
      e.activityTaskCanceledEventAttributes?.scheduledEventId ??
      e.workflowTaskCompletedEventAttributes?.scheduledEventId ??
      e.workflowTaskFailedEventAttributes?.scheduledEventId ??
      e.workflowTaskTimedOutEventAttributes?.scheduledEventId ??
      e.childWorkflowExecutionStartedEventAttributes?.initiatedEventId ??
      e.startChildWorkflowExecutionFailedEventAttributes?.initiatedEventId ??
      e.externalWorkflowExecutionSignaledEventAttributes?.initiatedEventId ??
      e.signalExternalWorkflowExecutionFailedEventAttributes?.initiatedEventId;
    if (ended !== undefined && ended !== null) open.delete(String(ended));
    if (
      e.workflowExecutionCompletedEventAttributes ||
      e.workflowExecutionFailedEventAttributes ||
      e.workflowExecutionTerminatedEventAttributes ||
      e.workflowExecutionCanceledEventAttributes ||
      e.workflowExecutionTimedOutEventAttributes ||
      e.workflowExecutionContinuedAsNewEventAttributes
    )
      return [];
  }
  return [...open.values()];
}

/**
 * Terminates workflows on the time-skipping test server once none of them holds its clock. The server (1.32.1) takes
 * a time-skipping lock for each scheduled activity and workflow task and releases it only when that task finishes: a
 * workflow terminated meanwhile keeps the lock for ever, the clock then moves only with the wall clock, and the next
 * test's `env.sleep` never returns. Within the owners' working hours a cycle that has just opened is sending its
 * requests, so a test that ends right after opening one meets exactly that. The worker must still be running.
 */
export async function terminateWhenQuiet(
  env: TestWorkflowEnvironment,
  workflowIds: string[],
  isGone: (err: unknown) => boolean,
): Promise<void> {
  const handles = workflowIds.map((id) => env.client.workflow.getHandle(id));
  const busy = async () =>
    (
      await Promise.all(
        handles.map(async (h) => {
          try {
            return holdsTheClock(await h.fetchHistory()).map((what) => `${h.workflowId}: ${what}`);
          } catch (err) {
            if (isGone(err)) return []; // never started
            throw err;
          }
        }),
      )
    ).flat();
  let last: string[] = [];
  const deadline = Date.now() + 60_000;
  while ((last = await busy()).length > 0) {
    if (Date.now() > deadline) throw new Error(`workflows still busy after 60 s: ${last.join('; ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  // The order adds no task: this server neither tells a parent that its child was terminated nor applies parent close
  // policies (its source: TestWorkflowMutableStateImpl.terminateWorkflowExecution), so nothing wakes up in between.
  for (const h of handles) {
    try {
      await h.terminate('the test is over');
    } catch (err) {
      if (!isGone(err)) throw err; // never started or already finished
    }
  }
}

/**
 * A worker serving `taskQueue` with the real activities (records in `store`, documents in its folder, mail to
 * `smtpUrl` or, without one, the local outbox), encrypting with the test keys; `stop()` waits until it no longer polls.
 */
export async function startRealWorker(
  env: TestWorkflowEnvironment,
  bundle: WorkflowBundleWithSourceMap,
  store: Store & { dataDir: string },
  taskQueue: string,
  smtpUrl?: string,
): Promise<{ stop(): Promise<void> }> {
  const worker = await createWorker({
    payloadKeys: testPayloadKeys,
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    activities: createActivities({
      store,
      dataDir: store.dataDir,
      publicUrl: 'http://127.0.0.1:3000',
      mailFrom: 'secretariat@example.org',
      ...(smtpUrl && { smtpUrl }),
    }),
    workflowBundle: bundle,
  });
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}

/**
 * Test workers keep a workflow cache as production's do, small so that evictions and replays still happen in
 * tests. (Running them without one was an attempt at the time-skipping hang that time-skipping-interceptors.ts
 * explains and works around; it was not the cause.)
 */
export const TEST_WORKER_CACHE = 20;

/** Where recorded histories live. */
export const historiesDir = path.join(__dirname, '..', 'histories');
