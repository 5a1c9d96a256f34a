/**
 * Poison input never wedges a workflow (issue 15, point 7): the project's title cannot go into an email subject (it
 * reached the records before imports refused it), so the owner's request cannot be written. The real notification
 * activity (real notifier and outbox, local transport) fails that step once, for good; the workflow tells the
 * secretariat which step failed and goes on chasing. Everything else runs on the fakes.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Activities } from '../../src/activities/types';
import { createNotificationActivities } from '../../src/notifications/activities';
import { updateState } from '../../src/workflows/messages';
import { createFakeActivities } from '../helpers/fake-activities';
import { bundleWorkflows, createTimeSkippingEnv, uniqueTaskQueue, withWorker } from '../helpers/temporal';
import { notifierFor, tempStore, testDirectory, testMechanism } from '../notifications/fixtures';
import { skipTo, startScheduledCycle, updateId, world } from './cycle-fixture';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let records: Awaited<ReturnType<typeof tempStore>>;

beforeAll(async () => {
  bundle = await bundleWorkflows({ timeSkipping: true });
}, 120_000);
beforeEach(async () => {
  env = await createTimeSkippingEnv();
  records = await tempStore();
}, 60_000);
afterEach(async () => {
  await env?.teardown();
  await records?.cleanup();
});

describe('a project title that cannot go into an email subject', () => {
  it('fails the owner’s request once without retrying, tells the secretariat which step failed and why, and keeps chasing', async () => {
    const base = testMechanism();
    const mechanism = {
      ...base,
      contacts: [
        ...base.contacts,
        { id: 'owner-roads', name: 'Road Agency', email: 'owner.roads@example.org', language: 'en' as const },
        {
          id: 'ps-works',
          name: 'Principal Secretary of Works',
          email: 'ps.works@example.org',
          language: 'en' as const,
        },
      ],
    };
    const directory = {
      ...testDirectory(mechanism),
      project: async () => ({ title: 'Mpiti road\u2028phase 2', owner: 'owner-roads', supervisor: 'ps-works' }),
    };
    const { notifier } = notifierFor(records.store, records.outbox, undefined, mechanism, { directory });
    const real = createNotificationActivities(notifier);
    const attempts: string[] = [];
    const fakes = createFakeActivities({ ...world, projects: [world.projects![0]] }, () => env.currentTimeMs());
    const activities: Activities = {
      ...fakes.activities,
      async sendNotification(input) {
        attempts.push(input.step);
        return real.sendNotification(input);
      },
    };
    const taskQueue = uniqueTaskQueue();
    await withWorker(env, bundle, taskQueue, activities, async () => {
      await startScheduledCycle(env.client, taskQueue);
      await skipTo(env, '2027-03-10T08:00:00Z');
      // The workflow went on: the owner was reminded on schedule.
      expect((await env.client.workflow.getHandle(updateId('mpiti-road')).query(updateState)).state).toBe('reminded');
    });
    // Each step was tried once (a retry could not have written it), and each failure was told to the secretariat.
    expect(attempts).toEqual(['request', 'request:undeliverable', 'reminder-1', 'reminder-1:undeliverable']);
    const rows = await records.outbox.listForWorkflow(updateId('mpiti-road'));
    expect(rows.filter((r) => r.kind !== 'undeliverable').map((r) => `${r.step} ${r.recipientId} ${r.status}`)).toEqual(
      ['request owner-roads undeliverable', 'reminder-1 owner-roads undeliverable'],
    );
    const notices = rows.filter((r) => r.step === 'request:undeliverable');
    expect(notices.map((r) => `${r.recipientId} ${r.status}`).sort()).toEqual(['sec-cn stored', 'sec-ls stored']);
    const english = notices.find((r) => r.recipientId === 'sec-ls')!;
    expect(english.text).toContain('Step: request');
    expect(english.text).toContain('subject must be a single line (no CR/LF): it contains a line separator (U+2028)');
  }, 120_000);
});
