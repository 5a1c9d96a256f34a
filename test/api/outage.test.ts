/**
 * Reads survive a Temporal outage (issue 14, point 4), on a real Temporal dev server that the test stops: while
 * Temporal cannot be reached, `GET .../cycles/{quarter}`, the cycle page and `coord cycle status` answer from the
 * records and say so, and a command answers 503 `temporal-unavailable` at once instead of hanging in the client's
 * retries. The times measured are printed; the bound asserted tells an answer from a hang (the SDK's own waits run
 * 10 s and more), the 2 s figure comes from the reads' live wait (1.5 s) plus the records.
 */
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app';
import { temporalCycleGateway } from '../../src/api/temporal-cycle-gateway';
import { loadConfig } from '../../src/config';
import { quarterOf } from '../../src/domain';
import { loadDemoIfEmpty } from '../../src/store';
import { projectDataConverter } from '../../src/temporal/codec';
import { startCycle } from '../../src/temporal/cycles';
import { coord } from '../cli/run-coord';
import { signIn } from '../e2e/stack';
import { TEST_PAYLOAD_KEYS, testPayloadKeys } from '../helpers/payload-keys';
import { createTestStore, type TestStore } from '../helpers/store';
import { bundleWorkflows, createLocalEnv, startRealWorker, uniqueTaskQueue } from '../helpers/temporal';
import { until } from '../helpers/until';

/** Far above the 2 s the reads are designed for, far below the SDK's 10 s waits: an answer, not a hang. */
const ANSWERS_AT_ONCE_MS = 5000;

let env: TestWorkflowEnvironment | undefined;
let store: TestStore | undefined;
let app: FastifyInstance | undefined;
afterAll(async () => {
  await app?.close();
  // The web process's connection is left open: the reads it gave up on are still retrying (each within its 10 s
  // deadline), and closing the channel under a pending retry throws from the SDK's retry timer.
  await env?.teardown();
  await store?.close();
});

/** Runs `fn` and returns its result with how long it took. */
async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = Date.now();
  const value = await fn();
  return { value, ms: Date.now() - t0 };
}

describe('while Temporal cannot be reached', () => {
  it('the cycle, its page and `coord cycle status` answer from the records and say so, and a command answers 503 at once', async () => {
    const bundlePromise = bundleWorkflows();
    env = await createLocalEnv();
    store = await createTestStore();
    await loadDemoIfEmpty(store);
    const quarter = quarterOf(new Date(), 'Africa/Maseru');
    const config = loadConfig({ DATA_DIR: store.dataDir, TEMPORAL_TASK_QUEUE: uniqueTaskQueue('outage') });
    const taskQueue = config.TEMPORAL_TASK_QUEUE;

    // A collecting cycle, every update workflow running and recorded.
    const worker = await startRealWorker(env, await bundlePromise, store, taskQueue);
    await startCycle(env.client, 'cn-ls', quarter, { taskQueue });
    const projectIds = (await store.projects.list('cn-ls', { status: 'active' })).map((p) => p.id);
    await until(
      'every update workflow recorded',
      async () => (await store!.cycles.listProjectStates('cn-ls', quarter)).length === projectIds.length,
    );

    // The web process, with its own Temporal client.
    const connection = await Connection.connect({ address: env.address });
    const client = new Client({
      connection,
      namespace: env.namespace ?? 'default',
      dataConverter: projectDataConverter(testPayloadKeys),
    });
    const cycles = temporalCycleGateway({
      client,
      taskQueue,
      namespace: env.namespace ?? 'default',
      temporalUiUrl: 'http://127.0.0.1:8233',
    });
    app = await buildApp({ config, readiness: {}, store, cycles });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const officer = await store.users.create({
      email: 'officer@example.org',
      name: 'Officer',
      password: 'a long passphrase',
      role: 'secretariat',
    });
    const { token } = await store.apiTokens.create({ name: 'test', scope: 'write', userId: officer.id });
    const { cookie } = await signIn(app, { email: 'officer@example.org', password: 'a long passphrase' });
    const cyclePath = `/api/v1/mechanisms/cn-ls/cycles/${quarter}`;
    const getCycle = async () => {
      const res = await fetch(`${base}${cyclePath}`, { headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> & { projects: unknown[] } };
    };

    // Temporal up: the running cycle answers itself.
    const live = await getCycle();
    expect(live.status).toBe(200);
    expect(live.body.source).toBe('workflow');
    expect(live.body.unanswered).toBeUndefined();

    // Temporal goes away (every node down, network cut): the worker first, then the server.
    await worker.stop();
    const server = env;
    env = undefined;
    await server.teardown();

    // The API's cycle: from the records, marked, every project listed.
    const read = await timed(getCycle);
    expect(read.value.status).toBe(200);
    expect(read.value.body).toMatchObject({ source: 'store', unanswered: true, phase: 'collecting' });
    expect(read.value.body.projects).toHaveLength(projectIds.length);
    expect(read.ms).toBeLessThan(ANSWERS_AT_ONCE_MS);

    // The cycle page: the records, with a notice saying so, and no action buttons.
    const page = await timed(() =>
      fetch(`${base}/mechanisms/cn-ls/cycles/${quarter}`, { headers: { cookie } }).then(async (r) => ({
        status: r.status,
        body: await r.text(),
      })),
    );
    expect(page.value.status).toBe(200);
    expect(page.value.body).toContain('id="unanswered"');
    expect(page.value.body).toContain('this page shows the records as last saved');
    for (const id of projectIds) expect(page.value.body).toContain(id);
    expect(page.ms).toBeLessThan(ANSWERS_AT_ONCE_MS);

    // A command: 503 with a clear message, nothing sent, no hanging request.
    const close = await timed(async () => {
      const res = await fetch(`${base}${cyclePath}/close`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{}',
      });
      return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
    });
    expect(close.value.status).toBe(503);
    expect(close.value.retryAfter).toBe('10');
    expect(close.value.body).toEqual({
      error: { code: 'temporal-unavailable', message: expect.stringContaining('nothing was changed') },
    });
    expect(close.ms).toBeLessThan(ANSWERS_AT_ONCE_MS);

    // The operator's `coord cycle status`: the records, saying the workflow did not answer.
    const cliEnv = {
      DATA_DIR: store.dataDir,
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: taskQueue,
      COORD_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    };
    const cli = await timed(() => coord(['cycle', 'status', 'cn-ls', quarter], { env: cliEnv }));
    expect(cli.value.stderr).toBe('');
    expect(cli.value.code).toBe(0);
    expect(cli.value.stdout).toContain(
      '(from the records: the workflow did not answer; is Temporal reachable and a worker running?)',
    );
    for (const id of projectIds) expect(cli.value.stdout).toContain(id);
    const json = await coord(['cycle', 'status', 'cn-ls', quarter, '--json'], { env: cliEnv });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ source: 'store', unanswered: true, phase: 'collecting' });
    // The process's own start (Node, the CLI, the store) is measured apart: the same command for a mechanism that does
    // not exist stops right after opening the store, before any Temporal call.
    const start = await timed(() => coord(['cycle', 'status', 'no-such-mechanism', quarter], { env: cliEnv }));
    expect(start.value.code).not.toBe(0);
    expect(cli.ms - start.ms).toBeLessThan(ANSWERS_AT_ONCE_MS);

    process.stdout.write(
      `[outage] answered without Temporal: GET cycle ${read.ms} ms, cycle page ${page.ms} ms, close command 503 in ${close.ms} ms, coord cycle status ${cli.ms} ms (whole process; ${cli.ms - start.ms} ms more than a run that stops before Temporal)\n`,
    );
  }, 180_000);
});
