/**
 * One quarter, time-skipped, with everything a user meets real: the activities the worker registers
 * (src/activities), the store (SQLite, then PostgreSQL), and an SMTP server on 127.0.0.1 that counts every email
 * by its Message-ID. It walks the longest chase, a late answer (report version 2), a session with its reminder,
 * and an action item reminded, overdue and carried into the next quarter's request.
 */
import fs from 'node:fs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import YAML from 'yaml';
import { createActivities } from '../../src/activities';
import { importMechanismFile } from '../../src/store';
import { DEMO_MECHANISM_FILE } from '../../src/store/import/demo';
import { createOutboxRepository } from '../../src/store/outbox';
import { sendUpdate } from '../../src/temporal/cycles';
import { cycleWorkflowId, updateWorkflowId } from '../../src/temporal/ids';
import { convene, cycleState, recordDecisions, submitUpdate } from '../../src/workflows/messages';
import { startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp';
import { storeKinds, type TestStore } from '../helpers/store';
import { bundleWorkflows, createTimeSkippingEnv, uniqueTaskQueue, withWorker } from '../helpers/temporal';
import { until } from '../helpers/until';

const quarter = '2027-Q1';
const cycleId = cycleWorkflowId('cn-ls', quarter);

/** The demo mechanism with two of its projects: the road (never answers in time) and the solar plant (answers). */
function twoProjectMechanism(): { text: string } {
  const file = YAML.parse(fs.readFileSync(DEMO_MECHANISM_FILE, 'utf8')) as { projects: { id: string }[] };
  file.projects = file.projects.filter((p) => p.id === 'mpiti-road' || p.id === 'ramarothole-solar');
  return { text: YAML.stringify(file) };
}

async function skipTo(env: TestWorkflowEnvironment, instant: string): Promise<void> {
  const ms = Date.parse(instant) - (await env.currentTimeMs());
  if (ms > 0) await env.sleep(ms);
}

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  // Workers on the time-skipping test server need its interceptor (test/helpers/time-skipping-interceptors.ts): without
  // it the Java server wedges when a due timer is cancelled as it fires, as this quarter's cut-off can be (it hung once).
  bundle = await bundleWorkflows({ timeSkipping: true });
}, 120_000);

describe.each(storeKinds)('a whole quarter over real SMTP on %s', (_kind, createStore) => {
  let env: TestWorkflowEnvironment;
  let store: TestStore;
  let smtp: SmtpCatcher;
  beforeEach(async () => {
    env = await createTimeSkippingEnv();
    store = await createStore();
    smtp = await startSmtpCatcher();
    await importMechanismFile(store, twoProjectMechanism(), { actor: 'system' });
  }, 120_000);
  afterEach(async () => {
    await env?.teardown();
    await store?.close();
    await smtp?.close();
  });

  it('chases, compiles twice, convenes, reminds and carries the open action item over, sending every email exactly once', async () => {
    const outbox = createOutboxRepository(store.db);
    const activities = createActivities({
      store,
      dataDir: store.dataDir,
      publicUrl: 'http://127.0.0.1:3000',
      mailFrom: 'Coordination Secretariat <secretariat@example.org>',
      smtpUrl: smtp.url,
    });
    const taskQueue = uniqueTaskQueue('smtp-quarter');

    // The emails the SMTP server received since the last call, as "kind step -> address" (sorted), once `count` have
    // arrived and every outbox row is sent. The server sees only the Message-ID; the outbox row with that Message-ID
    // says which step and kind it was. Sending runs in real time while the workflow clock stands still.
    let seen = 0;
    const newMail = async (count: number): Promise<string[]> => {
      await smtp.waitFor((messages) => messages.length >= seen + count, 60_000);
      await until('every outbox row sent', async () =>
        (await outbox.list({ mechanismId: 'cn-ls' })).every((r) => r.status === 'sent'),
      );
      const rows = new Map((await outbox.list({ mechanismId: 'cn-ls' })).map((r) => [r.messageId, r]));
      const fresh = smtp.messages.slice(seen);
      seen = smtp.messages.length;
      return fresh
        .map((m) => {
          const row = rows.get(m.messageId);
          return `${row?.kind ?? 'NO OUTBOX ROW'} ${row?.step ?? m.messageId} -> ${m.envelope.to.join(',')}`;
        })
        .sort();
    };

    await withWorker(env, bundle, taskQueue, activities, async () => {
      await env.client.workflow.start('quarterlyCycle', {
        workflowId: cycleId,
        taskQueue,
        args: [{ mechanismId: 'cn-ls', quarter, scheduled: true }],
      });
      const cycle = env.client.workflow.getHandle(cycleId);

      // Monday 1 March 2027: each owner's request.
      await skipTo(env, '2027-03-01T12:00:00Z');
      expect(await newMail(2)).toEqual([
        'request request -> energy-director@example.org',
        'request request -> roads-director@example.org',
      ]);
      const roadRequest = smtp.messages.find((m) => m.envelope.to[0] === 'roads-director@example.org')!;
      expect(roadRequest.parsed.subject).toContain('Mpiti-Sehlaba-Thebe road');

      await sendUpdate(env.client, updateWorkflowId('cn-ls', quarter, 'ramarothole-solar'), submitUpdate, {
        submission: { status: 'on-track', progressPercent: 60, achievements: 'Panels installed on 20 ha.' },
        submittedBy: 'energy-director',
      });
      // The road's owner never answers: three reminders, the overdue notice, the supervisor, then the secretariat
      // (one email per side, each in its own zone); the update is marked missing and the report compiled without it.
      await skipTo(env, '2027-04-01T08:00:00Z');
      await until('the report', async () => (await cycle.query(cycleState)).reportVersion === 1);
      expect(await newMail(10)).toEqual([
        'escalation-secretariat escalation-secretariat-1 -> secretariat.ls@example.org',
        'escalation-secretariat escalation-secretariat-2 -> secretariat.cn@example.org',
        'escalation-supervisor escalation-supervisor -> public-works-ps@example.org',
        'overdue overdue-1 -> roads-director@example.org',
        'receipt receipt-r1 -> energy-director@example.org',
        'reminder reminder-1 -> roads-director@example.org',
        'reminder reminder-2 -> roads-director@example.org',
        'reminder reminder-3 -> roads-director@example.org',
        'report-ready report-ready-v1 -> secretariat.cn@example.org',
        'report-ready report-ready-v1 -> secretariat.ls@example.org',
      ]);
      expect(
        (await store.cycles.listProjectStates('cn-ls', quarter)).find((p) => p.projectId === 'mpiti-road')?.state,
      ).toBe('missing');

      const late = await sendUpdate(env.client, updateWorkflowId('cn-ls', quarter, 'mpiti-road'), submitUpdate, {
        submission: { status: 'at-risk', statusReason: 'Rains delayed the earthworks.', progressPercent: 35 },
        submittedBy: 'roads-director',
      });
      expect(late).toMatchObject({ accepted: true, result: { revision: 1, late: true } });
      // The late answer gets its receipt and a second version of the report.
      await until('report version 2', async () => (await cycle.query(cycleState)).reportVersion === 2);
      expect(await newMail(3)).toEqual([
        'receipt receipt-r1 -> roads-director@example.org',
        'report-ready report-ready-v2 -> secretariat.cn@example.org',
        'report-ready report-ready-v2 -> secretariat.ls@example.org',
      ]);

      await sendUpdate(env.client, cycleId, convene, {
        startsAt: '2027-04-14T08:00:00Z',
        venue: 'Ministry of Foreign Affairs and International Relations, Maseru',
        chairs: ['chair-ls', 'chair-cn'],
        attendees: ['roads-director', 'secretariat-ls', 'secretariat-cn'],
      });
      await skipTo(env, '2027-04-14T12:00:00Z');
      // Invitations, then the day-before reminder to every chair and attendee, in groups by zone and calendar
      // (two groups are due at the same instant: both go).
      await until('the recording phase', async () => (await cycle.query(cycleState)).phase === 'recording');
      expect(await newMail(10)).toEqual([
        'invitation invitation-s1 -> ambassador.cn@example.org',
        'invitation invitation-s1 -> principal-secretary@example.org',
        'invitation invitation-s1 -> roads-director@example.org',
        'invitation invitation-s1 -> secretariat.cn@example.org',
        'invitation invitation-s1 -> secretariat.ls@example.org',
        'session-reminder session-reminder-s1-1 -> principal-secretary@example.org',
        'session-reminder session-reminder-s1-1 -> roads-director@example.org',
        'session-reminder session-reminder-s1-1 -> secretariat.ls@example.org',
        'session-reminder session-reminder-s1-2 -> ambassador.cn@example.org',
        'session-reminder session-reminder-s1-3 -> secretariat.cn@example.org',
      ]);

      await sendUpdate(env.client, cycleId, recordDecisions, {
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
      await cycle.result();
      // Minutes to everyone; the action item is reminded 7 days and 1 day before 14 May, then overdue.
      await skipTo(env, '2027-05-18T08:00:00Z');
      expect(await newMail(8)).toEqual([
        'action-item-overdue overdue -> roads-director@example.org',
        'action-item-reminder reminder-1d -> roads-director@example.org',
        'action-item-reminder reminder-7d -> roads-director@example.org',
        'minutes minutes -> ambassador.cn@example.org',
        'minutes minutes -> principal-secretary@example.org',
        'minutes minutes -> roads-director@example.org',
        'minutes minutes -> secretariat.cn@example.org',
        'minutes minutes -> secretariat.ls@example.org',
      ]);

      await env.client.workflow.start('quarterlyCycle', {
        workflowId: cycleWorkflowId('cn-ls', '2027-Q2'),
        taskQueue,
        args: [{ mechanismId: 'cn-ls', quarter: '2027-Q2', scheduled: true }],
      });
      // The next quarter's request to the road's owner lists the action item still open.
      await skipTo(env, '2027-06-01T12:00:00Z');
      expect(await newMail(2)).toEqual([
        'request request -> energy-director@example.org',
        'request request -> roads-director@example.org',
      ]);
      const q2Road = smtp.messages.slice(-2).find((m) => m.envelope.to[0] === 'roads-director@example.org')!;
      expect(q2Road.parsed.text).toContain('Revised road schedule');
      const q2Energy = smtp.messages.slice(-2).find((m) => m.envelope.to[0] === 'energy-director@example.org')!;
      expect(q2Energy.parsed.text).not.toContain('Revised road schedule');
      // Nothing more was sent while the last checks ran.
      await skipTo(env, '2027-06-01T12:30:00Z');
    });

    // Every email reached the server exactly once: 35 outbox rows, 35 distinct Message-IDs, 35 messages.
    const rows = await outbox.list({ mechanismId: 'cn-ls' });
    expect(rows).toHaveLength(35);
    for (const row of rows) expect(smtp.byMessageId(row.messageId)).toHaveLength(1);
    expect(new Set(smtp.messages.map((m) => m.messageId)).size).toBe(35);
    expect(smtp.messages).toHaveLength(35);
  }, 600_000);
});
