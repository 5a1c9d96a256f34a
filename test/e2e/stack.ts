/**
 * The whole service for page and browser tests: the real app listening on 127.0.0.1 (free port), the real
 * workflows on the time-skipping Temporal server with the REAL activities (records, outbox, documents) sending
 * over SMTP to a real catcher, and a real SQLite store with the demo mechanism and one secretariat user.
 */
import { until as untilHelper } from '../helpers/until';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Browser } from 'playwright-core';
import type { Worker, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { createActivities } from '../../src/activities';
import type { Activities } from '../../src/activities/types';
import { buildApp } from '../../src/api/app';
import { temporalCycleGateway } from '../../src/api/temporal-cycle-gateway';
import { loadConfig } from '../../src/config';
import { createSmtpTransport, type MailTransport } from '../../src/notifications';
import { loadDemoIfEmpty } from '../../src/store';
import { cycleWorkflowId } from '../../src/temporal/ids';
import { createWorker } from '../../src/workers/worker';
import { startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp';
import { testPayloadKeys } from '../helpers/payload-keys';
import { createTestStore, type TestStore } from '../helpers/store';
import { launchBrowser } from '../helpers/browser';
import { bundleWorkflows, createTimeSkippingEnv, uniqueTaskQueue } from '../helpers/temporal';

/** The secretariat user every stack has. */
export const OFFICER = {
  email: 'officer@example.org',
  name: 'Palesa Officer',
  password: 'correct horse battery staple',
};

/** A running service for one test file or test. */
export interface ServiceStack {
  app: FastifyInstance;
  baseUrl: string;
  store: TestStore;
  smtp: SmtpCatcher;
  env: TestWorkflowEnvironment;
  taskQueue: string;
  worker: Worker;
  /** Starts a cycle the way the schedule does (waits for the opening day of the quarter). */
  startScheduledCycle(mechanismId: string, quarter: string): Promise<string>;
  /** Moves workflow time forward to `instant` (no-op when already past). */
  skipTo(instant: string): Promise<void>;
  close(): Promise<void>;
}

/** Options of the stack. */
export interface StackOptions {
  loginRateLimit?: number;
  /** Receives the app's log lines (JSON, level info and up). */
  log?: (line: string) => void;
  /**
   * Wraps the real activities before the worker gets them (the interface production uses): fault injection such as
   * holding an activity until the test has raced a submission against it.
   */
  wrapActivities?: (activities: Activities) => Activities;
}

/** A browser test's world: the time-skipping server, chromium, and the service on that server. */
export interface BrowserStack {
  env: TestWorkflowEnvironment;
  browser: Browser;
  stack: ServiceStack;
  /** Stops the service, the browser and the server. */
  close(): Promise<void>;
}

/** Starts the server, bundles the workflows and launches chromium at once, then the service; one per test file. */
export async function startBrowserStack(): Promise<BrowserStack> {
  const [env, bundle, browser] = await Promise.all([
    createTimeSkippingEnv(),
    bundleWorkflows({ timeSkipping: true }),
    launchBrowser(),
  ]);
  let stack: ServiceStack;
  try {
    stack = await startServiceStack(env, bundle);
  } catch (err) {
    await browser.close();
    await env.teardown();
    throw err;
  }
  return {
    env,
    browser,
    stack,
    async close() {
      try {
        await browser.close();
        await stack.close();
      } finally {
        await env.teardown();
      }
    },
  };
}

/** Starts the service on a fresh store; the caller owns `env` and `bundle`. */
export async function startServiceStack(
  env: TestWorkflowEnvironment,
  bundle: WorkflowBundleWithSourceMap,
  options: StackOptions = {},
): Promise<ServiceStack> {
  const store = await createTestStore();
  await loadDemoIfEmpty(store);
  await store.users.create({ ...OFFICER, role: 'secretariat' });
  const smtp = await startSmtpCatcher();
  const taskQueue = uniqueTaskQueue('pages');
  const cycles = temporalCycleGateway({
    client: env.client,
    taskQueue,
    namespace: env.namespace ?? 'default',
    temporalUiUrl: 'http://127.0.0.1:8233',
  });
  // The app reads the same clock as the workflows (the test server's, which jumps when time is skipped), so that
  // links expired by a close in workflow time are expired for the app too.
  let offsetMs = (await env.currentTimeMs()) - Date.now();
  // The app must listen before the activities are built: links in emails point at its real address.
  const app = await buildApp({
    config: loadConfig({ DATA_DIR: store.dataDir, SMTP_URL: smtp.url }),
    readiness: {},
    store,
    cycles,
    loginRateLimit: options.loginRateLimit,
    ...(options.log && { logger: { level: 'info', stream: { write: options.log } } }),
    now: () => new Date(Date.now() + offsetMs),
  });
  const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  const transport: MailTransport = createSmtpTransport(smtp.url, { timeoutMs: 5000 });
  const real = createActivities({
    store,
    dataDir: store.dataDir,
    publicUrl: baseUrl,
    mailFrom: 'secretariat@example.org',
    transport,
  });
  const activities = options.wrapActivities ? options.wrapActivities(real) : real;
  const worker = await createWorker({
    payloadKeys: testPayloadKeys,
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    activities,
    workflowBundle: bundle,
  });
  const running = worker.run();
  return {
    app,
    baseUrl,
    store,
    smtp,
    env,
    taskQueue,
    worker,
    async startScheduledCycle(mechanismId, quarter) {
      const workflowId = cycleWorkflowId(mechanismId, quarter);
      await env.client.workflow.start('quarterlyCycle', {
        workflowId,
        taskQueue,
        args: [{ mechanismId, quarter, scheduled: true }],
      });
      return workflowId;
    },
    async skipTo(instant) {
      const ms = Date.parse(instant) - (await env.currentTimeMs());
      if (ms > 0) await env.sleep(ms);
      offsetMs = (await env.currentTimeMs()) - Date.now();
    },
    async close() {
      await app.close();
      worker.shutdown();
      await running;
      transport.close();
      await smtp.close();
      await store.close();
    },
  };
}

/** A browser's sign-in in one call: cookie header of the new session and the CSRF token of its forms. */
export interface SignedIn {
  cookie: string;
  csrf: string;
}

/**
 * Signs in the way a browser does (GET the sign-in form for its CSRF token, POST it with the session cookie) and
 * returns the new session's cookie and CSRF token. `remoteAddress` lets tests stay clear of the per-address limit.
 */
export async function signIn(
  app: FastifyInstance,
  who: { email: string; password: string } = OFFICER,
  remoteAddress?: string,
): Promise<SignedIn> {
  const form = await app.inject({ method: 'GET', url: '/login', ...(remoteAddress && { remoteAddress }) });
  const preCookie = cookieOf(form.headers['set-cookie']);
  const preCsrf = csrfOf(form.body);
  const res = await app.inject({
    method: 'POST',
    url: '/login',
    ...(remoteAddress && { remoteAddress }),
    payload: new URLSearchParams({ email: who.email, password: who.password, next: '/', csrf: preCsrf }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: preCookie },
  });
  if (res.statusCode !== 303) throw new Error(`sign-in of ${who.email} answered ${res.statusCode}`);
  const cookie = cookieOf(res.headers['set-cookie']);
  const dashboard = await app.inject({ method: 'GET', url: '/', headers: { cookie } });
  return { cookie, csrf: csrfOf(dashboard.body) };
}

/** The `name=value` of the first cookie a response sets. */
export function cookieOf(setCookie: unknown): string {
  const first = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  if (typeof first !== 'string') throw new Error('the response sets no cookie');
  return first.split(';')[0];
}

/** The CSRF token of the first form of a page. */
export function csrfOf(body: string): string {
  const m = /name="csrf" value="([^"]+)"/.exec(body);
  if (!m) throw new Error('no CSRF token on the page');
  return m[1];
}

/** Polls until `check` returns a truthy value (document rendering runs in real time, slowly on a busy 2-core machine). */
export const until = <T>(what: string, check: () => Promise<T | undefined | false | null>, timeoutMs = 120_000) =>
  untilHelper(what, check, timeoutMs);

/** The personal link in an email's text, e.g. `http://127.0.0.1:4321/u/abc...`. */
export function linkIn(text: string | undefined): string {
  const m = /(https?:\/\/[^\s<>"]+\/u\/[A-Za-z0-9_-]+)/.exec(text ?? '');
  if (!m) throw new Error('no personal link in the email');
  return m[1];
}

/** Last quarter's answer of the Mpiti road and an open action item of its owner, as a previous cycle left them. */
export const PREVIOUS = {
  quarter: '2026-Q4',
  achievements: 'Earthworks completed on the first 12 km; culverts installed.',
  statusReason: 'Heavy rains slowed the subgrade works.',
  actionItemTitle: 'Share the revised road construction schedule',
};

/** Seeds the store with what the previous quarter (2026-Q4) left: a submission and an open action item. */
export async function seedPreviousQuarter(store: TestStore): Promise<void> {
  await store.submissions.recordSubmission({
    mechanismId: 'cn-ls',
    quarter: PREVIOUS.quarter,
    projectId: 'mpiti-road',
    body: {
      status: 'at-risk',
      statusReason: PREVIOUS.statusReason,
      progressPercent: 30,
      achievements: PREVIOUS.achievements,
      challenges: 'Rainy season.',
      supportRequested: '',
      nextSteps: 'Start paving.',
      milestoneUpdates: [],
      indicatorUpdates: [],
      actionItemUpdates: [],
    },
    submittedBy: 'roads-director',
    workflowId: 'seed:cn-ls:2026-Q4',
    step: 'seed-mpiti-road',
    receivedAt: '2026-12-10T09:00:00Z',
    late: false,
  });
  await store.decisions.record(
    'cn-ls',
    PREVIOUS.quarter,
    [
      {
        id: 'd-2026q4-1',
        text: 'The road schedule is to be revised.',
        projects: ['mpiti-road'],
        actionItems: [
          {
            id: 'road-schedule-q4',
            title: PREVIOUS.actionItemTitle,
            owner: 'roads-director',
            dueDate: '2027-03-31',
            projects: ['mpiti-road'],
          },
        ],
      },
    ],
    { workflowId: 'seed:cn-ls:2026-Q4', step: 'seed-decisions' },
    '2027-01-05T10:00:00Z',
  );
}
