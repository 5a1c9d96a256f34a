/**
 * Durable intake (issue 15) on a real Temporal dev server, with the real web server on a socket, the real store and
 * the real activities: while no worker serves the task queue, an owner's form and the API still answer with a
 * receipt; when a worker comes back, each submission reaches its workflow exactly once and its receipt email goes once.
 */
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app';
import { temporalCycleGateway } from '../../src/api/temporal-cycle-gateway';
import { loadConfig } from '../../src/config';
import { quarterOf } from '../../src/domain';
import { loadDemoIfEmpty } from '../../src/store';
import { createOutboxRepository } from '../../src/store/outbox';
import { startCycle } from '../../src/temporal/cycles';
import { cycleWorkflowId, updateWorkflowId } from '../../src/temporal/ids';
import { updateState } from '../../src/workflows/messages';
import { projectDataConverter } from '../../src/temporal/codec';
import { coord } from '../cli/run-coord';
import { TEST_PAYLOAD_KEYS, testPayloadKeys } from '../helpers/payload-keys';
import { type SmtpCatcher, startSmtpCatcher } from '../helpers/smtp';
import { createTestStore, type TestStore } from '../helpers/store';
import { bundleWorkflows, createLocalEnv, startRealWorker, uniqueTaskQueue } from '../helpers/temporal';
import { until } from '../helpers/until';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  [env, bundle] = await Promise.all([createLocalEnv(), bundleWorkflows()]);
}, 120_000);
afterAll(async () => {
  await env?.teardown();
});

const SUBMISSION = {
  status: 'at-risk',
  statusReason: 'Rains delayed the earthworks.',
  progressPercent: '35',
  achievements: 'Bridge piers cast.',
  challenges: 'Heavy rains.',
  supportRequested: '',
  nextSteps: 'Resume paving.',
};

/** A worker on the queue, stoppable: `stop()` waits until it no longer polls. */
const startWorker = (store: TestStore, taskQueue: string, smtp: SmtpCatcher) =>
  startRealWorker(env, bundle, store, taskQueue, smtp.url);

describe('submissions while no worker serves the task queue', () => {
  let store: TestStore;
  let smtp: SmtpCatcher | undefined;
  let app: FastifyInstance | undefined;
  let closeConnection: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await app?.close();
    await closeConnection?.();
    await store?.close();
    await smtp?.close();
  });

  it('answers the owner and the API with a receipt while the worker is stopped, then applies each submission exactly once with one receipt email when it is back', async () => {
    store = await createTestStore();
    smtp = await startSmtpCatcher();
    await loadDemoIfEmpty(store);
    const quarter = quarterOf(new Date(), 'Africa/Maseru');
    const config = loadConfig({ DATA_DIR: store.dataDir, TEMPORAL_TASK_QUEUE: uniqueTaskQueue('intake') });
    const taskQueue = config.TEMPORAL_TASK_QUEUE;
    const outbox = createOutboxRepository(store.db);

    // A collecting cycle whose update workflows are all running.
    let worker = await startWorker(store, taskQueue, smtp);
    await startCycle(env.client, 'cn-ls', quarter, { taskQueue });
    const projectIds = (await store.projects.list('cn-ls', { status: 'active' })).map((p) => p.id);
    await until(
      'every update workflow recorded',
      async () => (await store.cycles.listProjectStates('cn-ls', quarter)).length === projectIds.length,
    );
    const ownerOf = async (projectId: string) => (await store.projects.get('cn-ls', projectId))!.owner;
    const token = await store.ownerLinks.issue({
      mechanismId: 'cn-ls',
      quarter,
      projectId: 'mpiti-road',
      contactId: await ownerOf('mpiti-road'),
      expiresAt: '2099-01-01T00:00:00Z',
    });

    // The worker stops (a deploy, a crash): nothing serves the task queue any more.
    await worker.stop();

    // The web process has its own Temporal client (closed with it, before the server goes away).
    const connection = await Connection.connect({ address: env.address });
    closeConnection = () => connection.close();
    const client = new Client({
      connection,
      namespace: env.namespace ?? 'default',
      dataConverter: projectDataConverter(testPayloadKeys),
    });
    const gateway = temporalCycleGateway({
      client,
      taskQueue,
      namespace: env.namespace ?? 'default',
      temporalUiUrl: 'http://127.0.0.1:8233',
    });
    app = await buildApp({ config, readiness: {}, store, cycles: gateway, intakeIntervalMs: 200 });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    // A secretariat officer's token with the write scope (a read token, or an observer's, is refused: security.test.ts).
    const officer = await store.users.create({
      email: 'officer@example.org',
      name: 'Officer',
      password: 'a long passphrase',
      role: 'secretariat',
    });
    const { token: apiToken, id: apiTokenId } = await store.apiTokens.create({
      name: 'test',
      scope: 'write',
      userId: officer.id,
    });

    // The owner's form: a receipt saying the update is recorded and will be processed.
    const form = await fetch(`${base}/u/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...SUBMISSION, intakeKey: 'form-key-0001' }).toString(),
    });
    const page = await form.text();
    expect(form.status).toBe(200);
    expect(page).toContain('your update is received and recorded');

    // The API on the owner's behalf, sent twice with the same Idempotency-Key (a client retrying after a timeout).
    const apiSubmit = () =>
      fetch(`${base}/api/v1/mechanisms/cn-ls/cycles/${quarter}/projects/ramarothole-solar/submission`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${apiToken}`,
          'content-type': 'application/json',
          'idempotency-key': 'api-key-0001',
        },
        body: JSON.stringify({ ...SUBMISSION, progressPercent: 60, achievements: 'Panels mounted.' }),
      });
    const first = await apiSubmit();
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({
      accepted: true,
      result: { status: 'pending', key: 'api:api-key-0001' },
    });
    const again = await apiSubmit();
    expect(again.status).toBe(202);

    // Recorded, not yet applied: the store has no revision, and the secretariat sees both as pending.
    expect(await store.submissions.latest('cn-ls', quarter, 'mpiti-road')).toBeUndefined();
    const pending = (await store.intake.listForCycle('cn-ls', quarter)).map((r) => r.projectId).sort();
    expect(pending).toEqual(['mpiti-road', 'ramarothole-solar']);
    // Who sent each is recorded by id (the owner's contact id, the token's id), never by email address.
    const senders = Object.fromEntries(
      (await store.intake.listForCycle('cn-ls', quarter)).map((r) => [r.projectId, r.input.submittedBy]),
    );
    expect(senders).toEqual({
      'mpiti-road': expect.not.stringContaining('@'),
      'ramarothole-solar': `token:${apiTokenId}`,
    });
    const status = await fetch(`${base}/api/v1/mechanisms/cn-ls/cycles/${quarter}`, {
      headers: { authorization: `Bearer ${apiToken}` },
    });
    expect(
      ((await status.json()) as { pendingSubmissions: { projectId: string }[] }).pendingSubmissions
        .map((p) => p.projectId)
        .sort(),
    ).toEqual(pending);

    // The operator's `coord cycle status` lists them too, with who sent them.
    const cli = await coord(['cycle', 'status', 'cn-ls', quarter], {
      env: {
        DATA_DIR: store.dataDir,
        TEMPORAL_ADDRESS: env.address,
        TEMPORAL_NAMESPACE: env.namespace ?? 'default',
        TEMPORAL_TASK_QUEUE: taskQueue,
        COORD_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
      },
    });
    expect(cli.stdout).toContain(
      '(from the records: the workflow did not answer; is Temporal reachable and a worker running?)',
    );
    expect(cli.stdout).toContain('2 submission(s) recorded, not yet applied');
    expect(cli.stdout).toMatch(/ {2}mpiti-road {2}received .+ {2}by /);
    expect(cli.stdout).toMatch(/ {2}ramarothole-solar {2}received .+ {2}by /);

    // The worker is back: each submission reaches its workflow once, and each owner gets one receipt.
    worker = await startWorker(store, taskQueue, smtp);
    try {
      await until(
        'both submissions applied',
        async () => (await store.intake.listForCycle('cn-ls', quarter, 'applied')).length === 2,
        90_000,
      );
      expect(await store.intake.listForCycle('cn-ls', quarter)).toEqual([]);
      for (const projectId of ['mpiti-road', 'ramarothole-solar']) {
        const workflowId = updateWorkflowId('cn-ls', quarter, projectId);
        expect(await env.client.workflow.getHandle(workflowId).query(updateState)).toMatchObject({
          state: 'submitted',
          revision: 1,
        });
        expect((await store.submissions.revisions('cn-ls', quarter, projectId)).map((r) => r.revision)).toEqual([1]);
        const receipts = await until(`the receipt of ${projectId}`, async () => {
          const rows = (await outbox.listForWorkflow(workflowId)).filter((m) => m.kind === 'receipt');
          return rows.length > 0 && rows;
        });
        expect(receipts.map((m) => m.step)).toEqual(['receipt-r1']);
        // The receipt email itself reached the relay once.
        const [receipt] = receipts;
        await smtp!.waitFor(() => smtp!.byMessageId(receipt.messageId).length > 0, 60_000);
        expect(smtp!.byMessageId(receipt.messageId)).toHaveLength(1);
        const accepted = (await env.client.workflow.getHandle(workflowId).fetchHistory()).events!.filter(
          (e) => e.workflowExecutionUpdateAcceptedEventAttributes,
        );
        expect(accepted).toHaveLength(1);
      }
      expect((await store.submissions.latest('cn-ls', quarter, 'ramarothole-solar'))?.body.achievements).toBe(
        'Panels mounted.',
      );
    } finally {
      await app.close();
      app = undefined;
      await env.client.workflow.getHandle(cycleWorkflowId('cn-ls', quarter)).terminate('the test is over');
      await worker.stop();
    }
  }, 240_000);
});
