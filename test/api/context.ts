/** What the route suites get from api.test.ts: the stack of the current test and the Temporal test server. */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Stack } from './support';

/** Accessors, read inside each test (the stack is fresh per test). */
export interface SuiteContext {
  stack(): Stack;
  env(): TestWorkflowEnvironment;
  /** The workflow bundle, built once for the file. */
  bundle(): WorkflowBundleWithSourceMap;
}
