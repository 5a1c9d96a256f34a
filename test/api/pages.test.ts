/**
 * The owner's form and the secretariat's pages through app.inject(), against the real workflows (time-skipping
 * Temporal), the real activities (emails over a real SMTP catcher) and a real SQLite store. One cycle (cn-ls
 * 2027-Q1) serves the file; each test works on a project of its own, so no test depends on another.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { loadCommon } from '../../src/activities/documents';
import { buildApp } from '../../src/api/app';
import type { CycleGateway } from '../../src/api/cycle-gateway';
import { temporalCycleGateway } from '../../src/api/temporal-cycle-gateway';
import { loadConfig } from '../../src/config';
import { buildReportModel, renderDocx, renderPdf } from '../../src/documents';
import { formatInstant } from '../../src/documents/format';
import { createOutboxRepository } from '../../src/store/outbox';
import { docxText, expectInOrder, flat, pdfText } from '../documents/helpers';
import {
  cookieOf,
  csrfOf,
  linkIn,
  OFFICER,
  PREVIOUS,
  seedPreviousQuarter,
  signIn,
  startServiceStack,
  type ServiceStack,
  type SignedIn,
} from '../e2e/stack';
import { bundleWorkflows, createTimeSkippingEnv } from '../helpers/temporal';
import { until } from '../helpers/until';

let env: TestWorkflowEnvironment;
let stack: ServiceStack;
/** Personal link path (`/u/<token>`) of each project's owner, from the request emails. */
const links = new Map<string, string>();
/** Every line the app logged. */
const logLines: string[] = [];

beforeAll(async () => {
  let bundle: WorkflowBundleWithSourceMap;
  [env, bundle] = await Promise.all([createTimeSkippingEnv(), bundleWorkflows({ timeSkipping: true })]);
  stack = await startServiceStack(env, bundle, { loginRateLimit: 5, log: (line) => logLines.push(line) });
  await seedPreviousQuarter(stack.store);
  const projects = (await stack.store.projects.list('cn-ls', { status: 'active' })).map((p) => p.id);
  await stack.startScheduledCycle('cn-ls', '2027-Q1');
  await stack.skipTo('2027-03-01T12:00:00Z');
  await stack.smtp.waitFor(
    (m) => m.filter((x) => /update/i.test(x.parsed.subject ?? '')).length >= projects.length,
    60_000,
  );
  const outbox = createOutboxRepository(stack.store.db);
  const requests = (await outbox.list({ mechanismId: 'cn-ls' })).filter((m) => m.kind === 'request');
  // The links as the owners received them (the outbox itself keeps only placeholders that open nothing).
  for (const r of requests)
    links.set(r.projectId!, new URL(linkIn(stack.smtp.byMessageId(r.messageId)[0]?.parsed.text)).pathname);
}, 180_000);
afterAll(async () => {
  await stack?.close();
  await env?.teardown();
});

const form = (fields: Record<string, string>, headers: Record<string, string> = {}) => ({
  payload: new URLSearchParams(fields).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
});
const link = (projectId: string) => {
  const l = links.get(projectId);
  if (!l) throw new Error(`no request email for ${projectId}`);
  return l;
};
const stateOf = async (projectId: string) => (await stack.app.inject({ method: 'GET', url: link(projectId) })).body;
const VALID = {
  status: 'at-risk',
  statusReason: 'Supplier delays.',
  progressPercent: '40',
  achievements: 'Foundations poured.',
  challenges: 'Imports held at the border.',
  supportRequested: '',
  nextSteps: 'Erect the frame.',
};

/** Logs the officer in (from an address of its own: sign-ins are rate limited per address) and returns the cookie header and the CSRF token of the session. */
let logins = 0;
function login(remoteAddress = `198.51.100.${++logins}`): Promise<SignedIn> {
  return signIn(stack.app, OFFICER, remoteAddress);
}

describe("the owner's update form", () => {
  test('opening the link (as a mail scanner would) only shows the form and changes nothing', async () => {
    const outbox = createOutboxRepository(stack.store.db);
    const before = (await outbox.list({ mechanismId: 'cn-ls' })).length;
    for (let i = 0; i < 3; i++) {
      const res = await stack.app.inject({ method: 'GET', url: link('multilateral-coordination') });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.body).toContain('<form method="post"');
    }
    expect(await stack.store.submissions.latest('cn-ls', '2027-Q1', 'multilateral-coordination')).toBeUndefined();
    const state = (await stack.store.cycles.listProjectStates('cn-ls', '2027-Q1')).find(
      (p) => p.projectId === 'multilateral-coordination',
    );
    expect(state?.state).not.toBe('submitted');
    expect((await outbox.list({ mechanismId: 'cn-ls' })).length).toBe(before);
  });

  test("is pre-filled with last quarter's answers and lists the owner's open action items", async () => {
    const body = await stateOf('mpiti-road');
    expect(body).toContain(`Pre-filled from your update for ${PREVIOUS.quarter}`);
    expect(body).toContain(PREVIOUS.achievements);
    expect(body).toContain(PREVIOUS.statusReason);
    expect(body).toMatch(/<option value="at-risk" selected>/);
    expect(body).toContain('Your open action items');
    expect(body).toContain(PREVIOUS.actionItemTitle);
  });

  test("asks for each milestone's actual date and note, each indicator's value and the project's dates, and the report shows them", async () => {
    const blank = await stateOf('mpiti-road');
    expect(blank).toContain('Final design approved');
    expect(blank).toContain('Kilometres surfaced (km): value now — baseline 0, target —');
    expect(blank).toContain('name="milestone-handover-note"');
    expect(blank).toContain('name="actualStart"');

    const typed = {
      ...VALID,
      actualStart: '2026-04-01',
      'milestone-design-approved-actual': '2027-02-30',
      'milestone-handover-note': 'Expected after the <rains>',
      'indicator-km-surfaced': '12,5',
    };
    const wrong = await stack.app.inject({ method: 'POST', url: link('mpiti-road'), ...form(typed) });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.body).toMatch(
      /id="milestone-design-approved-actual-error"[^>]*>must be a date YYYY-MM-DD that exists/,
    );
    expect(wrong.body).toMatch(/id="indicator-km-surfaced-error"[^>]*>enter a number, with a point for decimals/);
    expect(wrong.body).toContain('value="12,5" inputmode="decimal" aria-invalid="true"');
    expect(wrong.body).toContain('value="Expected after the &lt;rains>"');
    expect(await stack.store.submissions.latest('cn-ls', '2027-Q1', 'mpiti-road')).toBeUndefined();

    const fixed = { ...typed, 'milestone-design-approved-actual': '2027-02-12', 'indicator-km-surfaced': '12.5' };
    const saved = await stack.app.inject({ method: 'POST', url: link('mpiti-road'), ...form(fixed) });
    expect(saved.statusCode).toBe(200);
    expect(saved.body).toContain('revision 1 of your update is saved');
    expect((await stack.store.submissions.latest('cn-ls', '2027-Q1', 'mpiti-road'))?.body).toMatchObject({
      actualStart: '2026-04-01',
      milestoneUpdates: [
        { milestoneId: 'design-approved', actualDate: '2027-02-12' },
        { milestoneId: 'handover', note: 'Expected after the <rains>' },
      ],
      indicatorUpdates: [{ indicatorId: 'km-surfaced', current: 12.5 }],
    });
    const again = await stateOf('mpiti-road');
    expect(again).toContain('name="milestone-design-approved-actual" value="2027-02-12"');
    expect(again).toContain('name="indicator-km-surfaced" value="12.5"');
    expect(again).toContain('name="actualStart" value="2026-04-01"');

    // The report compiled from the records shows what the owner gave, in Word and in PDF.
    const model = buildReportModel({
      ...(await loadCommon(stack.store, 'cn-ls', '2027-Q1')),
      version: 1,
      generatedAt: '2027-03-20T00:00:00Z',
    });
    const [docx, pdf] = await Promise.all([renderDocx(model), renderPdf(model)]);
    for (const text of [await docxText(docx), flat(pdfText(pdf))]) {
      expectInOrder(text, [
        'Mpiti-Sehlaba-Thebe road',
        'Actual',
        '1 April 2026',
        'Final design approved',
        '12 February 2027',
        'Road handed over',
        'Expected after the <rains>',
        'Kilometres surfaced',
        '12.5',
      ]);
    }
  });

  test('a submission with mistakes comes back with an error next to each wrong field and the typed text kept; nothing is saved', async () => {
    const typed = {
      ...VALID,
      status: 'off-track',
      statusReason: '',
      progressPercent: '140',
      achievements: 'Panels <b>delivered</b> to site & stored.',
    };
    const res = await stack.app.inject({ method: 'POST', url: link('ramarothole-solar'), ...form(typed) });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('nothing was saved yet');
    expect(res.body).toMatch(/id="statusReason-error"[^>]*>give a reason/);
    expect(res.body).toMatch(/id="progressPercent-error"/);
    expect(res.body).toContain(
      'name="progressPercent" inputmode="numeric" value="140" aria-invalid="true" aria-describedby="progressPercent-error"',
    );
    // What the owner typed is back in the form, escaped.
    expect(res.body).toContain('Panels &lt;b>delivered&lt;/b> to site &amp; stored.');
    expect(res.body).toMatch(/<option value="off-track" selected>/);
    expect(await stack.store.submissions.latest('cn-ls', '2027-Q1', 'ramarothole-solar')).toBeUndefined();

    const fixed = await stack.app.inject({
      method: 'POST',
      url: link('ramarothole-solar'),
      ...form({ ...typed, statusReason: 'Grid connection delayed.', progressPercent: '55' }),
    });
    expect(fixed.statusCode).toBe(200);
    expect(fixed.body).toContain('revision 1 of your update is saved');
    expect((await stack.store.submissions.latest('cn-ls', '2027-Q1', 'ramarothole-solar'))?.body).toMatchObject({
      status: 'off-track',
      progressPercent: 55,
    });
  });

  test('an owner can amend the update: the form then shows the latest revision and saves a new one', async () => {
    const first = await stack.app.inject({ method: 'POST', url: link('maseru-hospital'), ...form(VALID) });
    expect(first.statusCode).toBe(200);
    const again = await stack.app.inject({ method: 'GET', url: link('maseru-hospital') });
    expect(again.body).toContain('Showing your revision 1');
    expect(again.body).toContain('Save amendment');
    expect(again.body).toContain('Foundations poured.');
    const amended = await stack.app.inject({
      method: 'POST',
      url: link('maseru-hospital'),
      ...form({ ...VALID, achievements: 'Foundations poured; walls up to the first floor.' }),
    });
    expect(amended.statusCode).toBe(200);
    expect(amended.body).toContain('revision 2 of your update is saved');
    const revisions = await stack.store.submissions.revisions('cn-ls', '2027-Q1', 'maseru-hospital');
    expect(revisions.map((r) => r.revision)).toEqual([1, 2]);
    expect(revisions[1].body.achievements).toBe('Foundations poured; walls up to the first floor.');
  });

  test('an owner can ask for more time, and a wrong number of days is explained', async () => {
    const bad = await stack.app.inject({
      method: 'POST',
      url: `${link('skills-training')}/extension`,
      ...form({ days: 'lots' }),
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('Extra days: enter a whole number from 1 to 90.');
    const res = await stack.app.inject({
      method: 'POST',
      url: `${link('skills-training')}/extension`,
      ...form({ days: '3' }),
    });
    expect(res.statusCode).toBe(200);
    // Due Tuesday 16 March; 3 days are within what is granted without the secretariat: due Friday 19 March.
    expect(res.body).toContain('Extension granted: the update is now due 2027-03-19');
  });

  test('text longer than the field allows is refused with the field named, keeping what was typed', async () => {
    const long = 'x'.repeat(5001);
    const res = await stack.app.inject({
      method: 'POST',
      url: link('zero-tariff-access'),
      ...form({ ...VALID, challenges: long }),
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(/id="challenges-error"[^>]*>must be at most 5000 characters/);
    expect(res.body).toContain(long);
    expect(await stack.store.submissions.latest('cn-ls', '2027-Q1', 'zero-tariff-access')).toBeUndefined();
    const huge = await stack.app.inject({
      method: 'POST',
      url: link('zero-tariff-access'),
      ...form({ ...VALID, achievements: 'y'.repeat(300 * 1024) }),
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.headers['content-type']).toMatch(/text\/html/);
    expect(huge.body).toContain('larger than this page accepts');
    expect(await stack.store.submissions.latest('cn-ls', '2027-Q1', 'zero-tariff-access')).toBeUndefined();
  });

  test('a tampered, unknown or expired link shows a clear "not valid" page and changes nothing', async () => {
    const good = link('governance-exchange');
    const tampered = good.slice(0, -1) + (good.endsWith('A') ? 'B' : 'A');
    for (const url of [tampered, '/u/not-a-real-link']) {
      const res = await stack.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain('This link is not valid');
    }
    // Longer than any link we issue: refused by the router before any lookup (its parameter limit).
    const overlong = await stack.app.inject({ method: 'GET', url: `/u/${'z'.repeat(300)}` });
    expect(overlong.statusCode).toBe(414);
    const post = await stack.app.inject({ method: 'POST', url: tampered, ...form(VALID) });
    expect(post.statusCode).toBe(404);
    const expired = await stack.store.ownerLinks.issue({
      mechanismId: 'cn-ls',
      quarter: '2027-Q1',
      projectId: 'governance-exchange',
      contactId: 'public-service-director',
      expiresAt: '2020-01-01T00:00:00Z',
    });
    const old = await stack.app.inject({ method: 'POST', url: `/u/${expired}`, ...form(VALID) });
    expect(old.statusCode).toBe(404);
    expect(old.body).toContain('This link is not valid');
    expect(await stack.store.submissions.latest('cn-ls', '2027-Q1', 'governance-exchange')).toBeUndefined();
  });

  test('a link to a cycle that has closed says collection is over and accepts nothing', async () => {
    // A link of last quarter that the safety net has not expired yet: its workflow is long finished.
    const token = await stack.store.ownerLinks.issue({
      mechanismId: 'cn-ls',
      quarter: PREVIOUS.quarter,
      projectId: 'mpiti-road',
      contactId: 'roads-director',
      expiresAt: '2099-01-01T00:00:00Z',
    });
    const get = await stack.app.inject({ method: 'GET', url: `/u/${token}` });
    expect(get.statusCode).toBe(410);
    expect(get.body).toContain('Collection for 2026-Q4 has closed');
    const post = await stack.app.inject({ method: 'POST', url: `/u/${token}`, ...form(VALID) });
    expect(post.statusCode).toBe(410);
    expect((await stack.store.submissions.revisions('cn-ls', PREVIOUS.quarter, 'mpiti-road')).length).toBe(1);
    // Closing a cycle expires its links (what the close step does): the link then is simply not valid.
    await stack.store.ownerLinks.expireForCycle('cn-ls', PREVIOUS.quarter, new Date(Date.now() - 1000));
    expect((await stack.app.inject({ method: 'GET', url: `/u/${token}` })).statusCode).toBe(404);
  });

  test('the form escapes a project title containing markup', async () => {
    await stack.store.db
      .updateTable('projects')
      .set({ title: 'Exchange <script>alert(1)</script>' })
      .where('mechanism_id', '=', 'cn-ls')
      .where('id', '=', 'governance-exchange')
      .execute();
    try {
      const res = await stack.app.inject({ method: 'GET', url: link('governance-exchange') });
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain('<script>');
      expect(res.body).toContain('Exchange &lt;script>alert(1)&lt;/script>');
      const { cookie } = await login();
      const portfolio = await stack.app.inject({
        method: 'GET',
        url: '/mechanisms/cn-ls/portfolio',
        headers: { cookie },
      });
      expect(portfolio.body).not.toContain('<script>');
      expect(portfolio.body).toContain('Exchange &lt;script>alert(1)&lt;/script>');
    } finally {
      await stack.store.db
        .updateTable('projects')
        .set({ title: 'Governance exchange' })
        .where('mechanism_id', '=', 'cn-ls')
        .where('id', '=', 'governance-exchange')
        .execute();
    }
  });

  test('never writes a personal link to the logs, even when the request fails', async () => {
    const token = link('mpiti-road').slice('/u/'.length);
    await stack.app.inject({ method: 'GET', url: link('mpiti-road') });
    await stack.app.inject({ method: 'POST', url: link('mpiti-road'), ...form({ status: 'nonsense' }) });
    await stack.app.inject({
      method: 'POST',
      url: link('mpiti-road'),
      payload: 'x'.repeat(300 * 1024),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    await stack.app.inject({
      method: 'POST',
      url: `${link('mpiti-road')}/extension`,
      payload: '{',
      headers: { 'content-type': 'application/json' },
    });
    expect(logLines.length).toBeGreaterThan(0);
    for (const t of [...links.values()].map((l) => l.slice('/u/'.length))) expect(logLines.join('\n')).not.toContain(t);
    expect(logLines.join('\n')).not.toContain(token);
  });

  test('pages carry security headers and the form page is never cached', async () => {
    const res = await stack.app.inject({ method: 'GET', url: link('mpiti-road') });
    expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).not.toMatch(/<script/i);
  });
});

describe("the secretariat's pages", () => {
  test('send a visitor who is not signed in to the sign-in page', async () => {
    for (const url of ['/', '/mechanisms/cn-ls/cycles/2027-Q1', '/mechanisms/cn-ls/portfolio', '/mailbox']) {
      const res = await stack.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toMatch(/^\/login\?next=/);
    }
  });

  test('refuse a wrong password, and stop answering after too many attempts from one address', async () => {
    const signInForm = await stack.app.inject({ method: 'GET', url: '/login', remoteAddress: '192.0.2.7' });
    const cookie = cookieOf(signInForm.headers['set-cookie']);
    const csrf = csrfOf(signInForm.body);
    const attempt = () =>
      stack.app.inject({
        method: 'POST',
        url: '/login',
        remoteAddress: '192.0.2.7',
        ...form({ email: OFFICER.email, password: 'wrong', csrf }, { cookie }),
      });
    const first = await attempt();
    expect(first.statusCode).toBe(401);
    expect(first.body).toContain('Wrong email or password.');
    let last = first;
    for (let i = 0; i < 6; i++) last = await attempt();
    expect(last.statusCode).toBe(429);
    expect(last.body).toContain('Too many attempts');
    // Another address can still sign in.
    await login('192.0.2.8');
  });

  test('offer the portfolio and the cycle status for download as CSV and Excel, to signed-in users only', async () => {
    const { cookie } = await login();
    const portfolio = await stack.app.inject({
      method: 'GET',
      url: '/mechanisms/cn-ls/portfolio',
      headers: { cookie },
    });
    expect(portfolio.body).toContain('href="/mechanisms/cn-ls/portfolio/export?format=xlsx"');
    const cycle = await stack.app.inject({
      method: 'GET',
      url: '/mechanisms/cn-ls/cycles/2027-Q1',
      headers: { cookie },
    });
    expect(cycle.body).toContain('href="/mechanisms/cn-ls/cycles/2027-Q1/export?format=csv"');
    const csv = await stack.app.inject({
      method: 'GET',
      url: '/mechanisms/cn-ls/cycles/2027-Q1/export?format=csv',
      headers: { cookie },
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-disposition']).toBe('attachment; filename="cn-ls-2027-Q1-status.csv"');
    expect(csv.body).toContain('Mpiti-Sehlaba-Thebe road');
    const xlsx = await stack.app.inject({
      method: 'GET',
      url: '/mechanisms/cn-ls/portfolio/export?format=xlsx',
      headers: { cookie },
    });
    expect(xlsx.statusCode).toBe(200);
    // An XLSX is a ZIP archive.
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
    const anonymous = await stack.app.inject({ method: 'GET', url: '/mechanisms/cn-ls/portfolio/export?format=csv' });
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/login/);
  });

  test('the dashboard answers from the records, asking Temporal about no cycle or project', async () => {
    const real = temporalCycleGateway({
      client: env.client,
      taskQueue: stack.taskQueue,
      namespace: env.namespace ?? 'default',
      temporalUiUrl: 'http://127.0.0.1:8233',
    });
    const asked: string[] = [];
    const counting: CycleGateway = {
      ...real,
      cycleState: (m, q) => (asked.push(`cycle ${q}`), real.cycleState(m, q)),
      cyclePhase: (m, q) => (asked.push(`phase ${q}`), real.cyclePhase(m, q)),
      projectState: (m, q, p) => (asked.push(`project ${p}`), real.projectState(m, q, p)),
    };
    const app = await buildApp({
      config: loadConfig({ DATA_DIR: stack.store.dataDir }),
      readiness: {},
      store: stack.store,
      cycles: counting,
    });
    try {
      const { cookie } = await signIn(app, OFFICER, '198.51.100.200');
      const dashboard = await app.inject({ method: 'GET', url: '/', headers: { cookie } });
      expect(dashboard.statusCode).toBe(200);
      const recorded = await stack.store.cycles.listProjectStates('cn-ls', '2027-Q1');
      const requested = recorded.filter((r) => r.state === 'requested').length;
      expect(requested).toBeGreaterThan(0);
      expect(dashboard.body).toContain(`<span class="state state-requested">${requested} requested</span>`);
      expect(asked).toEqual([]);
    } finally {
      await app.close();
    }
  });

  test('show the dashboard and the cycle page with each project state and a link to Temporal UI', async () => {
    const { cookie } = await login();
    const dashboard = await stack.app.inject({ method: 'GET', url: '/', headers: { cookie } });
    expect(dashboard.statusCode).toBe(200);
    expect(dashboard.body).toContain('China-Lesotho Coordination Mechanism');
    expect(dashboard.body).toContain('href="/mechanisms/cn-ls/cycles/2027-Q1"');
    const cycle = await stack.app.inject({
      method: 'GET',
      url: '/mechanisms/cn-ls/cycles/2027-Q1',
      headers: { cookie },
    });
    expect(cycle.statusCode).toBe(200);
    expect(cycle.body).toContain('id="phase">collecting<');
    expect(cycle.body).toContain('http://127.0.0.1:8233/namespaces/default/workflows/cycle%3Acn-ls%3A2027-Q1');
    expect(cycle.body).toMatch(/id="project-mpiti-road"/);
    // Reassigning offers the mechanism's contacts once for the whole page, not once per project row.
    const contacts = (await stack.store.mechanisms.get('cn-ls'))!.contacts;
    expect(cycle.body.match(/<datalist id="contacts">/g)).toHaveLength(1);
    expect(cycle.body.match(/<option /g)).toHaveLength(contacts.length);
    const rows = [...cycle.body.matchAll(/<tr id="project-([a-z0-9-]+)">([\s\S]*?)<\/tr>/g)];
    const reassignable = rows.filter((r) => r[2].includes('name="ownerId"'));
    expect(reassignable.length).toBeGreaterThan(0);
    for (const [, , row] of reassignable)
      expect(row).toMatch(/<input name="ownerId" list="contacts" placeholder="[a-z0-9-]+"/);
    const unknown = await stack.app.inject({
      method: 'GET',
      url: '/mechanisms/cn-ls/cycles/2031-Q2',
      headers: { cookie },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('cycle cn-ls 2031-Q2 not found');
  });

  test("show the quarter on one line: what was done and what is planned, in the mechanism's zone or a side's", async () => {
    const { cookie } = await login();
    const get = async (query = '') =>
      (await stack.app.inject({ method: 'GET', url: `/mechanisms/cn-ls/cycles/2027-Q1${query}`, headers: { cookie } }))
        .body;
    const steps = (body: string) =>
      [...body.matchAll(/<li class="(done|planned)" data-step="([a-z-]+)"><time datetime="([^"]+)">([^<]+)</g)].map(
        (m) => ({ state: m[1], kind: m[2], at: m[3], shown: m[4] }),
      );
    const body = await get();
    const shown = steps(body);
    const record = (await stack.store.cycles.get('cn-ls', '2027-Q1'))!;
    const requests = (await stack.store.outbox.list({ mechanismId: 'cn-ls', limit: 1000 })).filter(
      (m) => m.kind === 'request' && m.quarter === '2027-Q1',
    );
    expect(requests.length).toBeGreaterThan(0);
    // Opened (done), then the next email, the due date and the cut-off (planned), in that order; the requests done.
    // (Their time is the relay's: on the time-skipping server the activities keep the wall clock, months before the
    // workflows' skipped time, so where they sit among the workflow's dates says nothing here.)
    const ordered = ['opened', 'next-email', 'due', 'cutoff'];
    expect(shown.filter((s) => ordered.includes(s.kind)).map((s) => `${s.kind} ${s.state}`)).toEqual([
      'opened done',
      'next-email planned',
      'due planned',
      'cutoff planned',
    ]);
    expect(shown.find((s) => s.kind === 'requests')?.state).toBe('done');
    // The "now" line sits between what was done and what is planned.
    expect(body).toMatch(/data-step="opened"[\s\S]*<li class="now"[\s\S]*data-step="next-email"/);
    expect(shown.map((s) => s.at)).toEqual([...shown.map((s) => s.at)].sort((a, b) => Date.parse(a) - Date.parse(b)));
    expect(shown.find((s) => s.kind === 'opened')?.at).toBe(record.openedAt);
    expect(body).toContain(`Requests: ${requests.length} of ${requests.length} sent`);
    const firstRequest = requests.map((r) => r.sentAt!).sort()[0];
    expect(shown.find((s) => s.kind === 'requests')?.at).toBe(firstRequest);
    // The times in the mechanism's zone by default, in the Chinese side's on request, the zone named either way.
    expect(body).toContain('Times in Africa/Maseru.');
    expect(shown.find((s) => s.kind === 'opened')?.shown).toBe(formatInstant(record.openedAt, 'Africa/Maseru', false));
    const beijing = await get('?zone=Asia%2FShanghai');
    expect(beijing).toContain('Times in Asia/Shanghai.');
    expect(steps(beijing).find((s) => s.kind === 'opened')?.shown).toBe(
      formatInstant(record.openedAt, 'Asia/Shanghai', false),
    );
    expect(beijing).toContain('<th>Next send (Asia/Shanghai)</th>');
    // A zone that is not one of the mechanism's falls back to its own.
    expect(await get('?zone=Europe%2FLondon')).toContain('Times in Africa/Maseru.');
  });

  test('refuse an action posted without the form token (CSRF) and change nothing', async () => {
    const { cookie, csrf } = await login();
    const url = '/mechanisms/cn-ls/cycles/2027-Q1/projects/multilateral-coordination/waive';
    const forged = await stack.app.inject({
      method: 'POST',
      url,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: '',
    });
    expect(forged.statusCode).toBe(403);
    expect(forged.headers['content-type']).toMatch(/text\/html/);
    expect(forged.body).toContain('the form is stale or forged: reload the page and try again');
    const wrong = await stack.app.inject({
      method: 'POST',
      url,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `csrf=${csrf.slice(1)}x`,
    });
    expect(wrong.statusCode).toBe(403);
    const view = await stack.app.inject({
      method: 'GET',
      url: '/mechanisms/cn-ls/cycles/2027-Q1',
      headers: { cookie },
    });
    expect(/id="project-multilateral-coordination">[\s\S]*?class="state state-(\w+)"/.exec(view.body)![1]).not.toBe(
      'waived',
    );
  });

  test('grant an extension from the cycle page and show what the workflow decided', async () => {
    const { cookie, csrf } = await login();
    const url = '/mechanisms/cn-ls/cycles/2027-Q1/projects/governance-exchange/extend';
    const bad = await stack.app.inject({ method: 'POST', url, ...form({ csrf, dueDate: 'soon' }, { cookie }) });
    expect(bad.statusCode).toBe(303);
    expect(decodeURIComponent(bad.headers.location as string)).toMatch(/Refused: .*dueDate/);
    const res = await stack.app.inject({ method: 'POST', url, ...form({ csrf, dueDate: '2027-03-26' }, { cookie }) });
    expect(res.statusCode).toBe(303);
    const page = await stack.app.inject({ method: 'GET', url: res.headers.location as string, headers: { cookie } });
    // 26 March 2027 is Good Friday, a public holiday in Lesotho: the workflow moves the date to the next working day.
    expect(page.body).toContain('Extension granted: now due 2027-03-30.');
  });
});

describe("submitting on an owner's behalf", () => {
  test('the officer fills in the same form, sees field errors, and the update is saved with the officer as submitter', async () => {
    const { cookie, csrf } = await login();
    const url = '/mechanisms/cn-ls/cycles/2027-Q1/projects/ramarothole-solar/submission';
    const before = (await stack.store.submissions.revisions('cn-ls', '2027-Q1', 'ramarothole-solar')).length;
    const get = await stack.app.inject({ method: 'GET', url, headers: { cookie } });
    expect(get.statusCode).toBe(200);
    expect(get.body).toContain('on behalf of Director of Energy');
    const bad = await stack.app.inject({
      method: 'POST',
      url,
      ...form({ ...VALID, csrf, status: '', achievements: 'Typed by the officer.' }, { cookie }),
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toMatch(/id="status-error"[^>]*>choose a status/);
    expect(bad.body).toContain('Typed by the officer.');
    const noCsrf = await stack.app.inject({ method: 'POST', url, ...form(VALID, { cookie }) });
    expect(noCsrf.statusCode).toBe(403);
    expect((await stack.store.submissions.revisions('cn-ls', '2027-Q1', 'ramarothole-solar')).length).toBe(before);
    const ok = await stack.app.inject({
      method: 'POST',
      url,
      ...form({ ...VALID, csrf, achievements: 'Typed by the officer.' }, { cookie }),
    });
    expect(ok.statusCode).toBe(303);
    expect(decodeURIComponent(ok.headers.location as string)).toContain(
      `saved on the owner's behalf (revision ${before + 1})`,
    );
    // The workflow stores the revision moments after answering.
    const latest = await until('the stored revision', async () => {
      const r = await stack.store.submissions.latest('cn-ls', '2027-Q1', 'ramarothole-solar');
      return r && r.revision > before && r;
    });
    // The officer's user id, never the email address: workflow arguments and history carry no personal data.
    const officer = await stack.store.users.findByEmail(OFFICER.email);
    expect(latest).toMatchObject({ revision: before + 1, submittedBy: `user:${officer!.id}` });
  });
});

describe('the mailbox page', () => {
  test('lists the emails sent, with their subjects and recipients escaped, to administrators only', async () => {
    const officer = await login();
    const refused = await stack.app.inject({ method: 'GET', url: '/mailbox', headers: { cookie: officer.cookie } });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('only an administrator may do this');
    const admin = { email: 'it-admin@example.org', name: 'IT Admin', password: 'an admin passphrase' };
    await stack.store.users.create({ ...admin, role: 'admin' });
    const { cookie } = await signIn(stack.app, admin, '198.51.100.250');
    const res = await stack.app.inject({ method: 'GET', url: '/mailbox', headers: { cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Emails go out over SMTP');
    expect(res.body).toMatch(/<td>request<\/td>/);
    // The recipient's "<address>" is text: its "<" is escaped (the renderer leaves a ">" in text as it is).
    expect(res.body).toMatch(/&lt;[\w.+-]+@example\.org><\/td>/);
  });
});
