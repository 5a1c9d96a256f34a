/**
 * Commands answer promptly (issue 15, point 2) on a real Temporal dev server, with the real web server on a socket, the
 * real store, the real activities and a real SMTP server on 127.0.0.1 that answers nothing while the commands are
 * sent: an owner's extension request, the secretariat's grant and `PUT .../session` answer while the relay hangs, the
 * cycle's status says what is still being sent, and once the relay answers every email goes out exactly once.
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
import { projectDataConverter } from '../../src/temporal/codec';
import { startCycle } from '../../src/temporal/cycles';
import { cycleWorkflowId, updateWorkflowId } from '../../src/temporal/ids';
import { testPayloadKeys } from '../helpers/payload-keys';
import { startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp';
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

describe('commands while the SMTP relay answers nothing', () => {
  let store: TestStore;
  let smtp: SmtpCatcher | undefined;
  let app: FastifyInstance | undefined;
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    smtp?.release();
    await app?.close();
    for (const c of cleanup.reverse()) await c();
    await smtp?.close();
    await store?.close();
  });

  it("answers an owner's extension request, the secretariat's grant and the convening of the session while SMTP hangs, shows what is still being sent, then sends every email once", async () => {
    store = await createTestStore();
    await loadDemoIfEmpty(store);
    smtp = await startSmtpCatcher();
    const catcher = smtp;
    const quarter = quarterOf(new Date(), 'Africa/Maseru');
    const config = loadConfig({ DATA_DIR: store.dataDir, TEMPORAL_TASK_QUEUE: uniqueTaskQueue('prompt') });
    const taskQueue = config.TEMPORAL_TASK_QUEUE;
    const outbox = createOutboxRepository(store.db);
    const worker = await startRealWorker(env, bundle, store, taskQueue, catcher.url);
    cleanup.push(() => worker.stop());
    cleanup.push(async () => {
      await env.client.workflow
        .getHandle(cycleWorkflowId('cn-ls', quarter))
        .terminate('the test is over')
        .catch(() => undefined);
    });
    await startCycle(env.client, 'cn-ls', quarter, { taskQueue });
    const projectIds = (await store.projects.list('cn-ls', { status: 'active' })).map((p) => p.id);
    await until(
      'every update workflow recorded',
      async () => (await store.cycles.listProjectStates('cn-ls', quarter)).length === projectIds.length,
    );

    const connection = await Connection.connect({ address: env.address });
    cleanup.push(() => connection.close());
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
    app = await buildApp({ config, readiness: {}, store, cycles: gateway });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const officer = await store.users.create({
      email: 'officer@example.org',
      name: 'Officer',
      password: 'a long passphrase',
      role: 'secretariat',
    });
    const { token: apiToken } = await store.apiTokens.create({ name: 'test', scope: 'write', userId: officer.id });
    const api = async (method: string, path: string, body?: unknown) => {
      const started = Date.now();
      const res = await fetch(`${base}/api/v1/mechanisms/cn-ls/cycles/${quarter}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${apiToken}`,
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      // Printed for the closing note; the test asserts what happened, never how fast.
      if (method !== 'GET') console.log(`${method} ${path}: ${res.status} in ${Date.now() - started} ms`);
      return res;
    };
    const emailsOf = async (workflowId: string, step: string) =>
      (await outbox.listForWorkflow(workflowId)).filter((m) => m.step === step);
    const sentOnce = async (workflowId: string, step: string, count: number) => {
      const rows = await until(
        `${step} sent`,
        async () => {
          const r = await emailsOf(workflowId, step);
          return r.length === count && r.every((m) => m.status === 'sent') && r;
        },
        120_000,
      );
      for (const m of rows) {
        await catcher.waitFor(() => catcher.byMessageId(m.messageId).length > 0, 30_000);
        expect({ step, to: m.recipientId, copies: catcher.byMessageId(m.messageId).length }).toEqual({
          step,
          to: m.recipientId,
          copies: 1,
        });
      }
    };

    // ---- collecting: the relay hangs ----
    catcher.hold();
    const owner = (await store.projects.get('cn-ls', 'mpiti-road'))!.owner;
    const link = await store.ownerLinks.issue({
      mechanismId: 'cn-ls',
      quarter,
      projectId: 'mpiti-road',
      contactId: owner,
      expiresAt: '2099-01-01T00:00:00Z',
    });
    // The owner asks for 3 more days (within the policy's automatic limit): granted at once, the email follows.
    const asked = await fetch(`${base}/u/${link}/extension`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'days=3',
    });
    expect(asked.status).toBe(200);
    expect(await asked.text()).toContain('Extension granted');
    // The secretariat extends another project through the API.
    const granted = await api('POST', '/projects/ramarothole-solar/extension', { dueDate: '2099-06-30' });
    expect(granted.status).toBe(200);
    expect(await granted.json()).toEqual({ accepted: true, result: { dueDate: '2099-06-30' } });
    // Both answered while the relay had accepted neither email: they wait at MAIL FROM. (Request emails already past
    // MAIL FROM when the relay started holding may still arrive: only the grants' own Message-IDs are looked for.)
    await until('the relay holds the grant emails', async () => catcher.held > 0);
    const grants = await until('both grant emails in the outbox', async () => {
      const rows = [
        ...(await emailsOf(updateWorkflowId('cn-ls', quarter, 'mpiti-road'), 'extension-granted-1')),
        ...(await emailsOf(updateWorkflowId('cn-ls', quarter, 'ramarothole-solar'), 'extension-granted-1')),
      ];
      return rows.length === 2 && rows;
    });
    expect(grants.map((m) => ({ status: m.status, copies: catcher.byMessageId(m.messageId).length }))).toEqual([
      { status: expect.not.stringMatching(/^sent$/), copies: 0 },
      { status: expect.not.stringMatching(/^sent$/), copies: 0 },
    ]);

    catcher.release();
    await sentOnce(updateWorkflowId('cn-ls', quarter, 'mpiti-road'), 'extension-granted-1', 1);
    await sentOnce(updateWorkflowId('cn-ls', quarter, 'ramarothole-solar'), 'extension-granted-1', 1);

    // ---- convening: every update waived, the report compiled ----
    for (const projectId of projectIds)
      expect((await api('POST', `/projects/${projectId}/waiver`, {})).status).toBe(200);
    await until(
      'the convening phase',
      async () => (await store.cycles.get('cn-ls', quarter))?.phase === 'convening',
      180_000,
    );

    catcher.hold();
    const mechanism = (await store.mechanisms.get('cn-ls'))!;
    const chairs = mechanism.sides.map((s) => s.chair).filter((c): c is string => !!c);
    const attendees = mechanism.contacts.map((c) => c.id).slice(0, 5);
    const invited = [...new Set([...chairs, ...attendees])];
    const convened = await api('PUT', '/session', {
      startsAt: new Date(Date.now() + 14 * 86_400_000).toISOString(),
      venue: 'Ministry of Foreign Affairs and International Relations, Maseru',
      chairs,
      attendees,
    });
    expect(convened.status).toBe(200);
    expect(await convened.json()).toMatchObject({ accepted: true, result: { sequence: 1 } });

    // The status tells the secretariat the invitations are under way, and how many have gone: none yet.
    const sending = await until('the invitations under way in the status', async () => {
      const view = (await (await api('GET', '')).json()) as {
        followUps?: { step: string; state: string }[];
        deliveries: { step: string; sent: number; total: number }[];
      };
      const invitation = view.deliveries.find((d) => d.step === 'invitation-s1');
      return invitation?.total === invited.length && view.followUps?.some((f) => f.step === 'invitation-s1') && view;
    });
    expect(sending.followUps).toEqual([{ step: 'invitation-s1', state: 'running' }]);
    expect(sending.deliveries.find((d) => d.step === 'invitation-s1')).toEqual({
      step: 'invitation-s1',
      total: invited.length,
      sent: 0,
      undeliverable: 0,
    });
    const invitationRows = await emailsOf(cycleWorkflowId('cn-ls', quarter), 'invitation-s1');
    expect(invitationRows.filter((m) => catcher.byMessageId(m.messageId).length > 0)).toEqual([]);

    // The relay answers again: every invitation goes out once, and the status says all were sent.
    catcher.release();
    await sentOnce(cycleWorkflowId('cn-ls', quarter), 'invitation-s1', invited.length);
    const done = await until('the status with nothing pending', async () => {
      const view = (await (await api('GET', '')).json()) as {
        followUps?: unknown[];
        deliveries: { step: string; sent: number; total: number }[];
      };
      return view.followUps === undefined && view;
    });
    expect(done.deliveries.find((d) => d.step === 'invitation-s1')).toEqual({
      step: 'invitation-s1',
      total: invited.length,
      sent: invited.length,
      undeliverable: 0,
    });
  }, 420_000);
});
