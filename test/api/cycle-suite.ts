/**
 * Opening cycles and the secretariat's commands on them: each answer is what the workflow decided (accepted with its
 * result, or refused with its reason), and a refused or malformed command changes nothing in the store or the
 * workflow. Each test uses its own quarter: the Temporal test server is shared by the whole file.
 */
import { updateWorkflowId } from '../../src/temporal/ids';
import { sendUpdate } from '../../src/temporal/cycles';
import { requestExtension, updateState } from '../../src/workflows/messages';
import type { SuiteContext } from './context';
import { eventually, type Stack } from './support';

const cycleUrl = (quarter: string) => `/api/v1/mechanisms/cn-ls/cycles/${quarter}`;
const projectUrl = (quarter: string, projectId: string, command: string) =>
  `${cycleUrl(quarter)}/projects/${projectId}/${command}`;
const fieldsOf = (res: { json(): { error: { fields?: { field: string }[] } } }) =>
  (res.json().error.fields ?? []).map((f) => f.field);

/** Opens the cycle of a quarter and waits until it lists its projects; returns their ids. */
export async function openCycle(stack: Stack, quarter: string): Promise<string[]> {
  const opened = await stack.call({ method: 'POST', url: '/api/v1/mechanisms/cn-ls/cycles', payload: { quarter } });
  expect(opened.statusCode).toBe(201);
  const cycle = await eventually(async () => {
    const r = await stack.call({ method: 'GET', url: cycleUrl(quarter) });
    // Within the owners' working hours the requests go out as the cycle opens: wait until those due now are sent, so
    // that snapshots taken next do not race them (outside those hours nothing is due yet).
    const dueNow = (p: { nextSendAt?: string }) => p.nextSendAt === undefined || Date.parse(p.nextSendAt) <= Date.now();
    return r.statusCode === 200 && r.json().projects.length > 0 && !r.json().projects.some(dueNow) && r.json();
  }, 'the cycle to list its projects, with the requests due at its opening sent');
  return cycle.projects.map((p: { projectId: string }) => p.projectId).sort();
}

/** Registers the tests of the cycle routes. */
export function cycleSuite(ctx: SuiteContext): void {
  const updateOf = (quarter: string, projectId: string) =>
    ctx
      .env()
      .client.workflow.getHandle(updateWorkflowId('cn-ls', quarter, projectId))
      .query(updateState);
  /** Everything a refused command could have touched, to compare before and after. */
  const snapshot = async (stack: Stack, quarter: string, projectId?: string) => ({
    cycle: await stack.store.cycles.get('cn-ls', quarter),
    rows: await stack.store.cycles.listProjectStates('cn-ls', quarter),
    live: (await stack.call({ method: 'GET', url: cycleUrl(quarter) })).json(),
    ...(projectId && {
      update: await updateOf(quarter, projectId),
      submission: await stack.store.submissions.latest('cn-ls', quarter, projectId),
    }),
  });

  describe('cycles and their commands', () => {
    test('opens a cycle once: 201 the first time, 200 after, and shows each project requested', async () => {
      const stack = ctx.stack();
      const projects = await openCycle(stack, '2025-Q1');
      const again = await stack.call({
        method: 'POST',
        url: '/api/v1/mechanisms/cn-ls/cycles',
        payload: { quarter: '2025-Q1' },
      });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual({ workflowId: 'cycle:cn-ls:2025-Q1', started: false });
      const cycle = (await stack.call({ method: 'GET', url: cycleUrl('2025-Q1') })).json();
      expect(cycle).toMatchObject({ phase: 'collecting', source: 'workflow', workflowId: 'cycle:cn-ls:2025-Q1' });
      expect(projects.length).toBe((await stack.store.projects.list('cn-ls', { status: 'active' })).length);
      expect(cycle.projects[0]).toEqual(
        expect.objectContaining({
          projectId: expect.any(String),
          state: expect.stringMatching(/requested|reminded/),
          workflowId: expect.stringMatching(/^update:cn-ls:2025-Q1:/),
        }),
      );
      const list = await stack.call({ method: 'GET', url: '/api/v1/mechanisms/cn-ls/cycles' });
      expect(list.json().cycles.map((c: { quarter: string }) => c.quarter)).toEqual(['2025-Q1']);
    });

    test("checks a proposed session date against both sides' calendars and proposes dates both sides work", async () => {
      const stack = ctx.stack();
      const res = await stack.call({
        method: 'GET',
        url: `/api/v1/mechanisms/cn-ls/session-check?startsAt=${encodeURIComponent('2026-10-05T10:00:00+02:00')}`,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        needsConfirmation: true,
        warnings: [
          '2026-10-05 is a holiday (Independence Day (observed)) for side ls',
          '2026-10-05 is a holiday (国庆节 National Day (adjusted)) for side cn',
        ],
      });
      expect(res.json().alternatives[0]).toBe('2026-10-08T08:00:00.000Z');
      const fine = await stack.call({
        method: 'GET',
        url: `/api/v1/mechanisms/cn-ls/session-check?startsAt=${encodeURIComponent('2026-10-08T10:00:00+02:00')}`,
      });
      expect(fine.json()).toMatchObject({ needsConfirmation: false, warnings: [] });
    });

    test('names the wrong field when opening a cycle with a bad quarter or an unknown mechanism, and starts nothing', async () => {
      const stack = ctx.stack();
      for (const payload of [{ quarter: '2026-Q5' }, {}, { quarter: 20261 }]) {
        const res = await stack.call({ method: 'POST', url: '/api/v1/mechanisms/cn-ls/cycles', payload });
        expect(res.statusCode).toBe(400);
        expect(res.json().error.code).toBe('invalid-input');
        expect(fieldsOf(res)).toEqual(['quarter']);
      }
      const notJson = await stack.call({
        method: 'POST',
        url: '/api/v1/mechanisms/cn-ls/cycles',
        payload: '{"quarter":',
        headers: { 'content-type': 'application/json' },
      });
      expect(notJson.statusCode).toBe(400);
      const unknown = await stack.call({
        method: 'POST',
        url: '/api/v1/mechanisms/nowhere/cycles',
        payload: { quarter: '2026-Q1' },
      });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().error.message).toBe('mechanism nowhere not found');
      expect(await stack.store.cycles.list('cn-ls')).toEqual([]);
      const unknownList = await stack.call({ method: 'GET', url: '/api/v1/mechanisms/nowhere/cycles' });
      expect(unknownList.statusCode).toBe(404);
    });

    test('answers 404 for a quarter that has no cycle and 400 for a malformed one', async () => {
      const stack = ctx.stack();
      const res = await stack.call({ method: 'GET', url: cycleUrl('2031-Q2') });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.message).toBe('cycle cn-ls 2031-Q2 not found');
      const malformed = await stack.call({ method: 'GET', url: cycleUrl('Q2-2031') });
      expect(malformed.statusCode).toBe(400);
      expect(fieldsOf(malformed)).toEqual(['params.quarter']);
      const command = await stack.call({ method: 'POST', url: `${cycleUrl('2031-Q2')}/close`, payload: {} });
      expect(command.statusCode).toBe(404);
      const decisions = await stack.call({ method: 'GET', url: `${cycleUrl('2031-Q2')}/decisions` });
      expect(decisions.statusCode).toBe(404);
    });

    test('a submission on behalf of the owner with a missing reason is refused with the field named, and a valid one is accepted and can be amended', async () => {
      const stack = ctx.stack();
      const quarter = '2025-Q2';
      const [projectId, other] = await openCycle(stack, quarter);
      const url = projectUrl(quarter, projectId, 'submission');
      const before = await snapshot(stack, quarter, projectId);
      const bad = await stack.call({ method: 'POST', url, payload: { status: 'at-risk', progressPercent: 40 } });
      expect(bad.statusCode).toBe(400);
      expect(fieldsOf(bad)).toContain('statusReason');
      const huge = await stack.call({
        method: 'POST',
        url,
        payload: { status: 'on-track', progressPercent: 40, achievements: 'x'.repeat(5001) },
      });
      expect(huge.statusCode).toBe(400);
      expect(fieldsOf(huge)).toEqual(['achievements']);
      const wrongType = await stack.call({ method: 'POST', url, payload: { status: 'fine', progressPercent: '40' } });
      expect(wrongType.statusCode).toBe(400);
      expect(fieldsOf(wrongType)).toEqual(expect.arrayContaining(['status', 'progressPercent']));
      const tooBig = await stack.call({
        method: 'POST',
        url,
        payload: { status: 'on-track', achievements: 'x'.repeat(1024 * 1024) },
      });
      expect(tooBig.statusCode).toBe(413);
      const unknownProject = await stack.call({
        method: 'POST',
        url: projectUrl(quarter, 'no-such-project', 'submission'),
        payload: { status: 'on-track', progressPercent: 40 },
      });
      expect(unknownProject.statusCode).toBe(404);
      expect(unknownProject.json().error.message).toContain('no-such-project');
      expect(await snapshot(stack, quarter, projectId)).toEqual(before);
      const none = await stack.call({ method: 'GET', url });
      expect(none.statusCode).toBe(404);

      const ok = await stack.call({
        method: 'POST',
        url,
        payload: { status: 'on-track', progressPercent: 40, achievements: 'Survey done' },
      });
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toEqual({
        accepted: true,
        result: {
          status: 'applied',
          key: expect.any(String),
          revision: 1,
          late: false,
          receivedAt: expect.any(String),
        },
      });
      expect((await stack.call({ method: 'GET', url })).json()).toMatchObject({
        revision: 1,
        body: { achievements: 'Survey done' },
      });
      expect(await updateOf(quarter, projectId)).toMatchObject({ state: 'submitted', revision: 1 });
      const amended = await stack.call({
        method: 'POST',
        url,
        payload: { status: 'on-track', progressPercent: 45, achievements: 'Survey and design done' },
      });
      expect(amended.json()).toMatchObject({ accepted: true, result: { revision: 2 } });
      await eventually(async () => {
        const cycle = (await stack.call({ method: 'GET', url: cycleUrl(quarter) })).json();
        return cycle.projects.find(
          (p: { projectId: string; state: string; revision: number }) =>
            p.projectId === projectId && p.state === 'submitted' && p.revision === 2,
        );
      }, 'the cycle to show the amended submission');

      // The workflow decides: a submitted update cannot be waived, extended or handed to someone else.
      const afterSubmit = await snapshot(stack, quarter, projectId);
      const waive = await stack.call({ method: 'POST', url: projectUrl(quarter, projectId, 'waiver'), payload: {} });
      expect(waive.statusCode).toBe(409);
      expect(waive.json().error).toEqual({
        code: 'rejected-already-settled',
        message: 'the update is already submitted',
      });
      const extend = await stack.call({
        method: 'POST',
        url: projectUrl(quarter, projectId, 'extension'),
        payload: { dueDate: '2099-01-01' },
      });
      expect(extend.statusCode).toBe(409);
      expect(extend.json().error.message).toBe('the update is already submitted');
      expect(await snapshot(stack, quarter, projectId)).toEqual(afterSubmit);
      expect(await stack.store.submissions.latest('cn-ls', quarter, other)).toBeUndefined();
    });

    test('extends, refuses, reassigns and waives one project, and says why when the workflow refuses', async () => {
      const stack = ctx.stack();
      const quarter = '2025-Q3';
      const [projectId] = await openCycle(stack, quarter);
      const { dueDate } = await updateOf(quarter, projectId);
      const before = await snapshot(stack, quarter, projectId);

      const malformed = await stack.call({
        method: 'POST',
        url: projectUrl(quarter, projectId, 'extension'),
        payload: { dueDate: '31/12/2099' },
      });
      expect(malformed.statusCode).toBe(400);
      expect(fieldsOf(malformed)).toEqual(['dueDate']);
      // A day that does not exist is refused here: once it reached the workflow, whose calendar cannot place it, and
      // wedged the project's update (the grant below would then time out).
      for (const day of ['2095-02-29', '2099-04-31']) {
        const impossible = await stack.call({
          method: 'POST',
          url: projectUrl(quarter, projectId, 'extension'),
          payload: { dueDate: day },
        });
        expect({ day, status: impossible.statusCode, fields: fieldsOf(impossible) }).toEqual({
          day,
          status: 400,
          fields: ['dueDate'],
        });
      }
      const missing = await stack.call({
        method: 'POST',
        url: projectUrl(quarter, projectId, 'extension'),
        payload: {},
      });
      expect(fieldsOf(missing)).toEqual(['dueDate']);
      const earlier = await stack.call({
        method: 'POST',
        url: projectUrl(quarter, projectId, 'extension'),
        payload: { dueDate: '2020-01-01' },
      });
      expect(earlier.statusCode).toBe(422);
      expect(earlier.json().error).toMatchObject({
        code: 'rejected-invalid',
        message: `dueDate: must be after the current due date ${dueDate}`,
      });
      const refuse = await stack.call({
        method: 'POST',
        url: projectUrl(quarter, projectId, 'extension-refusal'),
        payload: {},
      });
      expect(refuse.statusCode).toBe(409);
      expect(refuse.json().error).toEqual({
        code: 'rejected-no-extension-pending',
        message: 'no extension request is waiting',
      });
      // The owner asks for more than is granted without the secretariat (as the owner's page does); the secretariat refuses.
      const asked = await sendUpdate(
        ctx.env().client,
        updateWorkflowId('cn-ls', quarter, projectId),
        requestExtension,
        { days: 30, requestedBy: before.update!.ownerId },
      );
      expect(asked).toMatchObject({ accepted: true, result: { outcome: 'pending' } });
      expect((await updateOf(quarter, projectId)).pendingExtensionDays).toBe(30);
      const refused = await stack.call({
        method: 'POST',
        url: projectUrl(quarter, projectId, 'extension-refusal'),
        payload: {},
      });
      expect(refused.statusCode).toBe(200);
      expect(refused.json().accepted).toBe(true);
      const afterRefusal = await updateOf(quarter, projectId);
      expect(afterRefusal.pendingExtensionDays).toBeUndefined();
      expect(afterRefusal.dueDate).toBe(dueDate);
      const stranger = await stack.call({
        method: 'POST',
        url: projectUrl(quarter, projectId, 'owner'),
        payload: { ownerId: 'nobody-here' },
      });
      expect(stranger.statusCode).toBe(422);
      expect(fieldsOf(stranger)).toEqual(['ownerId']);
      const badOwner = await stack.call({
        method: 'POST',
        url: projectUrl(quarter, projectId, 'owner'),
        payload: { ownerId: 'Not A Slug' },
      });
      expect(badOwner.statusCode).toBe(400);
      expect(fieldsOf(badOwner)).toEqual(['ownerId']);
      const sameOwner = await stack.call({
        method: 'POST',
        url: projectUrl(quarter, projectId, 'owner'),
        payload: { ownerId: before.update!.ownerId },
      });
      expect(sameOwner.statusCode).toBe(422);
      expect(sameOwner.json().error.message).toBe('ownerId: this contact already owns the update');
      expect(await snapshot(stack, quarter, projectId)).toEqual(before);

      const extended = await stack.call({
        method: 'POST',
        url: projectUrl(quarter, projectId, 'extension'),
        payload: { dueDate: '2099-06-30' },
      });
      expect(extended.statusCode).toBe(200);
      expect(extended.json()).toEqual({ accepted: true, result: { dueDate: '2099-06-30' } });
      expect((await updateOf(quarter, projectId)).dueDate).toBe('2099-06-30');

      const mechanism = await stack.store.mechanisms.get('cn-ls');
      const newOwner = mechanism!.contacts.find((c) => c.id !== before.update!.ownerId)!.id;
      const reassigned = await stack.call({
        method: 'POST',
        url: projectUrl(quarter, projectId, 'owner'),
        payload: { ownerId: newOwner },
      });
      expect(reassigned.statusCode).toBe(200);
      expect(reassigned.json().accepted).toBe(true);
      expect((await updateOf(quarter, projectId)).ownerId).toBe(newOwner);

      const waived = await stack.call({ method: 'POST', url: projectUrl(quarter, projectId, 'waiver'), payload: {} });
      expect(waived.statusCode).toBe(200);
      expect(waived.json().accepted).toBe(true);
      expect((await updateOf(quarter, projectId)).state).toBe('waived');
      // The audit trail (and the workflows' arguments) name the token by its id, never by a person's address.
      const audit = await stack.store.audit.list({ actor: `token:${stack.tokenId}` });
      expect(audit.map((a) => a.action)).toEqual(
        expect.arrayContaining([
          'cycle.open',
          'update.refuseExtension',
          'update.grantExtension',
          'update.reassignOwner',
          'update.waive',
        ]),
      );
    });

    test('closing a cycle by hand stops every command with a clear 409, and nothing changes after', async () => {
      const stack = ctx.stack();
      const quarter = '2024-Q1';
      const [projectId] = await openCycle(stack, quarter);
      const wrongPhase = await stack.call({
        method: 'PUT',
        url: `${cycleUrl(quarter)}/session`,
        payload: { venue: 'Maseru', chairs: ['chair-ls'], attendees: ['chair-ls'] },
      });
      expect(wrongPhase.statusCode).toBe(409);
      expect(wrongPhase.json().error).toMatchObject({
        code: 'rejected-wrong-phase',
        message: expect.stringContaining('the cycle is collecting'),
      });
      const noReport = await stack.call({ method: 'POST', url: `${cycleUrl(quarter)}/report`, payload: {} });
      expect(noReport.json().error).toEqual({
        code: 'rejected-wrong-phase',
        message: 'the report has not been compiled yet',
      });

      const closed = await stack.call({ method: 'POST', url: `${cycleUrl(quarter)}/close`, payload: {} });
      expect(closed.statusCode).toBe(200);
      expect(closed.json().accepted).toBe(true);
      // Closed once the workflow says so and its last activity has recorded it (what every command checks first).
      await eventually(
        async () =>
          (await stack.call({ method: 'GET', url: cycleUrl(quarter) })).json().phase === 'closed' &&
          (await stack.store.cycles.get('cn-ls', quarter))?.phase === 'closed',
        'the cycle to close',
      );
      const before = {
        cycle: await stack.store.cycles.get('cn-ls', quarter),
        rows: await stack.store.cycles.listProjectStates('cn-ls', quarter),
      };
      for (const [method, url, payload] of [
        ['POST', `${cycleUrl(quarter)}/close`, {}],
        ['PUT', `${cycleUrl(quarter)}/session`, { venue: 'Maseru', chairs: ['chair-ls'], attendees: ['chair-ls'] }],
        ['POST', projectUrl(quarter, projectId, 'submission'), { status: 'on-track', progressPercent: 10 }],
        ['POST', projectUrl(quarter, projectId, 'waiver'), {}],
      ] as const) {
        const res = await stack.call({ method, url, payload });
        expect(res.statusCode).toBe(409);
        expect(res.json().error).toEqual({
          code: 'cycle-closed',
          message: `cycle cn-ls ${quarter} is closed: nothing can change any more`,
        });
      }
      expect({
        cycle: await stack.store.cycles.get('cn-ls', quarter),
        rows: await stack.store.cycles.listProjectStates('cn-ls', quarter),
      }).toEqual(before);
      expect(await stack.store.submissions.latest('cn-ls', quarter, projectId)).toBeUndefined();
    });
  });
}
