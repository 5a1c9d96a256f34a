/**
 * On a real dev server: what Temporal stores of a quarter is encrypted. A quarter's submissions, an extension
 * request, the session and its decisions go through the real workflows; then the raw history (read through
 * Temporal's API, no codec) is searched for every piece of text a person typed, and for names and addresses.
 */
import os from 'node:os';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { buildApp } from '../../src/api/app';
import { SESSION_COOKIE } from '../../src/api/web-sessions';
import { temporalCycleGateway } from '../../src/api/temporal-cycle-gateway';
import { loadConfig } from '../../src/config';
import { quarterOf } from '../../src/domain';
import { decryptPayload, projectDataConverter, PayloadDecryptionError } from '../../src/temporal/codec';
import { sendUpdate, startCycle } from '../../src/temporal/cycles';
import { actionItemWorkflowId, cycleWorkflowId, updateWorkflowId } from '../../src/temporal/ids';
import { parsePayloadKeys } from '../../src/temporal/keys';
import {
  actionItemState,
  convene,
  cycleState,
  recordDecisions,
  requestExtension,
  submitUpdate,
  updateState,
} from '../../src/workflows/messages';
import { createFakeActivities } from '../helpers/fake-activities';
import { isSearchAttribute, payloadsOf } from '../helpers/history-payloads';
import { TEST_PAYLOAD_KEYS, TEST_PAYLOAD_KEYS_ROTATED } from '../helpers/payload-keys';
import { bundleWorkflows, createLocalEnv, uniqueTaskQueue, withWorker } from '../helpers/temporal';
import { coord } from '../cli/run-coord';
import { signIn } from '../e2e/stack';
import { createTestStore } from '../helpers/store';
import { until } from '../helpers/until';
import { world } from './cycle-fixture';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  [env, bundle] = await Promise.all([createLocalEnv(), bundleWorkflows()]);
}, 120_000);
afterAll(async () => {
  await env?.teardown();
});

/** What people typed in this quarter: none of it may be readable in Temporal. */
const TYPED = {
  statusReason: 'Bridge abutment cracked near Ha Mpiti',
  achievements: 'Grader crew led by Thabo Mokoena finished 14 km',
  challenges: 'Fuel deliveries from Maseru depot late twice',
  nextSteps: 'Resurface the Quthing junction in April',
  supportRequested: 'Customs clearance for bitumen tankers',
  milestoneNote: 'Culvert seven handed over early',
  actionNote: 'Schedule shared with the Embassy counsellor',
  solarReason: 'Inverters held at Durban port',
  decision: 'The ministry will fund an independent bridge survey',
  sessionNotes: 'Counsellor Li Wei asked for monthly photos',
  actionTitle: 'Commission the bridge survey from Lerato Consulting',
  venue: 'Conference room of Palesa Nthabiseng',
  email: 'thabo.mokoena@roads.example.org',
};

/** The whole raw history of a workflow, as the server returns it (no codec on this client). */
async function rawHistory(client: Client, workflowId: string): Promise<temporal.api.history.v1.IHistory> {
  return client.workflow.getHandle(workflowId).fetchHistory();
}

describe('what Temporal stores of a quarter', () => {
  const mechanism = 'enc-ls';
  const quarter = quarterOf(new Date(), 'Africa/Maseru');
  const cycle = cycleWorkflowId(mechanism, quarter);
  const road = updateWorkflowId(mechanism, quarter, 'mpiti-road');
  const solar = updateWorkflowId(mechanism, quarter, 'solar-plant');
  const ids = [cycle, road, solar, actionItemWorkflowId(mechanism, 'enc-item')];
  /** The raw histories of the quarter, read as an operator of the cluster (or a backup of its database) would: no codec. */
  const histories = new Map<string, temporal.api.history.v1.IHistory>();

  beforeAll(async () => {
    const taskQueue = uniqueTaskQueue('enc');
    const fakes = createFakeActivities(world, async () => Date.now());
    await withWorker(env, bundle, taskQueue, fakes.activities, async () => {
      await startCycle(env.client, mechanism, quarter, { taskQueue });
      await until(
        'the project updates to start',
        async () => (await env.client.workflow.getHandle(cycle).query(cycleState)).projects.length === 2,
      );
      // The children start right after the cycle lists them: until then they are not found.
      for (const id of [road, solar]) {
        await until(
          `${id} to start`,
          async () =>
            (
              await env.client.workflow
                .getHandle(id)
                .query(updateState)
                .catch(() => undefined)
            )?.state !== undefined,
        );
      }
      expect(
        await sendUpdate(env.client, road, requestExtension, { days: 2, requestedBy: 'owner-roads' }),
      ).toMatchObject({ accepted: true });
      const submitted = await sendUpdate(env.client, road, submitUpdate, {
        submission: {
          status: 'at-risk',
          statusReason: `${TYPED.statusReason} (${TYPED.email})`,
          progressPercent: 40,
          achievements: TYPED.achievements,
          challenges: TYPED.challenges,
          nextSteps: TYPED.nextSteps,
          supportRequested: TYPED.supportRequested,
          milestoneUpdates: [{ milestoneId: 'culverts', note: TYPED.milestoneNote }],
          actionItemUpdates: [{ actionItemId: 'prev-item', done: true, note: TYPED.actionNote }],
        },
        submittedBy: 'owner-roads',
      });
      expect(submitted).toMatchObject({ accepted: true });
      expect(
        await sendUpdate(env.client, solar, submitUpdate, {
          submission: { status: 'off-track', statusReason: TYPED.solarReason, progressPercent: 55 },
          submittedBy: 'owner-energy',
        }),
      ).toMatchObject({ accepted: true });
      await until(
        'the cycle to wait for the session to be convened',
        async () => (await env.client.workflow.getHandle(cycle).query(cycleState)).phase === 'convening',
        60_000,
      );
      const startsAt = new Date(Date.now() + 3000).toISOString();
      expect(
        await sendUpdate(env.client, cycle, convene, {
          startsAt,
          venue: TYPED.venue,
          chairs: ['chair-ls', 'chair-cn'],
          attendees: ['owner-roads', 'sec-ls'],
        }),
      ).toMatchObject({
        accepted: true,
      });
      await until(
        'the session to start',
        async () => (await env.client.workflow.getHandle(cycle).query(cycleState)).phase === 'in-session',
        60_000,
      );
      const recorded = await sendUpdate(env.client, cycle, recordDecisions, {
        decisions: [
          {
            id: 'd1',
            text: TYPED.decision,
            actionItems: [{ id: 'enc-item', title: TYPED.actionTitle, owner: 'owner-roads', dueDate: '2099-05-14' }],
          },
        ],
        notes: TYPED.sessionNotes,
      });
      expect(recorded).toMatchObject({ accepted: true });
      await until(
        'the minutes and the action item',
        async () =>
          fakes.calls.some((c) => c.name === 'renderMinutes') &&
          (await env.client.workflow
            .getHandle(actionItemWorkflowId(mechanism, 'enc-item'))
            .query(actionItemState)
            .catch(() => undefined)),
      );
      // Readable to the project's own client (it holds the key).
      expect(await env.client.workflow.getHandle(road).query(updateState)).toMatchObject({ state: 'submitted' });

      const plain = new Client({
        connection: env.connection,
        namespace: env.namespace ?? 'default',
        dataConverter: projectDataConverter(null),
      });
      for (const id of ids) histories.set(id, await rawHistory(plain, id));
      for (const id of ids)
        await env.client.workflow
          .getHandle(id)
          .terminate('test over')
          .catch(() => undefined);
    });
  }, 180_000);

  it('holds no submission text, decision, note, name or email address in any workflow history', () => {
    const found: string[] = [];
    let encrypted = 0;
    for (const id of ids) {
      const history = histories.get(id)!;
      const bytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish()).toString('latin1');
      for (const text of Object.values(TYPED)) {
        for (const fragment of [text, ...text.split(' ').filter((w) => w.length >= 6)]) {
          if (bytes.includes(fragment)) found.push(`${id}: "${fragment}"`);
        }
      }
      for (const p of payloadsOf(history)) {
        // Search attributes and the ids of patch markers (written by the SDK's core, code not data) are not payloads
        // of the application: they never go through a codec.
        if (isSearchAttribute(p) || /markerRecordedEventAttributes\.details\.patch-data/.test(p.path)) continue;
        expect({ id, path: p.path, encoding: p.encoding, keyId: p.keyId }).toEqual({
          id,
          path: p.path,
          encoding: 'binary/encrypted',
          keyId: 'test-a',
        });
        encrypted++;
      }
    }
    expect(found).toEqual([]);
    expect(encrypted).toBeGreaterThan(50);
    // Search attributes stay readable, and hold ids and states only.
    const attributes = payloadsOf(histories.get(road)!)
      .filter(isSearchAttribute)
      .map((p) => Buffer.from(p.payload.data ?? []).toString('utf8'));
    expect(attributes.join(' ')).toContain('mpiti-road');
    expect(attributes.join(' ')).not.toMatch(/@|Mokoena|Bridge/);
  });
});

describe('rotating the payload key', () => {
  it('keeps cycles started under the old key running and readable, and names the key once it is removed', async () => {
    const keysA = parsePayloadKeys(TEST_PAYLOAD_KEYS);
    const keysBA = parsePayloadKeys(TEST_PAYLOAD_KEYS_ROTATED);
    const keysB = parsePayloadKeys(TEST_PAYLOAD_KEYS_ROTATED.split(',')[0]);
    expect([keysA.current.id, keysBA.current.id, keysB.current.id]).toEqual(['test-a', 'test-b', 'test-b']);
    const clientWith = (keys: ReturnType<typeof parsePayloadKeys>) =>
      new Client({
        connection: env.connection,
        namespace: env.namespace ?? 'default',
        dataConverter: projectDataConverter(keys),
      });
    const quarter = quarterOf(new Date(), 'Africa/Maseru');
    const taskQueue = uniqueTaskQueue('rotate');
    const fakes = createFakeActivities(world, async () => Date.now());
    const oldCycle = cycleWorkflowId('rota-ls', quarter);
    const oldRoad = updateWorkflowId('rota-ls', quarter, 'mpiti-road');
    const newCycle = cycleWorkflowId('rotb-ls', quarter);
    const newRoad = updateWorkflowId('rotb-ls', quarter, 'mpiti-road');
    const started = (client: Client, id: string) =>
      until(
        `${id} to start`,
        async () =>
          (
            await client.workflow
              .getHandle(id)
              .query(updateState)
              .catch(() => undefined)
          )?.state !== undefined,
      );

    // Key A only: a cycle starts and an owner submits.
    const clientA = clientWith(keysA);
    await withWorker(
      env,
      bundle,
      taskQueue,
      fakes.activities,
      async () => {
        await startCycle(clientA, 'rota-ls', quarter, { taskQueue });
        await started(clientA, oldRoad);
        expect(
          await sendUpdate(clientA, oldRoad, submitUpdate, {
            submission: { status: 'on-track', progressPercent: 10 },
            submittedBy: 'owner-roads',
          }),
        ).toMatchObject({ accepted: true });
      },
      { payloadKeys: keysA },
    );

    // Rotated: B is current, A still decrypts. A new worker (nothing cached) carries the old cycle on from its history.
    const clientBA = clientWith(keysBA);
    await withWorker(
      env,
      bundle,
      taskQueue,
      fakes.activities,
      async () => {
        expect(
          await sendUpdate(clientBA, oldRoad, submitUpdate, {
            submission: { status: 'on-track', progressPercent: 20 },
            submittedBy: 'owner-roads',
          }),
        ).toMatchObject({
          accepted: true,
          result: { revision: 2 },
        });
        await startCycle(clientBA, 'rotb-ls', quarter, { taskQueue });
        await started(clientBA, newRoad);
        expect(
          await sendUpdate(clientBA, newRoad, submitUpdate, {
            submission: { status: 'on-track', progressPercent: 70 },
            submittedBy: 'owner-roads',
          }),
        ).toMatchObject({ accepted: true });
        expect(await clientBA.workflow.getHandle(oldRoad).query(updateState)).toMatchObject({
          state: 'submitted',
          revision: 2,
        });
        expect(await clientBA.workflow.getHandle(newRoad).query(updateState)).toMatchObject({
          state: 'submitted',
          revision: 1,
        });
        expect(await (await clientBA.workflow.getHandle(oldCycle).describe()).staticSummary()).toContain('rota-ls');
        expect(await (await clientBA.workflow.getHandle(newCycle).describe()).staticSummary()).toContain('rotb-ls');
      },
      { payloadKeys: keysBA },
    );

    // The old history holds both keys (A before the rotation, B after); the new one only B.
    const keyIdsOf = async (id: string) =>
      new Set(
        payloadsOf(await clientA.workflow.getHandle(id).fetchHistory())
          .map((p) => p.keyId)
          .filter(Boolean),
      );
    expect([...(await keyIdsOf(oldRoad))].sort()).toEqual(['test-a', 'test-b']);
    expect([...(await keyIdsOf(newRoad))]).toEqual(['test-b']);

    // What an operator checks before retiring key A: open workflows still use it.
    const usage = await coord(['key', 'usage', '--json'], {
      env: {
        DATA_DIR: os.tmpdir(),
        TEMPORAL_ADDRESS: env.address,
        TEMPORAL_NAMESPACE: env.namespace ?? 'default',
        COORD_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS_ROTATED,
      },
    });
    expect(usage.stderr).toBe('');
    const byKey = Object.fromEntries(
      (JSON.parse(usage.stdout) as { keys: { keyId: string; configured: string; openWorkflows: number }[] }).keys.map(
        (k) => [k.keyId, k],
      ),
    );
    expect(byKey['test-b']).toMatchObject({ configured: 'current' });
    expect(byKey['test-a']).toMatchObject({ configured: 'yes' });
    expect(byKey['test-a'].openWorkflows).toBeGreaterThanOrEqual(3); // the old cycle and its two updates
    expect(byKey['test-b'].openWorkflows).toBeGreaterThanOrEqual(4); // the new cycle, its updates, the old road

    // Key A removed too early: what was written under it fails, naming the key it needs.
    const clientB = clientWith(keysB);
    await expect((await clientB.workflow.getHandle(oldCycle).describe()).staticSummary()).rejects.toThrow(
      /key id "test-a".*COORD_PAYLOAD_KEYS/,
    );
    expect(await (await clientB.workflow.getHandle(newCycle).describe()).staticSummary()).toContain('rotb-ls');
    const firstInput = payloadsOf(await clientB.workflow.getHandle(oldRoad).fetchHistory())[0].payload;
    expect(() => decryptPayload(keysB, firstInput)).toThrow(PayloadDecryptionError);
    expect(() => decryptPayload(keysB, firstInput)).toThrow(
      'payload encrypted with key id "test-a", which is not among the configured payload keys (COORD_PAYLOAD_KEYS)',
    );
    expect(decryptPayload(keysBA, firstInput).metadata?.encoding).toBeDefined();
    for (const id of [oldCycle, newCycle, oldRoad, newRoad])
      await clientBA.workflow
        .getHandle(id)
        .terminate('test over')
        .catch(() => undefined);
  }, 180_000);
});

describe('reading the encrypted history through the codec server', () => {
  it('decodes for an API token or a signed-in officer, answers 401 to anyone else and allows only Temporal UI as a browser origin', async () => {
    const mechanism = 'codec-ls';
    const quarter = quarterOf(new Date(), 'Africa/Maseru');
    const road = updateWorkflowId(mechanism, quarter, 'mpiti-road');
    const taskQueue = uniqueTaskQueue('codec');
    const fakes = createFakeActivities(world, async () => Date.now());
    let history: temporal.api.history.v1.IHistory = {};
    await withWorker(env, bundle, taskQueue, fakes.activities, async () => {
      await startCycle(env.client, mechanism, quarter, { taskQueue });
      await until(
        'the road update to start',
        async () =>
          (
            await env.client.workflow
              .getHandle(road)
              .query(updateState)
              .catch(() => undefined)
          )?.state !== undefined,
      );
      const submission = {
        status: 'at-risk',
        statusReason: 'Bridge abutment cracked',
        progressPercent: 40,
        achievements: 'Grader crew finished 14 km',
      } as const;
      expect(
        await sendUpdate(env.client, road, submitUpdate, { submission, submittedBy: 'owner-roads' }),
      ).toMatchObject({ accepted: true });
      history = await new Client({
        connection: env.connection,
        namespace: env.namespace ?? 'default',
        dataConverter: projectDataConverter(null),
      }).workflow
        .getHandle(road)
        .fetchHistory();
      await env.client.workflow.getHandle(cycleWorkflowId(mechanism, quarter)).terminate('test over');
    });

    const store = await createTestStore();
    const sessionSecret = 's'.repeat(40);
    const app = await buildApp({
      config: loadConfig({
        DATA_DIR: store.dataDir,
        COORD_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
        TEMPORAL_UI_URL: 'http://127.0.0.1:8233',
      }),
      readiness: {},
      store,
      cycles: temporalCycleGateway({
        client: env.client,
        taskQueue,
        namespace: env.namespace ?? 'default',
        temporalUiUrl: 'http://127.0.0.1:8233',
      }),
      sessionSecret,
    });
    try {
      const { token } = await store.apiTokens.create({ name: 'ops' });
      // Encoding is an administrator's: a write token of an admin.
      const operator = await store.users.create({
        email: 'operator@example.org',
        name: 'Thabo Operator',
        password: 'a long operator password',
        role: 'admin',
      });
      const { token: operatorToken } = await store.apiTokens.create({
        name: 'operator',
        userId: operator.id,
        scope: 'write',
      });
      const officer = await store.users.create({
        email: 'officer@example.org',
        name: 'Palesa Officer',
        password: 'correct horse battery staple',
      });
      const { cookie } = await signIn(app, { email: officer.email, password: 'correct horse battery staple' });
      // As Temporal UI and `temporal workflow show --codec-endpoint` send them: JSON payloads, bytes in base64.
      const encrypted = payloadsOf(history).filter((p) => p.encoding === 'binary/encrypted');
      const payloads = encrypted.map(({ payload }) => ({
        metadata: Object.fromEntries(
          Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
        ),
        data: Buffer.from(payload.data ?? []).toString('base64'),
      }));
      const decode = (headers: Record<string, string>) =>
        app.inject({
          method: 'POST',
          url: '/codec/decode?preserveStorageRefs=true',
          headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers },
          payload: { payloads },
        });
      const readable = (body: string) =>
        (JSON.parse(body) as { payloads: { data: string }[] }).payloads
          .map((p) => Buffer.from(p.data, 'base64').toString('utf8'))
          .join('\n');

      const withToken = await decode({ authorization: `Bearer ${token}` });
      expect(withToken.statusCode).toBe(200);
      expect(readable(withToken.body)).toContain('Bridge abutment cracked');
      expect(readable(withToken.body)).toContain('Grader crew finished 14 km');
      const withSession = await decode({ cookie, origin: 'http://127.0.0.1:8233' });
      expect(withSession.statusCode).toBe(200);
      expect(withSession.headers['access-control-allow-origin']).toBe('http://127.0.0.1:8233');
      expect(withSession.headers['access-control-allow-credentials']).toBe('true');
      expect(readable(withSession.body)).toContain('Bridge abutment cracked');

      for (const headers of [
        {} as Record<string, string>,
        { authorization: 'Bearer not-a-token' },
        { cookie: `${SESSION_COOKIE}=forged.cookie` },
      ]) {
        const refused = await decode(headers);
        expect(refused.statusCode).toBe(401);
        expect(refused.body).not.toContain('Bridge');
      }
      // A page of another origin gets no CORS permission, so a browser never hands it the answer.
      const elsewhere = await decode({ cookie, origin: 'http://127.0.0.1:9999' });
      expect(elsewhere.headers['access-control-allow-origin']).toBeUndefined();
      const preflight = (origin: string) =>
        app.inject({
          method: 'OPTIONS',
          url: '/codec/decode',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'content-type,x-namespace',
          },
        });
      const fromUi = await preflight('http://127.0.0.1:8233');
      expect(fromUi.statusCode).toBe(204);
      expect(fromUi.headers['access-control-allow-headers']).toContain('x-namespace');
      expect((await preflight('http://evil.example')).headers['access-control-allow-origin']).toBeUndefined();

      // Encoding (Temporal UI's "start workflow" with an input) gives back what decoding reads.
      const encoded = await app.inject({
        method: 'POST',
        url: '/codec/encode',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${operatorToken}` },
        payload: {
          payloads: [
            {
              metadata: { encoding: Buffer.from('json/plain').toString('base64') },
              data: Buffer.from('"hello"').toString('base64'),
            },
          ],
        },
      });
      expect(encoded.statusCode).toBe(200);
      expect(Buffer.from(JSON.parse(encoded.body).payloads[0].metadata.encoding, 'base64').toString()).toBe(
        'binary/encrypted',
      );
      expect(
        (
          await app.inject({
            method: 'POST',
            url: '/codec/encode',
            headers: { 'content-type': 'application/json' },
            payload: { payloads: [] },
          })
        ).statusCode,
      ).toBe(401);
    } finally {
      await app.close();
      await store.close();
    }
  }, 180_000);
});
