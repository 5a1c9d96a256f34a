/**
 * Temporal for tests: the time-skipping test server (whole quarters in seconds) and the local dev server
 * (search attributes, schedules, the CLI), both started by the test on free ports; the workflow bundle built
 * once per test file; a fresh worker per test.
 */
import path from 'node:path';
import { SearchAttributeType } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Runtime, DefaultLogger, NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Activities } from '../../src/activities/types';
import * as keys from '../../src/temporal/search-attributes';
import { createWorker } from '../../src/workers/worker';

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
  await env.connection.operatorService.addSearchAttributes({ namespace: env.namespace ?? 'default', searchAttributes: indexed });
}

/** A time-skipping test server that knows the project's search attributes. */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: toolPaths().testServer } },
  });
  await registerSearchAttributes(env);
  return env;
}

/** A local dev server (Temporal CLI) with the project's search attributes registered. */
export async function createLocalEnv(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: toolPaths().temporalCli },
      searchAttributes: projectSearchAttributeKeys,
      ip: '127.0.0.1',
    },
  });
}

/** Builds the workflow bundle once (call in beforeAll). */
export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows'), logger: new DefaultLogger('WARN') });
}

let queueCounter = 0;
/** A task queue name of its own for each test, so tests never share workers. */
export const uniqueTaskQueue = (name = 'test') => `${name}-${process.pid}-${++queueCounter}`;

/** Runs `fn` while a fresh worker serves `taskQueue` with the given activities; the worker stops afterwards. */
export async function withWorker<T>(
  env: TestWorkflowEnvironment,
  bundle: WorkflowBundleWithSourceMap,
  taskQueue: string,
  activities: Activities,
  fn: () => Promise<T>,
  options: { maxCachedWorkflows?: number; connection?: NativeConnection } = {},
): Promise<T> {
  const worker = await createWorker({
    maxCachedWorkflows: options.maxCachedWorkflows,
    connection: options.connection ?? env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    activities,
    workflowBundle: bundle,
  });
  return worker.runUntil(fn());
}

/** Where recorded histories live. */
export const historiesDir = path.join(__dirname, '..', 'histories');
