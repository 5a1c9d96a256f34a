/**
 * Failures are encrypted like payloads (src/temporal/failure-converter.ts): an activity's failure (written by the
 * worker) and a workflow's own failure (written by the workflow bundle) keep their message and stack trace out of
 * Temporal's history in readable form, and the project's clients read them back. On a real dev server; the history
 * is fetched raw (no codec) and searched for the address both messages name.
 */
import { Client, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { projectDataConverter } from '../../src/temporal/codec';
import { testPayloadKeys } from '../helpers/payload-keys';
import { bundleWorkflows, createLocalEnv, uniqueTaskQueue } from '../helpers/temporal';

const ADDRESS = 'director.roads@ministry.example';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  [env, bundle] = await Promise.all([
    createLocalEnv(),
    bundleWorkflows({ workflowsPath: require.resolve('./failing-workflow') }),
  ]);
}, 120_000);
afterAll(async () => {
  await env?.teardown();
});

it("keeps an activity's and a workflow's failure messages out of the history, readable to the project's clients", async () => {
  const taskQueue = uniqueTaskQueue('failures');
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    dataConverter: projectDataConverter(testPayloadKeys),
    activities: {
      async refuse(address: string) {
        throw ApplicationFailure.nonRetryable(`550 5.1.1 <${address}>: recipient address rejected`, 'Undeliverable');
      },
    },
  });
  const failure = await worker.runUntil(
    env.client.workflow.execute('failsNamingAnAddress', { taskQueue, workflowId: taskQueue, args: [ADDRESS] }).then(
      () => undefined,
      (err: unknown) => err,
    ),
  );
  // The project's client decrypts both messages.
  expect(failure).toBeInstanceOf(WorkflowFailedError);
  const workflowFailure = (failure as WorkflowFailedError).cause as ApplicationFailure;
  expect(workflowFailure.message).toBe(`the step for ${ADDRESS} was not delivered`);
  expect(workflowFailure.type).toBe('NotDelivered');

  // A client without the keys (plaintext converter): what Temporal's database and its operators see.
  const raw = new Client({
    connection: env.client.connection,
    namespace: env.namespace ?? 'default',
    dataConverter: projectDataConverter(null),
  });
  const history = await raw.workflow.getHandle(taskQueue).fetchHistory();
  const events = history.events ?? [];
  const activityFailed = events.find((e) => e.activityTaskFailedEventAttributes)!.activityTaskFailedEventAttributes!;
  const workflowFailed = events.find(
    (e) => e.workflowExecutionFailedEventAttributes,
  )!.workflowExecutionFailedEventAttributes!;
  // Both failures are there, their type readable (Temporal acts on it), their text encoded and encrypted.
  expect(activityFailed.failure?.applicationFailureInfo?.type).toBe('Undeliverable');
  expect(workflowFailed.failure?.applicationFailureInfo?.type).toBe('NotDelivered');
  for (const f of [activityFailed.failure!, workflowFailed.failure!]) {
    expect(f.message).toBe('Encoded failure');
    expect(f.stackTrace ?? '').toBe('');
    expect(Buffer.from(f.encodedAttributes?.metadata?.encoding ?? []).toString()).toBe('binary/encrypted');
  }
  const bytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish()).toString('latin1');
  expect(bytes).not.toContain(ADDRESS);
  expect(bytes).not.toContain('recipient address rejected');
}, 60_000);
