/**
 * Temporal UI (the dev server's, as `npm start` runs it: `--ui-codec-endpoint` at the web server's /codec) shows an
 * owner's submission decoded to a secretariat officer signed in to the web app, and encrypted to anyone else.
 *
 * The CLI's dev server (1.9.1) sets only the UI's codec endpoint; it has no flag for the UI's `includeCredentials`,
 * so the UI would call the codec server without the officer's cookie. Temporal UI lets each browser set this in its
 * "Codec Server" settings (endpoint + "Include cross-origin credentials", kept in the browser's localStorage); the
 * officer does that once, and this test does it the same way (the values the settings dialog stores). In production
 * the UI container is configured with TEMPORAL_CODEC_INCLUDE_CREDENTIALS=true instead (docker-compose.yml).
 */
import net from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ApplicationFailure } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { buildApp } from '../../src/api/app';
import { projectDataConverter } from '../../src/temporal/codec';
import { temporalCycleGateway } from '../../src/api/temporal-cycle-gateway';
import { loadConfig } from '../../src/config';
import { quarterOf } from '../../src/domain';
import { sendUpdate, startCycle } from '../../src/temporal/cycles';
import { cycleWorkflowId, updateWorkflowId } from '../../src/temporal/ids';
import { submitUpdate, updateState } from '../../src/workflows/messages';
import { launchBrowser, screenshot } from '../helpers/browser';
import { createFakeActivities } from '../helpers/fake-activities';
import { TEST_PAYLOAD_KEYS, testPayloadKeys } from '../helpers/payload-keys';
import { createTestStore, type TestStore } from '../helpers/store';
import { bundleWorkflows, createLocalEnv, uniqueTaskQueue, withWorker } from '../helpers/temporal';
import { until } from '../helpers/until';
import { world } from '../workflows/cycle-fixture';

const OFFICER = { email: 'officer@example.org', name: 'Palesa Officer', password: 'correct horse battery staple' };
const TEXT = 'Bridge abutment cracked near Ha Mpiti';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let browser: Browser;
let store: TestStore;
let appUrl: string;
let uiUrl: string;
let closeApp: () => Promise<void>;

/** A browser context with the officer's "Codec Server" settings in Temporal UI: the endpoint, with cross-origin credentials. */
async function officerContext(): Promise<BrowserContext> {
  const context = await browser.newContext();
  // What the settings dialog stores in the browser's localStorage.
  await context.addInitScript({
    content: `if (location.origin === ${JSON.stringify(uiUrl)}) {
      localStorage.setItem('endpoint', ${JSON.stringify(JSON.stringify(`${appUrl}/codec`))});
      localStorage.setItem('includeCredentials', 'true');
      localStorage.setItem('overrideRemoteCodecConfiguration', 'true');
    }`,
  });
  return context;
}

/** Signs the officer in to the web app in this page's context (the session cookie the codec server asks for). */
async function signIn(page: Page): Promise<void> {
  await page.goto(`${appUrl}/login`);
  await page.fill('#email', OFFICER.email);
  await page.fill('#password', OFFICER.password);
  await page.click('button:has-text("Sign in")');
  await page.waitForURL((u) => u.pathname === '/');
}

beforeAll(async () => {
  const [uiPort, appPort] = [await freePort(), await freePort()];
  appUrl = `http://127.0.0.1:${appPort}`;
  uiUrl = `http://127.0.0.1:${uiPort}`;
  [env, bundle, browser] = await Promise.all([
    createLocalEnv({ uiPort, extraArgs: ['--ui-codec-endpoint', `${appUrl}/codec`] }),
    bundleWorkflows(),
    launchBrowser(),
  ]);
  store = await createTestStore();
  await store.users.create(OFFICER);
  const app = await buildApp({
    config: loadConfig({
      DATA_DIR: store.dataDir,
      COORD_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
      TEMPORAL_UI_URL: uiUrl,
      PUBLIC_URL: appUrl,
    }),
    readiness: {},
    store,
    cycles: temporalCycleGateway({
      client: env.client,
      taskQueue: 'unused',
      namespace: env.namespace ?? 'default',
      temporalUiUrl: uiUrl,
    }),
  });
  await app.listen({ host: '127.0.0.1', port: appPort });
  closeApp = () => app.close().then(() => undefined);
}, 180_000);

afterAll(async () => {
  await closeApp?.();
  await store?.close();
  await browser?.close();
  await env?.teardown();
});

describe('Temporal UI with the codec server', () => {
  it('shows an owner’s submission decoded to a signed-in officer and encrypted to anyone else', async () => {
    const quarter = quarterOf(new Date(), 'Africa/Maseru');
    const road = updateWorkflowId('ui-ls', quarter, 'mpiti-road');
    const taskQueue = uniqueTaskQueue('ui');
    const fakes = createFakeActivities(world, async () => Date.now());
    await withWorker(env, bundle, taskQueue, fakes.activities, async () => {
      await startCycle(env.client, 'ui-ls', quarter, { taskQueue });
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
      const submission = { status: 'at-risk', statusReason: TEXT, progressPercent: 40 } as const;
      expect(
        await sendUpdate(env.client, road, submitUpdate, { submission, submittedBy: 'owner-roads' }),
      ).toMatchObject({ accepted: true });
    });
    const history = await env.client.workflow.getHandle(road).fetchHistory();
    const accepted = history.events!.find((e) => e.workflowExecutionUpdateAcceptedEventAttributes)!;
    const { runId } = await env.client.workflow.getHandle(road).describe();
    const eventPage = `${uiUrl}/namespaces/default/workflows/${encodeURIComponent(road)}/${runId}/history/events/${accepted.eventId}`;

    const context = await officerContext();
    const page = await context.newPage();
    // Not signed in: the codec server answers 401, the UI says so and shows the payload still encrypted.
    await page.goto(eventPage);
    await page.locator('#content').getByText('Codec Server could not connect').waitFor({ timeout: 60_000 });
    await page.getByText(Buffer.from('binary/encrypted').toString('base64')).first().waitFor({ timeout: 60_000 });
    const before = await page.innerText('body');
    await screenshot(page, 'codec-01-not-signed-in');
    expect(before).toContain(Buffer.from('binary/encrypted').toString('base64'));
    expect(before).not.toContain(TEXT);

    // Signed in to the web app (same site, so the UI's credentialed request carries the session cookie): decoded.
    await signIn(page);
    await page.goto(eventPage);
    await page.getByText(TEXT).first().waitFor({ timeout: 60_000 });
    await screenshot(page, 'codec-02-signed-in');
    expect(await page.innerText('body')).not.toContain('Codec Server could not connect');
    await context.close();

    // The dev server's own UI settings alone (no per-browser credentials setting): the cookie is not sent, so even
    // a signed-in officer sees the payload encrypted. This is why the settings above are needed with the CLI.
    const plainContext = await browser.newContext();
    const plainPage = await plainContext.newPage();
    await signIn(plainPage);
    await plainPage.goto(eventPage);
    await plainPage.locator('#content').getByText('Codec Server could not connect').waitFor({ timeout: 60_000 });
    expect(await plainPage.innerText('body')).not.toContain(TEXT);
    await plainContext.close();
    await env.client.workflow.getHandle(cycleWorkflowId('ui-ls', quarter)).terminate('test over');
  }, 240_000);

  it('shows a failure’s message decoded to a signed-in officer and encoded to anyone else', async () => {
    // An activity refused by the relay, naming the address (failures are encrypted like payloads:
    // src/temporal/failure-converter.ts).
    const address = 'director.roads@ministry.example';
    const taskQueue = uniqueTaskQueue('ui-failure');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await bundleWorkflows({ workflowsPath: require.resolve('../temporal/failing-workflow') }),
      dataConverter: projectDataConverter(testPayloadKeys),
      activities: {
        async refuse(to: string) {
          throw ApplicationFailure.nonRetryable(`550 5.1.1 <${to}>: recipient address rejected`, 'Undeliverable');
        },
      },
    });
    const handle = await worker.runUntil(async () => {
      const started = await env.client.workflow.start('failsNamingAnAddress', {
        taskQueue,
        workflowId: taskQueue,
        args: [address],
      });
      await started.result().catch(() => undefined);
      return started;
    });
    const history = await handle.fetchHistory();
    const failed = history.events!.find((e) => e.activityTaskFailedEventAttributes)!;
    const { runId } = await handle.describe();
    const eventPage = `${uiUrl}/namespaces/default/workflows/${encodeURIComponent(taskQueue)}/${runId}/history/events/${failed.eventId}`;
    const refusal = `550 5.1.1 <${address}>: recipient address rejected`;

    const context = await officerContext();
    const page = await context.newPage();
    // Not signed in: the codec server answers 401, and the UI shows the failure as Temporal keeps it.
    await page.goto(eventPage);
    await page.locator('#content').getByText('Codec Server could not connect').waitFor({ timeout: 60_000 });
    await page.getByText('Encoded failure').first().waitFor({ timeout: 60_000 });
    await screenshot(page, 'codec-03-failure-not-signed-in');
    expect(await page.innerText('body')).not.toContain(address);

    await signIn(page);
    await page.goto(eventPage);
    const decoded = page.getByText(refusal).first();
    await decoded.waitFor({ timeout: 60_000 });
    await decoded.scrollIntoViewIfNeeded();
    await screenshot(page, 'codec-04-failure-signed-in');
    expect(await page.innerText('body')).not.toContain('Codec Server could not connect');
    await context.close();
  }, 240_000);
});
