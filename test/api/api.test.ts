/**
 * Every route of the HTTP API through `app.inject()`, on the real workflows and activities. All route suites run in
 * this one file so they share `hitRoutes`: the last test fails when the OpenAPI document has a route no test hit.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleWorkflows, createTimeSkippingEnv } from '../helpers/temporal';
import { cycleSuite } from './cycle-suite';
import { openApiSuite } from './openapi-suite';
import { readSuite } from './read-suite';
import { recordSuite } from './record-suite';
import { scheduleSuite } from './schedule-suite';
import { startStack, type Stack } from './support';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let stack: Stack;

beforeAll(async () => {
  [env, bundle] = await Promise.all([createTimeSkippingEnv(), bundleWorkflows({ timeSkipping: true })]);
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

const ctx = { stack: () => stack, env: () => env, bundle: () => bundle };
readSuite(ctx);
cycleSuite(ctx);
recordSuite(ctx);
scheduleSuite(ctx);
// Last: it checks what the suites above hit.
openApiSuite(ctx);
