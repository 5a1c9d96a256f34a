/**
 * The cycle page's actions through a whole quarter with app.inject(): waive and reassign while collecting, then
 * convene, reschedule, cancel, convene again, record decisions (with a mistake first), and what a closed cycle
 * still shows. Real workflows on the time-skipping server, real activities, SMTP catcher, SQLite.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { signIn, startServiceStack, until, type ServiceStack } from '../e2e/stack';
import { bundleWorkflows, createTimeSkippingEnv } from '../helpers/temporal';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let stack: ServiceStack;

beforeAll(async () => {
  [env, bundle] = await Promise.all([createTimeSkippingEnv(), bundleWorkflows({ timeSkipping: true })]);
}, 180_000);
afterAll(async () => {
  await stack?.close();
  await env?.teardown();
});

const base = '/mechanisms/cn-ls/cycles/2027-Q1';

describe('running the session from the cycle page', () => {
  test('waive, reassign, convene, reschedule, cancel, record decisions, and the closed cycle refuses further actions', async () => {
    stack = await startServiceStack(env, bundle);
    const { app, store, smtp } = stack;
    await stack.startScheduledCycle('cn-ls', '2027-Q1');
    await stack.skipTo('2027-03-01T12:00:00Z');
    await until(
      'the cycle to collect',
      async () => (await store.cycles.get('cn-ls', '2027-Q1'))?.phase === 'collecting',
    );

    // Sign in again whenever weeks have passed (a session lasts a working day).
    let who = await signIn(app);
    /** Posts a cycle page form and returns the message the page then shows. */
    const act = async (path: string, fields: Record<string, string> = {}) => {
      const res = await app.inject({
        method: 'POST',
        url: `${base}${path}`,
        payload: new URLSearchParams({ ...fields, csrf: who.csrf }).toString(),
        headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(res.statusCode).toBe(303);
      const shown = await app.inject({
        method: 'GET',
        url: res.headers.location as string,
        headers: { cookie: who.cookie },
      });
      return /<div class="notice" role="status" id="done">([^<]*)<\/div>/.exec(shown.body)?.[1] ?? '';
    };
    const stateOf = async (projectId: string) =>
      (await store.cycles.listProjectStates('cn-ls', '2027-Q1')).find((p) => p.projectId === projectId);

    expect(await act('/projects/multilateral-coordination/waive')).toBe('Update waived for this quarter.');
    await until(
      'the waiver in the records',
      async () => (await stateOf('multilateral-coordination'))?.state === 'waived',
    );
    expect(await act('/projects/zero-tariff-access/reassign', { ownerId: 'trade-ps' })).toBe(
      'Update reassigned to Principal Secretary of Trade.',
    );
    expect(await act('/projects/zero-tariff-access/reassign', { ownerId: 'nobody' })).toBe(
      'Refused: ownerId: choose a contact of the mechanism',
    );
    expect(
      await act('/convene', {
        startsAt: '2027-04-12T10:00:00+02:00',
        venue: 'Maseru',
        chairs: 'chair-ls, chair-cn',
        attendees: 'roads-director',
      }),
    ).toMatch(/^Refused: .*convened once the report is compiled/);

    // Collection closes, the report is compiled: the session can be convened.
    await stack.skipTo('2027-03-29T08:00:00Z');
    await until('the convening phase', async () => (await store.cycles.get('cn-ls', '2027-Q1'))?.phase === 'convening');
    who = await signIn(app);
    const page = (await app.inject({ method: 'GET', url: base, headers: { cookie: who.cookie } })).body;
    expect(page).toContain('Convene session');
    expect(page).not.toContain('Record decisions</button>');

    const attendees = { venue: 'Maseru', chairs: 'chair-ls, chair-cn', attendees: 'roads-director, secretariat-ls' };
    expect(await act('/convene', { ...attendees, startsAt: 'next tuesday' })).toMatch(/^Refused: .*startsAt/);
    expect(await act('/convene', { ...attendees, startsAt: '2027-04-12T10:00:00+02:00' })).toBe(
      'Session convened for 2027-04-12T10:00:00+02:00 (invitation sequence 1).',
    );
    // The page shows the session once it is recorded (on a loaded machine the workflow may not answer the page's
    // live read in time, and the page then shows the records).
    await until(
      'the session in the records',
      async () =>
        Date.parse((await store.sessions.get('cn-ls', '2027-Q1'))?.startsAt ?? '') ===
        Date.parse('2027-04-12T10:00:00+02:00'),
    );
    const convened = (await app.inject({ method: 'GET', url: base, headers: { cookie: who.cookie } })).body;
    expect(convened).toContain('id="attendees" name="attendees" value="roads-director, secretariat-ls"');
    expect(convened).toContain('Reschedule session');
    expect(await act('/convene', { ...attendees, startsAt: '2027-04-13T10:00:00+02:00' })).toBe(
      'Session convened for 2027-04-13T10:00:00+02:00 (invitation sequence 2).',
    );
    expect(await act('/cancel-session')).toBe('Session cancelled; the cancellation was sent.');
    await smtp.waitFor(
      (ms) =>
        ms.some(
          (m) => m.envelope.to.includes('roads-director@example.org') && /METHOD:CANCEL/.test(m.raw.toString('utf8')),
        ),
      30_000,
    );
    expect(await act('/convene', { ...attendees, startsAt: '2027-04-14T10:00:00+02:00' })).toMatch(
      /invitation sequence 4\)\.$/,
    );

    // The session is held; decisions with a broken action line are refused with the field named.
    await stack.skipTo('2027-04-14T12:00:00Z');
    await until('the recording phase', async () => (await store.cycles.get('cn-ls', '2027-Q1'))?.phase === 'recording');
    who = await signIn(app);
    expect(
      await act('/decisions', {
        decisions: 'The road schedule is revised.',
        actions: 'Revised schedule | roads-director | someday',
      }),
    ).toMatch(/^Refused: .*dueDate/);
    expect(
      await act('/decisions', {
        decisions: 'The road schedule is revised.',
        actions: 'Revised schedule | roads-director | 2027-05-14',
      }),
    ).toBe('Decisions recorded with 1 action item(s); the minutes follow.');
    await until('the closed cycle', async () => (await store.cycles.get('cn-ls', '2027-Q1'))?.phase === 'closed');
    await until(
      'the minutes',
      async () => (await store.documents.list('cn-ls', '2027-Q1')).filter((d) => d.kind === 'minutes').length === 3,
    );

    // A closed cycle: actions are refused, the documents can still be downloaded.
    expect(await act('/close')).toBe('Refused: cycle cn-ls 2027-Q1 is closed: nothing can change any more');
    expect(await act('/projects/mpiti-road/waive')).toMatch(/^Refused: .*closed/);
    const closed = (await app.inject({ method: 'GET', url: base, headers: { cookie: who.cookie } })).body;
    expect(closed).toContain('id="phase">closed<');
    expect(closed).toContain('The road schedule is revised.');
    const minutes = (await store.documents.list('cn-ls', '2027-Q1')).find(
      (d) => d.kind === 'minutes' && d.format === 'docx',
    )!;
    const download = await app.inject({
      method: 'GET',
      url: `/documents/${encodeURIComponent(minutes.id)}`,
      headers: { cookie: who.cookie },
    });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename=".*minutes.*\.docx"$/);
    expect(download.rawPayload.subarray(0, 2).toString()).toBe('PK');
    expect(
      (await app.inject({ method: 'GET', url: '/documents/no-such-document', headers: { cookie: who.cookie } }))
        .statusCode,
    ).toBe(404);
    expect((await app.inject({ method: 'GET', url: `/documents/${encodeURIComponent(minutes.id)}` })).statusCode).toBe(
      303,
    );
  }, 300_000);
});
