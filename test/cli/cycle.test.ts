/**
 * The operator's day against the dev stack: a Temporal dev server started by this file, a worker in this
 * process running the real workflows with the real record and notification activities (local outbox, no
 * SMTP) on a store in a temp DATA_DIR, and the real `coord` binary as a child process pointed at both.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createRecordActivities } from '../../src/activities/records';
import type { Activities } from '../../src/activities/types';
import {
  createLocalTransport,
  createNotificationActivities,
  createNotifier,
  storeDirectory,
} from '../../src/notifications';
import { DEMO_MECHANISM_FILE, importMechanismFile, openStore, type Store } from '../../src/store';
import { createOutboxRepository } from '../../src/store/outbox';
import { cycleWorkflowId, scheduleId } from '../../src/temporal/ids';
import { cycleState } from '../../src/workflows/messages';
import { createWorker } from '../../src/workers/worker';
import { createFakeActivities } from '../helpers/fake-activities';
import { bundleWorkflows, createLocalEnv, uniqueTaskQueue } from '../helpers/temporal';
import { run } from '../../src/cli/main';
import { quarterOf } from '../../src/domain';
import { coord, memoryIo } from './run-coord';
import { TEST_PAYLOAD_KEYS, testPayloadKeys } from '../helpers/payload-keys';

/** Polls `check` until it returns a value, at most `timeoutMs`. */
async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Each run of the binary costs 2-5 s under ts-node on a shared 2-core machine; these tests run several. */
const SPAWNING_TEST_TIMEOUT = 180_000;

/** A project of the demo mechanism other than the road. */
const HOSPITAL = 'maseru-hospital';

describe('coord against the dev stack', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;
  let dataDir: string;
  let store: Store;
  let worker: Worker;
  let running: Promise<void>;
  let cliEnv: Record<string, string>;
  let taskQueue: string;

  // One dev server and workflow bundle for the file; each test gets a store and a worker of its own, so no test
  // sees another's mechanism, cycles or outbox (the cycles on the shared server differ by quarter).
  beforeAll(async () => {
    [env, bundle] = await Promise.all([createLocalEnv(), bundleWorkflows()]);
  }, 120_000);
  afterAll(async () => {
    await env?.teardown();
  }, 60_000);

  beforeEach(async () => {
    taskQueue = uniqueTaskQueue('cli');
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'coord-cli-stack-'));
    store = await openStore({ dataDir });
    const fakes = createFakeActivities({}, async () => Date.now());
    const notifier = createNotifier({
      outbox: createOutboxRepository(store.db),
      transport: createLocalTransport(),
      directory: storeDirectory(store, dataDir),
      publicUrl: 'http://127.0.0.1:3000',
      mailFrom: 'secretariat@example.org',
    });
    // Documents are not what this file checks: the fakes stand in for them; records and emails are real.
    const activities: Activities = {
      ...fakes.activities,
      ...createRecordActivities(store),
      ...createNotificationActivities(notifier),
    };
    worker = await createWorker({
      payloadKeys: testPayloadKeys,
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      activities,
      workflowBundle: bundle,
    });
    running = worker.run();
    cliEnv = {
      DATA_DIR: dataDir,
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_NAMESPACE: env.namespace ?? 'default',
      TEMPORAL_TASK_QUEUE: taskQueue,
      COORD_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    };
  }, 60_000);

  afterEach(async () => {
    if (worker) {
      worker.shutdown();
      await running;
    }
    await store?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  test(
    'an operator applies the demo mechanism, starts a cycle twice (one cycle), reads its status and lists the outbox',
    async () => {
      const applied = await coord(['mechanism', 'apply', 'mechanisms/cn-ls.yaml'], { env: cliEnv });
      expect(applied.code).toBe(0);
      expect(applied.stdout).toMatch(/^mechanism cn-ls: \d+ created, 0 updated, 0 unchanged/);

      const first = await coord(['cycle', 'start', 'cn-ls', '2026-Q1', '--json'], { env: cliEnv });
      expect(first.code).toBe(0);
      // 2026-Q1 is over: the cycle opens now as a catch-up and says so, with the dates it computed.
      const isoDate = expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/);
      const instant = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(JSON.parse(first.stdout)).toEqual({
        mechanismId: 'cn-ls',
        quarter: '2026-Q1',
        workflowId: 'cycle:cn-ls:2026-Q1',
        created: true,
        running: true,
        timing: 'past',
        opensAt: instant,
        dueDate: isoDate,
        cutoffDate: isoDate,
        cutoffAt: instant,
        proposedSessionAt: instant,
        notice: expect.stringContaining('2026-Q1 is over: this is a catch-up cycle that opens now'),
      });
      expect(first.stderr).toContain('waiting for cycle:cn-ls:2026-Q1 to start');

      const second = await coord(['cycle', 'start', 'cn-ls', '2026-Q1'], { env: cliEnv });
      expect(second.code).toBe(0);
      expect(second.stdout).toContain(
        'cycle cn-ls 2026-Q1 already exists (workflow cycle:cn-ls:2026-Q1): nothing started',
      );
      const runs = await eventually('the cycle in visibility', async () => {
        const n = (await env.client.workflow.count(`WorkflowId = "${cycleWorkflowId('cn-ls', '2026-Q1')}"`)).count;
        return n > 0 && n;
      });
      expect(runs).toBe(1);

      // Each active project's update records its plan (the request itself goes out at a sensible local hour,
      // which may be tomorrow morning: nothing here depends on the time of day the test runs).
      const projects = (await store.projects.list('cn-ls', { status: 'active' })).map((p) => p.id);
      await eventually('every update to record its plan', async () => {
        const rows = await store.cycles.listProjectStates('cn-ls', '2026-Q1');
        return rows.length === projects.length && rows.every((r) => r.nextSendAt || r.lastSendAt) && rows;
      });
      await eventually('the live cycle to list every project', async () => {
        const s = await env.client.workflow.getHandle(cycleWorkflowId('cn-ls', '2026-Q1')).query(cycleState);
        return s.projects.length === projects.length;
      });
      const mpiti = (await store.cycles.listProjectStates('cn-ls', '2026-Q1')).find(
        (r) => r.projectId === 'mpiti-road',
      )!;

      const text = await coord(['cycle', 'status', 'cn-ls', '2026-Q1'], { env: cliEnv });
      expect(text.code).toBe(0);
      expect(text.stdout).toContain('cycle cn-ls 2026-Q1  phase: collecting');
      expect(text.stdout).toMatch(/PROJECT +STATE +OWNER +LAST SEND +NEXT SEND/);
      expect(text.stdout).toMatch(
        new RegExp(
          `mpiti-road +${mpiti.state} +roads-director +.*${(mpiti.nextSendAt ?? mpiti.lastSendAt)!.slice(0, 16).replace('T', ' ')}`,
        ),
      );

      const json = await coord(['cycle', 'status', 'cn-ls', '2026-Q1', '--json'], { env: cliEnv });
      expect(json.code).toBe(0);
      const status = JSON.parse(json.stdout);
      expect(status).toMatchObject({
        mechanismId: 'cn-ls',
        quarter: '2026-Q1',
        phase: 'collecting',
        source: 'workflow',
      });
      expect(status.projects.map((p: { projectId: string }) => p.projectId).sort()).toEqual([...projects].sort());
      expect(status.projects.find((p: { projectId: string }) => p.projectId === 'mpiti-road')).toMatchObject({
        state: mpiti.state,
        ownerId: 'roads-director',
        ...(mpiti.nextSendAt && { nextSendAt: mpiti.nextSendAt }),
        ...(mpiti.lastSendAt && { lastSendAt: mpiti.lastSendAt }),
      });

      // What the outbox holds from an earlier quarter: one email kept locally, one that bounced.
      const outboxRepo = createOutboxRepository(store.db);
      const email = (step: string, to: string) => ({
        id: `cli-test-${step}`,
        workflowId: 'update:cn-ls:2025-Q4:mpiti-road',
        step,
        recipientId: 'roads-director',
        mechanismId: 'cn-ls',
        quarter: '2025-Q4',
        projectId: 'mpiti-road',
        kind: step,
        toName: 'Director of Roads',
        toAddress: to,
        language: 'en',
        subject: `Quarterly update ${step}`,
        text: 'text',
        html: '<p>html</p>',
        attachments: [],
        messageId: `<${step}@example.org>`,
      });
      await outboxRepo.enqueue(email('request', 'roads-director@example.org'));
      await outboxRepo.markStored('cli-test-request');
      await outboxRepo.enqueue(email('reminder', 'bounced@example.org'));
      await outboxRepo.markUndeliverable('cli-test-reminder', '550 mailbox unavailable');

      const outbox = await coord(['outbox', 'list'], { env: cliEnv });
      expect(outbox.code).toBe(0);
      expect(outbox.stdout).toMatch(/CREATED +STATUS +KIND +CYCLE +PROJECT +TO +SUBJECT/);
      expect(outbox.stdout).toMatch(
        /stored +request +cn-ls 2025-Q4 +mpiti-road +roads-director@example.org +Quarterly update request/,
      );
      expect(outbox.stdout).toMatch(/undeliverable +reminder +cn-ls 2025-Q4 +mpiti-road +bounced@example.org/);

      const failed = await coord(['outbox', 'list', '--failed', '--json'], { env: cliEnv });
      expect(failed.code).toBe(0);
      expect(JSON.parse(failed.stdout).messages).toEqual([
        expect.objectContaining({
          status: 'undeliverable',
          kind: 'reminder',
          to: 'bounced@example.org',
          lastError: '550 mailbox unavailable',
        }),
      ]);
    },
    SPAWNING_TEST_TIMEOUT,
  );

  test(
    "the secretariat extends one project's due date by a week and waives another project's update, which then cannot be extended",
    async () => {
      await importMechanismFile(store, DEMO_MECHANISM_FILE);
      const started = await coord(['cycle', 'start', 'cn-ls', '2026-Q3'], { env: cliEnv });
      expect(started.code).toBe(0);
      const dueDateOf = async (projectId: string) =>
        (
          (await env.client.workflow.getHandle(`update:cn-ls:2026-Q3:${projectId}`).query('state')) as {
            dueDate: string;
          }
        ).dueDate;
      await eventually('the road update to be running', () => dueDateOf('mpiti-road'));
      const before = await eventually('the hospital update to be running', () => dueDateOf(HOSPITAL));

      const extended = await coord(['cycle', 'extend', 'cn-ls', '2026-Q3', HOSPITAL, '--days', '7', '--json'], {
        env: cliEnv,
      });
      expect(extended.stderr).toBe('');
      expect(extended.code).toBe(0);
      const { dueDate, previousDueDate } = JSON.parse(extended.stdout);
      expect(previousDueDate).toBe(before);
      expect(Date.parse(dueDate) - Date.parse(before)).toBeGreaterThanOrEqual(7 * 86_400_000);
      expect(await dueDateOf(HOSPITAL)).toBe(dueDate);

      const waived = await coord(
        ['cycle', 'waive', 'cn-ls', '2026-Q3', 'mpiti-road', '--reason', 'works suspended this quarter'],
        { env: cliEnv },
      );
      expect(waived.stderr).toBe('');
      expect(waived.stdout).toContain('mpiti-road: update waived for 2026-Q3');
      expect(waived.code).toBe(0);

      const again = await coord(['cycle', 'extend', 'cn-ls', '2026-Q3', 'mpiti-road', '--days', '7'], { env: cliEnv });
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('refused: the update is already waived');

      const unknown = await coord(['cycle', 'status', 'cn-ls', '2031-Q4'], { env: cliEnv });
      expect(unknown.code).toBe(3);
      expect(unknown.stderr).toContain('no cycle cn-ls 2031-Q4');
      expect((await store.audit.list({ action: 'update.waive' }))[0]).toMatchObject({
        details: { reason: 'works suspended this quarter' },
      });
    },
    SPAWNING_TEST_TIMEOUT,
  );

  test(
    'the operator creates the schedule that opens the cycles, pauses it and resumes it',
    async () => {
      await importMechanismFile(store, DEMO_MECHANISM_FILE);
      const handle = env.client.schedule.getHandle(scheduleId('cn-ls'));

      const ensured = await coord(['schedule', 'ensure', 'cn-ls', '--json'], { env: cliEnv });
      expect(ensured.stderr).toBe('');
      expect(ensured.code).toBe(0);
      const created = JSON.parse(ensured.stdout);
      expect(created).toMatchObject({ mechanismId: 'cn-ls', scheduleId: 'schedule:cn-ls', paused: false });
      expect(created.outcome).toBe('created');
      expect(created.nextOpenings.length).toBeGreaterThan(0);

      const paused = await coord(['schedule', 'pause', 'cn-ls', '--note', 'no session this quarter'], { env: cliEnv });
      expect(paused.code).toBe(0);
      expect(paused.stdout).toContain('schedule schedule:cn-ls paused');
      expect((await handle.describe()).state).toMatchObject({ paused: true, note: 'no session this quarter' });

      const resumed = await coord(['schedule', 'resume', 'cn-ls'], { env: cliEnv });
      expect(resumed.code).toBe(0);
      expect(resumed.stdout).toContain('schedule schedule:cn-ls resumed; next opening');
      expect((await handle.describe()).state.paused).toBe(false);

      // Triggering runs the schedule's action now: the current quarter's cycle opens (in-process run: same code, no spawn).
      const io = memoryIo();
      expect(await run(['schedule', 'trigger', 'cn-ls'], io, cliEnv)).toBe(0);
      expect(io.out()).toContain('schedule schedule:cn-ls triggered');
      const current = quarterOf(new Date(), 'Africa/Maseru');
      await eventually(
        `the ${current} cycle opened by the schedule, running`,
        async () =>
          (await env.client.workflow.getHandle(cycleWorkflowId('cn-ls', current)).describe()).status.name === 'RUNNING',
      );
      expect((await store.audit.list({ entityType: 'schedule' })).map((e) => e.action)).toEqual(
        expect.arrayContaining(['schedule.paused', 'schedule.resumed', 'schedule.triggered']),
      );
    },
    SPAWNING_TEST_TIMEOUT,
  );

  test('after Temporal has forgotten a cycle, its status still comes from the records', async () => {
    await importMechanismFile(store, DEMO_MECHANISM_FILE);
    await store.cycles.open({
      mechanismId: 'cn-ls',
      quarter: '2024-Q2',
      workflowId: cycleWorkflowId('cn-ls', '2024-Q2'),
      openedAt: '2024-06-03T06:00:00Z',
      dueDate: '2024-06-21',
    });
    await store.cycles.setPhase('cn-ls', '2024-Q2', 'closed', '2024-07-15T10:00:00Z');
    await store.cycles.setProjectState({
      mechanismId: 'cn-ls',
      quarter: '2024-Q2',
      projectId: 'mpiti-road',
      ownerId: 'roads-director',
      state: 'submitted',
      lastSendAt: '2024-06-14T06:00:00Z',
      nextSendAt: '2024-06-19T06:00:00Z',
    });
    await store.cycles.setProjectState({
      mechanismId: 'cn-ls',
      quarter: '2024-Q2',
      projectId: 'maseru-hospital',
      ownerId: 'health-infrastructure',
      state: 'missing',
      lastSendAt: '2024-06-26T06:00:00Z',
    });

    const io = memoryIo();
    expect(await run(['cycle', 'status', 'cn-ls', '2024-Q2', '--json'], io, cliEnv)).toBe(0);
    const status = JSON.parse(io.out());
    expect(status).toMatchObject({ phase: 'closed', source: 'store', dueDate: '2024-06-21' });
    // A submitted update sends nothing more: no "next send", whatever the last plan said.
    expect(status.projects).toEqual([
      {
        projectId: 'maseru-hospital',
        state: 'missing',
        ownerId: 'health-infrastructure',
        lastSendAt: '2024-06-26T06:00:00.000Z',
      },
      {
        projectId: 'mpiti-road',
        state: 'submitted',
        ownerId: 'roads-director',
        lastSendAt: '2024-06-14T06:00:00.000Z',
      },
    ]);

    const text = memoryIo();
    expect(await run(['cycle', 'status', 'cn-ls', '2024-Q2'], text, cliEnv)).toBe(0);
    expect(text.out()).toContain('phase: closed  (from the records: the workflow is no longer running)');
    expect(text.out()).toMatch(/mpiti-road +submitted +roads-director +2024-06-14 06:00 +-\n/);
  });
});
