/**
 * The security review of issue 16, on the real server: the app listening on a socket of 127.0.0.1, the real
 * workflows on the time-skipping Temporal server, the real activities sending over a real SMTP catcher, SQLite, and
 * the real `coord` command for user administration. Each test makes the users it needs.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { cookieOf, csrfOf, linkIn, signIn, startServiceStack, until, type ServiceStack } from '../e2e/stack';
import { createOutboxRepository } from '../../src/store/outbox';
import { coord } from '../cli/run-coord';
import { bundleWorkflows, createTimeSkippingEnv } from '../helpers/temporal';
import type { UserRole } from '../../src/store';
import { buildApp } from '../../src/api/app';
import { temporalCycleGateway } from '../../src/api/temporal-cycle-gateway';
import { loadConfig } from '../../src/config';
import { encryptPayload } from '../../src/temporal/codec';
import { TEST_PAYLOAD_KEYS, testPayloadKeys } from '../helpers/payload-keys';
import type { Payload } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';

let env: TestWorkflowEnvironment;
let stack: ServiceStack;

beforeAll(async () => {
  // One after the other: on a busy machine the test server must start within the SDK's 5 s while nothing else runs.
  const bundle: WorkflowBundleWithSourceMap = await bundleWorkflows({ timeSkipping: true });
  env = await createTimeSkippingEnv();
  stack = await startServiceStack(env, bundle, { loginRateLimit: 1000 });
}, 180_000);
afterAll(async () => {
  await stack?.close();
  await env?.teardown();
});

let people = 0;
/** A new user of the given role, with a password. */
async function person(role: UserRole = 'secretariat') {
  const who = {
    email: `person-${++people}@example.org`,
    name: `Person ${people}`,
    password: `a long password number ${people}`,
    role,
  };
  const user = await stack.store.users.create(who);
  return { ...who, id: user.id };
}
const form = (fields: Record<string, string>, cookie?: string) => ({
  payload: new URLSearchParams(fields).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie && { cookie }) },
});
/** The status of the dashboard for a session cookie: 200 signed in, 303 sent to the sign-in page. */
const dashboard = async (cookie: string) =>
  (await stack.app.inject({ method: 'GET', url: '/', headers: { cookie } })).statusCode;
const api = async (token: string) =>
  (await stack.app.inject({ method: 'GET', url: '/api/v1/mechanisms', headers: { authorization: `Bearer ${token}` } }))
    .statusCode;
const coordEnv = () => ({ DATA_DIR: stack.store.dataDir });

describe('secretariat sessions', () => {
  test('a session cookie copied before logging out opens nothing afterwards, on any device', async () => {
    const officer = await person();
    const laptop = await signIn(stack.app, officer);
    const phone = await signIn(stack.app, officer);
    const token = await stack.store.apiTokens.create({ name: 'my script', userId: officer.id, scope: 'read' });
    const stolen = laptop.cookie;
    expect(await dashboard(stolen)).toBe(200);
    expect(await api(token.token)).toBe(200);

    const out = await stack.app.inject({
      method: 'POST',
      url: '/logout',
      ...form({ csrf: laptop.csrf }, laptop.cookie),
    });
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/login');
    // The cookie a thief copied, the officer's other device and the officer's API token all stop working at once.
    expect(await dashboard(stolen)).toBe(303);
    expect(await dashboard(phone.cookie)).toBe(303);
    expect(await api(token.token)).toBe(401);
  });

  test('the database keeps no usable session: only a hash of the id in the cookie', async () => {
    const officer = await person();
    const { cookie } = await signIn(stack.app, officer);
    const sessionId = decodeURIComponent(cookie.split('=')[1]).split('.')[0];
    const rows = await stack.store.db
      .selectFrom('web_sessions')
      .selectAll()
      .where('user_id', '=', officer.id)
      .execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(sessionId);
  });

  test('the sign-in form refuses a POST without its form token (CSRF), even with the right password', async () => {
    const officer = await person();
    const page = await stack.app.inject({ method: 'GET', url: '/login' });
    const cookie = cookieOf(page.headers['set-cookie']);
    const forged = await stack.app.inject({
      method: 'POST',
      url: '/login',
      ...form({ email: officer.email, password: officer.password }, cookie),
    });
    expect(forged.statusCode).toBe(403);
    expect(forged.body).toContain('the form is stale or forged');
    expect(forged.headers['set-cookie']).toBeUndefined();
    const noSession = await stack.app.inject({
      method: 'POST',
      url: '/login',
      ...form({ email: officer.email, password: officer.password, csrf: csrfOf(page.body) }),
    });
    expect(noSession.statusCode).toBe(403);
    const real = await stack.app.inject({
      method: 'POST',
      url: '/login',
      ...form({ email: officer.email, password: officer.password, csrf: csrfOf(page.body) }, cookie),
    });
    expect(real.statusCode).toBe(303);
    // Signing in gives a new session id: one planted before sign-in (session fixation) is not the signed-in one.
    expect(cookieOf(real.headers['set-cookie'])).not.toBe(cookie);
    expect(await dashboard(cookie)).toBe(303);
  });

  test('a failed sign-in takes as long for an unknown address as for a wrong password', async () => {
    const officer = await person();
    const page = await stack.app.inject({ method: 'GET', url: '/login' });
    const cookie = cookieOf(page.headers['set-cookie']);
    const csrf = csrfOf(page.body);
    const attempt = async (email: string) => {
      const started = process.hrtime.bigint();
      const res = await stack.app.inject({
        method: 'POST',
        url: '/login',
        ...form({ email, password: 'not the password', csrf }, cookie),
      });
      expect(res.statusCode).toBe(401);
      return Number(process.hrtime.bigint() - started);
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 7; i++) {
      known.push(await attempt(officer.email));
      unknown.push(await attempt(`nobody-${i}@example.org`));
    }
    // Both pay for one password hash (tens of milliseconds); without the dummy hash the unknown address answers
    // in well under a tenth of that. A wide margin, so a busy machine cannot make it flap.
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.4);
  });
});

describe('user administration with coord', () => {
  test('disabling a user ends every session and API token at once; enabling lets the user sign in again', async () => {
    const officer = await person();
    const { cookie } = await signIn(stack.app, officer);
    const token = await stack.store.apiTokens.create({ name: 'robot', userId: officer.id, scope: 'write' });
    const disabled = await coord(['user', 'disable', officer.email], { env: coordEnv() });
    expect(disabled.stderr).toBe('');
    expect(disabled.code).toBe(0);
    expect(disabled.stdout).toContain(`user ${officer.email} disabled; 1 session(s) ended, 1 API token(s) revoked`);
    expect(await dashboard(cookie)).toBe(303);
    expect(await api(token.token)).toBe(401);
    await expect(signIn(stack.app, officer)).rejects.toThrow(/answered 401/);

    const enabled = await coord(['user', 'enable', officer.email], { env: coordEnv() });
    expect(enabled.code).toBe(0);
    expect(await dashboard((await signIn(stack.app, officer)).cookie)).toBe(200);
    // A revoked token stays revoked.
    expect(await api(token.token)).toBe(401);
    const unknown = await coord(['user', 'disable', 'nobody@example.org'], { env: coordEnv() });
    expect(unknown.code).toBe(3);
  }, 300_000);

  test('a password reset reads the new password from stdin, never from the command line, and ends every session', async () => {
    const officer = await person();
    const { cookie } = await signIn(stack.app, officer);
    const asArgument = await coord(['user', 'password', officer.email, '--password', 'an argument password'], {
      env: coordEnv(),
    });
    expect(asArgument.code).toBe(2);
    expect(asArgument.stderr).toContain("unknown option '--password'");
    expect(await dashboard(cookie)).toBe(200);

    const reset = await coord(['user', 'password', officer.email, '--password-stdin'], {
      env: coordEnv(),
      input: 'the new long passphrase\n',
    });
    expect(reset.stderr).toBe('');
    expect(reset.code).toBe(0);
    expect(await dashboard(cookie)).toBe(303);
    await expect(signIn(stack.app, officer)).rejects.toThrow(/answered 401/);
    expect(await dashboard((await signIn(stack.app, { ...officer, password: 'the new long passphrase' })).cookie)).toBe(
      200,
    );
  }, 300_000);
});

describe('roles and token scopes', () => {
  /** One request of each class of route; `csrf` and `cookie` come from the caller's session, if any. */
  type Call = (auth: { cookie?: string; csrf?: string; token?: string }) => Promise<number>;
  const inject = async (
    method: 'GET' | 'POST',
    url: string,
    auth: { cookie?: string; token?: string },
    payload?: unknown,
  ) =>
    (
      await stack.app.inject({
        method,
        url,
        headers: {
          ...(auth.cookie && { cookie: auth.cookie }),
          ...(auth.token && { authorization: `Bearer ${auth.token}` }),
          ...(payload !== undefined && {
            'content-type': typeof payload === 'string' ? 'application/x-www-form-urlencoded' : 'application/json',
          }),
        },
        ...(payload !== undefined && { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }),
      })
    ).statusCode;
  // Requests that a permitted caller gets refused for their content (400), so that nothing changes whoever sends them.
  const routes: Record<string, Call> = {
    'API read': (a) => inject('GET', '/api/v1/mechanisms/cn-ls/projects', a),
    'API cycle command': (a) => inject('POST', '/api/v1/mechanisms/cn-ls/cycles', a, { quarter: 'not a quarter' }),
    'API schedule': (a) => inject('POST', '/api/v1/mechanisms/cn-ls/schedule/pause', a, { note: 42 }),
    'API outbox': (a) => inject('GET', '/api/v1/outbox?limit=0', a),
    'page read': (a) => inject('GET', '/mechanisms/cn-ls/portfolio', a),
    'page action': (a) =>
      inject(
        'POST',
        '/mechanisms/cn-ls/cycles',
        a,
        new URLSearchParams({ quarter: 'not a quarter', csrf: a.csrf ?? '' }).toString(),
      ),
    'page on-behalf form': (a) => inject('GET', '/mechanisms/cn-ls/cycles/2031-Q1/projects/mpiti-road/submission', a),
    'mailbox page': (a) => inject('GET', '/mailbox', a),
    'API submission': (a) =>
      inject('POST', '/api/v1/mechanisms/cn-ls/cycles/2031-Q1/projects/mpiti-road/submission', a, { status: 'x' }),
    'page on-behalf submission': (a) =>
      inject(
        'POST',
        '/mechanisms/cn-ls/cycles/2031-Q1/projects/mpiti-road/submission',
        a,
        new URLSearchParams({
          csrf: a.csrf ?? '',
          intakeKey: 'a-key-for-the-roles-test',
          status: 'on-track',
        }).toString(),
      ),
  };
  const future = new Date(Date.now() + 86_400_000);
  const past = new Date(Date.now() - 1000);
  /** A caller with a new API token of `scope`, for a user of `role` (none: a token of no user), until `expiresAt`. */
  const token =
    (name: string, scope: 'read' | 'write', role?: UserRole, expiresAt?: Date) =>
    async (): Promise<{ token: string }> => ({
      token: (
        await stack.store.apiTokens.create({
          name,
          scope,
          ...(role && { userId: (await person(role)).id }),
          ...(expiresAt && { expiresAt }),
        })
      ).token,
    });
  // What each caller gets from each class of route: 401/303 unknown, 403 not allowed, anything else allowed.
  const table: [string, () => Promise<{ cookie?: string; csrf?: string; token?: string }>, number[]][] = [
    // columns: API read, API cycle command, API schedule, API outbox, page read, page action, on-behalf form, mailbox,
    // API submission, page on-behalf submission
    ['nobody', async () => ({}), [401, 401, 401, 401, 303, 403, 303, 303, 401, 403]],
    [
      'an observer signed in',
      async () => signIn(stack.app, await person('observer')),
      [401, 401, 401, 401, 200, 403, 403, 403, 401, 403],
    ],
    [
      'a secretariat officer signed in',
      async () => signIn(stack.app, await person('secretariat')),
      [401, 401, 401, 401, 200, 400, 404, 403, 401, 404],
    ],
    [
      'an admin signed in',
      async () => signIn(stack.app, await person('admin')),
      [401, 401, 401, 401, 200, 400, 404, 200, 401, 404],
    ],
    ['a read token', token('r', 'read'), [200, 403, 403, 403, 303, 403, 303, 303, 403, 403]],
    ['a write token of no user', token('w', 'write'), [200, 400, 403, 403, 303, 403, 303, 303, 400, 403]],
    [
      'a write token of an observer',
      token('wo', 'write', 'observer'),
      [200, 403, 403, 403, 303, 403, 303, 303, 403, 403],
    ],
    [
      'a write token of a secretariat officer',
      token('ws', 'write', 'secretariat'),
      [200, 400, 403, 403, 303, 403, 303, 303, 400, 403],
    ],
    ['a read token of an admin', token('ra', 'read', 'admin'), [200, 403, 403, 403, 303, 403, 303, 303, 403, 403]],
    [
      'a write token of an admin',
      token('wa', 'write', 'admin', future),
      [200, 400, 400, 400, 303, 403, 303, 303, 400, 403],
    ],
    [
      'an expired write token of an admin',
      token('old', 'write', 'admin', past),
      [401, 401, 401, 401, 303, 403, 303, 303, 401, 403],
    ],
  ];
  test.each(table)(
    '%s gets exactly what the role or scope allows from each kind of route',
    async (_who, make, expected) => {
      const auth = await make();
      const got: Record<string, number> = {};
      for (const [name, call] of Object.entries(routes)) got[name] = await call(auth);
      expect(got).toEqual(Object.fromEntries(Object.keys(routes).map((name, i) => [name, expected[i]])));
      // Nothing was changed by any of them.
      expect(await stack.store.cycles.list('cn-ls')).toEqual([]);
      expect(await stack.store.intake.listForCycle('cn-ls', '2031-Q1')).toEqual([]);
    },
  );

  test('an observer sees the cycle page without any action form, and coord makes tokens with a scope and an expiry', async () => {
    const observer = await signIn(stack.app, await person('observer'));
    const page = await stack.app.inject({ method: 'GET', url: '/', headers: { cookie: observer.cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('Open cycle');
    expect(page.body).not.toContain('href="/mailbox"');
    const made = await coord(
      ['token', 'create', '--name', 'export', '--scope', 'read', '--expires', '2099-12-31', '--json'],
      { env: coordEnv() },
    );
    expect(made.code).toBe(0);
    const { token, scope, expiresAt } = JSON.parse(made.stdout);
    expect({ scope, expiresAt }).toEqual({ scope: 'read', expiresAt: '2099-12-31T23:59:59.000Z' });
    expect(await api(token)).toBe(200);
    expect(await inject('POST', '/api/v1/mechanisms/cn-ls/cycles', { token }, { quarter: 'not a quarter' })).toBe(403);
    const bad = await coord(['token', 'create', '--name', 'x', '--scope', 'everything'], { env: coordEnv() });
    expect(bad.code).toBe(2);
  }, 300_000);
});

describe('the codec server (Temporal UI reads payloads through it)', () => {
  /** The web server as npm start runs it next to Temporal UI, with the deployment's payload key. */
  async function codecApp() {
    return buildApp({
      config: loadConfig({
        DATA_DIR: stack.store.dataDir,
        COORD_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
        TEMPORAL_UI_URL: 'http://127.0.0.1:8233',
      }),
      readiness: {},
      store: stack.store,
      cycles: temporalCycleGateway({
        client: env.client,
        taskQueue: stack.taskQueue,
        namespace: env.namespace ?? 'default',
        temporalUiUrl: 'http://127.0.0.1:8233',
      }),
      loginRateLimit: 1000,
    });
  }
  const json = (p: Payload) => ({
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')]),
    ),
    data: Buffer.from(p.data ?? []).toString('base64'),
  });
  const secret: Payload = {
    metadata: { encoding: Buffer.from('json/plain') },
    data: Buffer.from('"Bridge abutment cracked"'),
  };
  const encrypted = json(encryptPayload(testPayloadKeys, secret));
  /** Who asks, as Temporal UI (a session cookie) or the temporal CLI (a bearer token) would. */
  const callers: [string, (app: FastifyInstance) => Promise<Record<string, string>>, [number, number]][] = [
    //                                                                                         decode encode
    ['nobody', async () => ({}), [401, 401]],
    [
      'an observer signed in',
      async (app) => ({ cookie: (await signIn(app, await person('observer'))).cookie }),
      [200, 403],
    ],
    [
      'a secretariat officer signed in',
      async (app) => ({ cookie: (await signIn(app, await person('secretariat'))).cookie }),
      [200, 403],
    ],
    ['an admin signed in', async (app) => ({ cookie: (await signIn(app, await person('admin'))).cookie }), [200, 200]],
    [
      'a read token',
      async () => ({
        authorization: `Bearer ${(await stack.store.apiTokens.create({ name: 'r', scope: 'read' })).token}`,
      }),
      [200, 403],
    ],
    [
      'a write token of no user',
      async () => ({
        authorization: `Bearer ${(await stack.store.apiTokens.create({ name: 'w', scope: 'write' })).token}`,
      }),
      [200, 403],
    ],
    [
      'a write token of a secretariat officer',
      async () => ({
        authorization: `Bearer ${(await stack.store.apiTokens.create({ name: 'ws', scope: 'write', userId: (await person('secretariat')).id })).token}`,
      }),
      [200, 403],
    ],
    [
      'a read token of an admin',
      async () => ({
        authorization: `Bearer ${(await stack.store.apiTokens.create({ name: 'ra', scope: 'read', userId: (await person('admin')).id })).token}`,
      }),
      [200, 403],
    ],
    [
      'a write token of an admin',
      async () => ({
        authorization: `Bearer ${(await stack.store.apiTokens.create({ name: 'wa', scope: 'write', userId: (await person('admin')).id })).token}`,
      }),
      [200, 200],
    ],
    [
      'a revoked read token',
      async () => {
        const t = await stack.store.apiTokens.create({ name: 'gone', scope: 'read' });
        await stack.store.apiTokens.revoke(t.id);
        return { authorization: `Bearer ${t.token}` };
      },
      [401, 401],
    ],
  ];
  test.each(callers)(
    '%s may decode only with read access and encode only as an administrator',
    async (_who, auth, [decodeStatus, encodeStatus]) => {
      const app = await codecApp();
      try {
        const headers = { 'content-type': 'application/json', ...(await auth(app)) };
        const decoded = await app.inject({
          method: 'POST',
          url: '/codec/decode',
          headers,
          payload: { payloads: [encrypted] },
        });
        const encoded = await app.inject({
          method: 'POST',
          url: '/codec/encode',
          headers,
          payload: { payloads: [json(secret)] },
        });
        expect([decoded.statusCode, encoded.statusCode]).toEqual([decodeStatus, encodeStatus]);
        if (decodeStatus === 200)
          expect(Buffer.from(JSON.parse(decoded.body).payloads[0].data, 'base64').toString()).toBe(
            '"Bridge abutment cracked"',
          );
        else expect(decoded.body).not.toContain(Buffer.from('"Bridge abutment cracked"').toString('base64'));
        if (encodeStatus === 200)
          expect(Buffer.from(JSON.parse(encoded.body).payloads[0].metadata.encoding, 'base64').toString()).toBe(
            'binary/encrypted',
          );
        else expect(JSON.parse(encoded.body).payloads).toBeUndefined();
      } finally {
        await app.close();
      }
    },
  );
});

describe('readiness (/readyz)', () => {
  test('says only "not ready" to anyone but an administrator; the failing check and its reason go to admins and the log', async () => {
    const lines: string[] = [];
    const app = await buildApp({
      config: loadConfig({ DATA_DIR: stack.store.dataDir }),
      readiness: {
        database: async () => undefined,
        temporal: async () => Promise.reject(new Error('connect ECONNREFUSED 10.1.2.3:7233')),
      },
      store: stack.store,
      cycles: temporalCycleGateway({
        client: env.client,
        taskQueue: stack.taskQueue,
        namespace: env.namespace ?? 'default',
        temporalUiUrl: 'http://127.0.0.1:8233',
      }),
      logger: { level: 'warn', stream: { write: (line: string) => lines.push(line) } },
      loginRateLimit: 1000,
    });
    try {
      const ready = async (headers: Record<string, string> = {}) => {
        const res = await app.inject({ method: 'GET', url: '/readyz', headers });
        expect(res.statusCode).toBe(503);
        return res.json();
      };
      const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
      const plain = { status: 'not-ready' };
      expect(await ready()).toEqual(plain);
      expect(await ready(bearer('not-a-token'))).toEqual(plain);
      expect(await ready({ cookie: (await signIn(app, await person('secretariat'))).cookie })).toEqual(plain);
      expect(
        await ready(bearer((await stack.store.apiTokens.create({ name: 'monitor', scope: 'write' })).token)),
      ).toEqual(plain);
      const detail = {
        status: 'not-ready',
        checks: { database: { ok: true }, temporal: { ok: false, error: 'connect ECONNREFUSED 10.1.2.3:7233' } },
      };
      expect(await ready({ cookie: (await signIn(app, await person('admin'))).cookie })).toEqual(detail);
      expect(
        await ready(
          bearer(
            (await stack.store.apiTokens.create({ name: 'ops', scope: 'write', userId: (await person('admin')).id }))
              .token,
          ),
        ),
      ).toEqual(detail);
      // The operator finds the reason in the log, without asking.
      expect(
        lines.some(
          (l) =>
            l.includes('readiness check failed') && l.includes('temporal') && l.includes('ECONNREFUSED 10.1.2.3:7233'),
        ),
      ).toBe(true);
    } finally {
      await app.close();
    }
  });
});

describe('behind a reverse proxy (TRUST_PROXY)', () => {
  /** The app as production runs it behind one proxy, listening on a socket with a small per-address limit. */
  async function proxiedApp(trustProxy: string | undefined) {
    const app = await buildApp({
      config: loadConfig({ DATA_DIR: stack.store.dataDir, ...(trustProxy && { TRUST_PROXY: trustProxy }) }),
      readiness: {},
      store: stack.store,
      cycles: temporalCycleGateway({
        client: env.client,
        taskQueue: stack.taskQueue,
        namespace: env.namespace ?? 'default',
        temporalUiUrl: 'http://127.0.0.1:8233',
      }),
      loginRateLimit: 3,
      loginAccountLimit: 5,
    });
    return { app, base: await app.listen({ host: '127.0.0.1', port: 0 }) };
  }
  /** One sign-in over HTTP as the proxy forwards it for `client`; returns the status. */
  async function signInVia(base: string, client: string, email: string, password: string): Promise<number> {
    const headers = { 'x-forwarded-for': client };
    const page = await fetch(`${base}/login`, { headers });
    if (page.status !== 200) return page.status;
    const res = await fetch(`${base}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        ...headers,
        cookie: cookieOf(page.headers.get('set-cookie')),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ email, password, csrf: csrfOf(await page.text()) }).toString(),
    });
    return res.status;
  }

  test("one client's wrong passwords lock out that client only, not the officers behind the same proxy", async () => {
    const officer = await person();
    const victim = await person();
    const { app, base } = await proxiedApp('1');
    try {
      const attacker = '203.0.113.66';
      const tries: number[] = [];
      for (let i = 0; i < 4; i++) tries.push(await signInVia(base, attacker, officer.email, 'wrong password'));
      expect(tries).toEqual([401, 401, 401, 429]);
      // Everyone else, through the same proxy (the same socket address), still signs in.
      expect(await signInVia(base, '198.51.100.20', victim.email, victim.password)).toBe(303);
      expect(await signInVia(base, '198.51.100.21', officer.email, officer.password)).toBe(303);
    } finally {
      await app.close();
    }
  });

  test('failed sign-ins for one account are limited across client addresses too', async () => {
    const officer = await person();
    const { app, base } = await proxiedApp('1');
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++)
        statuses.push(await signInVia(base, `192.0.2.${100 + i}`, officer.email, 'wrong password'));
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
      // The right password is refused too while the account cools down; another account is not affected.
      expect(await signInVia(base, '192.0.2.200', officer.email, officer.password)).toBe(429);
      const other = await person();
      expect(await signInVia(base, '192.0.2.201', other.email, other.password)).toBe(303);
    } finally {
      await app.close();
    }
  });

  test('a bad TRUST_PROXY stops the start with a message naming the variable', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' })).not.toThrow();
  });
});

describe('owner links', () => {
  // Last in the file: it opens the cycle (the tests above check that nothing opened one).
  const quarter = '2027-Q1';
  /** Each project's request email as the owner received it, and the row the outbox kept of it. */
  const requests = new Map<string, { received: string; stored: string; to: string }>();
  beforeAll(async () => {
    const projects = (await stack.store.projects.list('cn-ls', { status: 'active' })).map((p) => p.id);
    await stack.startScheduledCycle('cn-ls', quarter);
    await stack.skipTo('2027-03-01T12:00:00Z');
    await stack.smtp.waitFor(
      (m) => m.filter((x) => /update/i.test(x.parsed.subject ?? '')).length >= projects.length,
      120_000,
    );
    const outbox = createOutboxRepository(stack.store.db);
    for (const r of (await outbox.list({ mechanismId: 'cn-ls' })).filter(
      (m) => m.kind === 'request' && m.quarter === quarter,
    )) {
      const email = stack.smtp.byMessageId(r.messageId)[0];
      requests.set(r.projectId!, {
        received: new URL(linkIn(email.parsed.text)).pathname,
        stored: `${r.text}\n${r.html}`,
        to: r.recipientId,
      });
    }
  }, 240_000);
  const status = async (path: string) => (await stack.app.inject({ method: 'GET', url: path })).statusCode;

  test('the database holds no working link: the stored email has a placeholder, the owner gets the working link', async () => {
    const { received, stored } = requests.get('mpiti-road')!;
    expect(await status(received)).toBe(200);
    const token = received.slice('/u/'.length);
    expect(stored).not.toContain(token);
    const kept = [...stored.matchAll(/\/u\/[^\s"<]+/g)].map((m) => m[0]);
    expect(kept.length).toBeGreaterThan(0);
    for (const path of kept) expect(await status(path)).toBe(404);
    const everything = JSON.stringify(await stack.store.db.selectFrom('outbox').selectAll().execute());
    for (const { received: link } of requests.values()) expect(everything).not.toContain(link.slice('/u/'.length));
  });

  test("reassigning an update makes the previous owner's links stop at once; waiving one ends all its links", async () => {
    const admin = await signIn(stack.app, await person('secretariat'));
    const post = (path: string, fields: Record<string, string>) =>
      stack.app.inject({
        method: 'POST',
        url: `/mechanisms/cn-ls/cycles/${quarter}${path}`,
        ...form({ ...fields, csrf: admin.csrf }, admin.cookie),
      });

    const road = requests.get('governance-exchange')!;
    expect(await status(road.received)).toBe(200);
    const reassigned = await post('/projects/governance-exchange/reassign', { ownerId: 'trade-ps' });
    expect(decodeURIComponent(String(reassigned.headers.location))).toContain('Update reassigned');
    await until('the previous owner link to stop working', async () => (await status(road.received)) === 404);

    const solar = requests.get('ramarothole-solar')!;
    expect(await status(solar.received)).toBe(200);
    const waived = await post('/projects/ramarothole-solar/waive', {});
    expect(decodeURIComponent(String(waived.headers.location))).toContain('Update waived');
    await until('the waived update link to stop working', async () => (await status(solar.received)) === 404);
  }, 120_000);

  /** The owner form as production serves it behind a proxy: on a socket, small limits, the workflows' clock. */
  async function linkApp(trustProxy: string | undefined) {
    const offsetMs = (await env.currentTimeMs()) - Date.now();
    const app = await buildApp({
      config: loadConfig({ DATA_DIR: stack.store.dataDir, ...(trustProxy && { TRUST_PROXY: trustProxy }) }),
      readiness: {},
      store: stack.store,
      cycles: temporalCycleGateway({
        client: env.client,
        taskQueue: stack.taskQueue,
        namespace: env.namespace ?? 'default',
        temporalUiUrl: 'http://127.0.0.1:8233',
      }),
      now: () => new Date(Date.now() + offsetMs),
      ownerLinkLimits: { probesPerAddress: 3, perLink: 3 },
    });
    return { app, base: await app.listen({ host: '127.0.0.1', port: 0 }) };
  }
  const probe = () => `/u/${Buffer.from(`${Math.random()}-${Math.random()}`).toString('base64url').padEnd(43, 'x')}`;
  const typed = {
    status: 'at-risk',
    statusReason: 'Bridge abutment cracked',
    progressPercent: '40',
    achievements: 'Grader crew finished 14 km',
    challenges: 'Rains',
    nextSteps: 'Repair the abutment',
  };

  test('an attacker probing links from one address is stopped there, while owners elsewhere behind the same proxy open and submit their forms', async () => {
    const { app, base } = await linkApp('1');
    try {
      const attacker = { 'x-forwarded-for': '203.0.113.66' };
      const probes: number[] = [];
      for (let i = 0; i < 4; i++) probes.push((await fetch(`${base}${probe()}`, { headers: attacker })).status);
      expect(probes).toEqual([404, 404, 404, 429]);
      // Blocked means blocked: a real link from that address is refused too (the prober cannot tell it was right),
      // and an address the client writes in front of the proxy's own entry changes nothing.
      const owners = [...requests.entries()].filter(
        ([projectId]) => !['mpiti-road', 'governance-exchange', 'ramarothole-solar'].includes(projectId),
      );
      const [, first] = owners[0];
      expect((await fetch(`${base}${first.received}`, { headers: attacker })).status).toBe(429);
      expect(
        (await fetch(`${base}${probe()}`, { headers: { 'x-forwarded-for': '198.51.100.7, 203.0.113.66' } })).status,
      ).toBe(429);

      // The owners, each at their own address behind the same proxy, are not affected.
      for (const [i, [, owner]] of owners.slice(0, 3).entries()) {
        expect(
          (await fetch(`${base}${owner.received}`, { headers: { 'x-forwarded-for': `198.51.100.${20 + i}` } })).status,
        ).toBe(200);
      }
      const saved = await fetch(`${base}${first.received}`, {
        method: 'POST',
        headers: { 'x-forwarded-for': '198.51.100.20', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(typed).toString(),
      });
      expect(saved.status).toBe(200);
      expect(await saved.text()).toContain('of your update is saved');
    } finally {
      await app.close();
    }
  });

  test("a flood on one owner's link from many addresses slows that link only, and the owner's typed text comes back on the 429", async () => {
    const { app, base } = await linkApp('1');
    try {
      const [[, flooded], [, other]] = [...requests.entries()].filter(
        ([projectId]) => projectId !== 'governance-exchange' && projectId !== 'ramarothole-solar',
      );
      const post = (path: string, client: string, fields: Record<string, string>) =>
        fetch(`${base}${path}`, {
          method: 'POST',
          headers: { 'x-forwarded-for': client, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(fields).toString(),
        });
      // Three requests from three addresses use up the link's allowance (refused for their content: nothing saved).
      for (let i = 0; i < 3; i++)
        expect((await post(flooded.received, `192.0.2.${10 + i}`, { status: '' })).status).toBe(422);
      // The owner, from a fresh address, sends a full update: refused for now, but nothing typed is lost.
      const refused = await post(flooded.received, '192.0.2.99', { ...typed, 'done-ai-1': 'on' });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      const page = await refused.text();
      expect(page).toContain('nothing was saved');
      expect(page).toContain(`action="${flooded.received}"`);
      expect(page).toContain('>Bridge abutment cracked</textarea>');
      expect(page).toContain('>Grader crew finished 14 km</textarea>');
      expect(page).toContain('>Repair the abutment</textarea>');
      expect(page).toContain('value="40"');
      expect(page).toContain('<option value="at-risk" selected>');
      expect(page).toContain('<input type="hidden" name="done-ai-1" value="on"/>');
      // An extension request refused the same way keeps its number of days.
      const extension = await post(`${flooded.received}/extension`, '192.0.2.98', { days: '12' });
      expect(extension.status).toBe(429);
      expect(await extension.text()).toContain('value="12"');
      // Another owner's link, from the very addresses of the flood, still works.
      expect((await fetch(`${base}${other.received}`, { headers: { 'x-forwarded-for': '192.0.2.10' } })).status).toBe(
        200,
      );
    } finally {
      await app.close();
    }
  });

  test('without TRUST_PROXY a forged X-Forwarded-For gives a prober no fresh allowance', async () => {
    const { app, base } = await linkApp(undefined);
    try {
      const probes: number[] = [];
      for (let i = 0; i < 4; i++)
        probes.push(
          (await fetch(`${base}${probe()}`, { headers: { 'x-forwarded-for': `203.0.113.${i + 1}` } })).status,
        );
      expect(probes).toEqual([404, 404, 404, 429]);
    } finally {
      await app.close();
    }
  });

  test('the mailbox page, with SMTP configured, shows no working link even to an administrator', async () => {
    const admin = await signIn(stack.app, await person('admin'));
    const page = await stack.app.inject({ method: 'GET', url: '/mailbox', headers: { cookie: admin.cookie } });
    expect(page.statusCode).toBe(200);
    for (const { received } of requests.values()) expect(page.body).not.toContain(received.slice('/u/'.length));
  });

  test('without SMTP (the local outbox) the mailbox page shows administrators the working links, and only them', async () => {
    const { app } = await linkApp(undefined);
    try {
      const admin = await signIn(app, await person('admin'));
      const page = await app.inject({ method: 'GET', url: '/mailbox', headers: { cookie: admin.cookie } });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('No SMTP server is configured');
      const { received } = requests.get('mpiti-road')!;
      expect(page.body).toContain(received.slice('/u/'.length));
      const officer = await signIn(app, await person('secretariat'));
      expect(
        (await app.inject({ method: 'GET', url: '/mailbox', headers: { cookie: officer.cookie } })).statusCode,
      ).toBe(403);
    } finally {
      await app.close();
    }
  });
});
