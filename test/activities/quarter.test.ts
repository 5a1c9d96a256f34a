import { until } from '../helpers/until';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import { loadDemoIfEmpty } from '../../src/store';
import { createOutboxRepository } from '../../src/store/outbox';
import { materialiseOwnerLinks } from '../../src/store/owner-links';
import { loadLinkSecret } from '../../src/store/secrets';
import { sendUpdate } from '../../src/temporal/cycles';
import { cycleWorkflowId, updateWorkflowId } from '../../src/temporal/ids';
import { convene, cycleState, recordDecisions, submitUpdate } from '../../src/workflows/messages';
import { createTestStore, type TestStore } from '../helpers/store';
import { bundleWorkflows, createTimeSkippingEnv, uniqueTaskQueue, withWorker } from '../helpers/temporal';

const quarter = '2027-Q1';
const cycleId = cycleWorkflowId('cn-ls', quarter);

async function skipTo(env: TestWorkflowEnvironment, instant: string): Promise<void> {
  const ms = Date.parse(instant) - (await env.currentTimeMs());
  if (ms > 0) await env.sleep(ms);
}

describe('a whole quarter of the demo mechanism with the real records, outbox and document archive', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;
  let store: TestStore;
  beforeAll(async () => {
    [env, bundle, store] = await Promise.all([
      createTimeSkippingEnv(),
      bundleWorkflows({ timeSkipping: true }),
      createTestStore(),
    ]);
    await loadDemoIfEmpty(store);
  }, 120_000);
  afterAll(async () => {
    await env?.teardown();
    await store?.close();
  });

  it('requests every update, archives the report, invites with a calendar, records decisions and expires the owner links at close', async () => {
    const outbox = createOutboxRepository(store.db);
    const activities = createActivities({
      store,
      dataDir: store.dataDir,
      publicUrl: 'http://127.0.0.1:3000',
      mailFrom: 'secretariat@example.org',
    });
    const taskQueue = uniqueTaskQueue('quarter');
    const projects = (await store.projects.list('cn-ls', { status: 'active' })).map((p) => p.id);

    await withWorker(env, bundle, taskQueue, activities, async () => {
      await env.client.workflow.start('quarterlyCycle', {
        workflowId: cycleId,
        taskQueue,
        args: [{ mechanismId: 'cn-ls', quarter, scheduled: true }],
      });
      const cycle = env.client.workflow.getHandle(cycleId);

      // Monday 1 March 2027 opens the cycle; every owner's request is in the local outbox (no SMTP configured).
      await skipTo(env, '2027-03-01T12:00:00Z');
      const requests = async () => (await outbox.list({ mechanismId: 'cn-ls' })).filter((m) => m.kind === 'request');
      await until('the requests', async () => (await requests()).length === projects.length);
      const request = (await requests()).find((m) => m.projectId === 'mpiti-road')!;
      expect(request.status).toBe('stored');
      expect(request.toAddress).toMatch(/@example\.org$/);
      // The outbox keeps a placeholder link only; the working one is derived with the link secret (of DATA_DIR here).
      expect(request.text).toMatch(/http:\/\/127\.0\.0\.1:3000\/u\/~[A-Za-z0-9_-]+/);
      const working = materialiseOwnerLinks(request.text, loadLinkSecret(store.dataDir));
      const token = /http:\/\/127\.0\.0\.1:3000\/u\/([A-Za-z0-9_-]+)/.exec(working)![1];
      expect(request.text).not.toContain(token);
      expect(await store.ownerLinks.resolve(token, '2027-03-02T00:00:00Z')).toMatchObject({
        projectId: 'mpiti-road',
        quarter,
      });

      const answer = await sendUpdate(env.client, updateWorkflowId('cn-ls', quarter, 'mpiti-road'), submitUpdate, {
        submission: {
          status: 'at-risk',
          statusReason: 'Rains delayed the earthworks.',
          progressPercent: 35,
          achievements: 'Bridge piers cast.',
        },
        submittedBy: 'roads-director',
      });
      expect(answer).toMatchObject({ accepted: true, result: { revision: 1, late: false } });
      // Sent straight to the workflow (no API in front): the workflow stores the revision just after answering.
      const stored = await until('the stored revision', async () =>
        store.submissions.latest('cn-ls', quarter, 'mpiti-road'),
      );
      expect(stored.body.achievements).toBe('Bridge piers cast.');

      // After the cut-off the report is compiled into the archive (DOCX, PDF and HTML of version 1).
      await skipTo(env, '2027-03-29T08:00:00Z');
      await until(
        'the report',
        async () => (await store.documents.list('cn-ls', quarter)).filter((d) => d.kind === 'report').length === 3,
      );
      expect((await cycle.query(cycleState)).phase).toBe('convening');
      expect(
        (await store.cycles.listProjectStates('cn-ls', quarter)).find((p) => p.projectId === 'mpiti-road')?.state,
      ).toBe('submitted');

      const convened = await sendUpdate(env.client, cycleId, convene, {
        startsAt: '2027-04-12T08:00:00Z',
        venue: 'Ministry of Foreign Affairs and International Relations, Maseru',
        chairs: ['chair-ls', 'chair-cn'],
        attendees: ['roads-director', 'secretariat-ls', 'secretariat-cn'],
      });
      expect(convened).toMatchObject({ accepted: true, result: { sequence: 1 } });
      // The command answers once the session is set; the agenda and the invitations follow (issue 15).
      const invitations = await until('the invitations', async () => {
        const rows = (await outbox.listForWorkflow(cycleId)).filter((m) => m.kind === 'invitation');
        return rows.length === 5 && rows;
      });
      expect(invitations.map((m) => m.recipientId).sort()).toEqual([
        'chair-cn',
        'chair-ls',
        'roads-director',
        'secretariat-cn',
        'secretariat-ls',
      ]);
      expect(invitations[0].ics).toMatch(/METHOD:REQUEST/);

      await skipTo(env, '2027-04-12T12:00:00Z');
      await until('the recording phase', async () => (await cycle.query(cycleState)).phase === 'recording');
      const recorded = await sendUpdate(env.client, cycleId, recordDecisions, {
        present: ['chair-ls', 'chair-cn', 'roads-director'],
        decisions: [
          {
            id: 'd-2027q1-1',
            text: 'The contractor presents a revised schedule for the Mpiti-Sehlaba-Thebe road.',
            projects: ['mpiti-road'],
            actionItems: [
              {
                id: 'road-schedule',
                title: 'Revised road schedule',
                owner: 'roads-director',
                dueDate: '2027-05-14',
                projects: ['mpiti-road'],
              },
            ],
          },
        ],
      });
      expect(recorded).toEqual({ accepted: true, result: { actionItemIds: ['road-schedule'] } });
      expect(await cycle.result()).toMatchObject({
        phase: 'closed',
        reportVersion: 1,
        actionItemIds: ['road-schedule'],
      });

      expect((await store.cycles.get('cn-ls', quarter))?.phase).toBe('closed');
      expect((await store.documents.list('cn-ls', quarter)).map((d) => `${d.kind} ${d.format}`).sort()).toEqual([
        'agenda docx',
        'agenda html',
        'agenda pdf',
        'minutes docx',
        'minutes html',
        'minutes pdf',
        'report docx',
        'report html',
        'report pdf',
      ]);
      expect(await store.actionItems.get('cn-ls', 'road-schedule')).toMatchObject({
        state: 'open',
        owner: 'roads-director',
      });
      expect((await store.sessions.get('cn-ls', quarter))?.present.sort()).toEqual([
        'chair-cn',
        'chair-ls',
        'roads-director',
      ]);
      // The personal link stopped working when the cycle closed.
      expect(await store.ownerLinks.resolve(token, '2027-04-13T00:00:00Z')).toBeUndefined();
    });
  }, 240_000);
});
