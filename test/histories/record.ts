/**
 * Records the histories of one full cycle into test/histories/*.json: `npm run record-histories` (about a minute).
 * The replay test replays every file here against the current workflow code, so a change that would break running
 * cycles fails the suite. Re-record only for a deliberate change no running cycle can meet, and say so in the commit
 * (src/workflows/README.md, "Versioning"); a change running cycles can meet goes behind patched(), its commit saying why.
 * Payloads are encrypted with the suite's test key `test-a` (test/helpers/payload-keys.ts), as production encrypts
 * them, so the replay also proves the worker decrypts what it reads back.
 */
import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { sendUpdate } from '../../src/temporal/cycles';
import { actionItemWorkflowId } from '../../src/temporal/ids';
import { cancelSession, completeActionItem, convene, recordDecisions, requestExtension, submitUpdate } from '../../src/workflows/messages';
import { createFakeActivities, type FakeWorld } from '../helpers/fake-activities';
import { bundleWorkflows, createTimeSkippingEnv, historiesDir, uniqueTaskQueue, withWorker } from '../helpers/temporal';
import { cycleId, mechanismId, skipTo, startScheduledCycle, updateId, world } from '../workflows/cycle-fixture';

const meeting = { venue: 'Maseru', chairs: ['chair-ls', 'chair-cn'], attendees: ['owner-roads', 'sec-ls'] };

/**
 * The cycle fixture as the store loads it in production: with calendars per side (a mechanism always has them,
 * `calendars` defaults to []), so the recorded histories take the path running cycles take (updates carry their
 * `book`, session reminders go per group of attendees). The Chinese side's calendar has a working Saturday only, so
 * the recorded dates stay those of the fixture.
 */
const recorded: FakeWorld = {
  ...world,
  calendars: [
    { id: 'cn', name: 'China', sources: [], holidays: [], workdays: [{ date: '2027-03-06', name: 'Working Saturday' }] },
  ],
  recipients: {
    'owner-energy': { timeZone: 'Asia/Shanghai', calendar: 'cn' },
    'ps-energy': { timeZone: 'Asia/Shanghai', calendar: 'cn' },
    'sec-cn': { timeZone: 'Asia/Shanghai', calendar: 'cn' },
    'chair-cn': { timeZone: 'Asia/Shanghai', calendar: 'cn' },
  },
  sides: [
    { sideId: 'ls', timeZone: 'Africa/Maseru' },
    { sideId: 'cn', timeZone: 'Asia/Shanghai', calendar: 'cn' },
  ],
};

/**
 * The Java test server can hang for good at the collection cut-off under heavy load (the race that
 * test/helpers/time-skipping-interceptors.ts explains; recording must use the plain bundle, so it cannot avoid it).
 * A normal recording takes about a minute: past this, say so instead of waiting forever.
 */
const HANG_AFTER_MS = 6 * 60_000;

async function main(): Promise<void> {
  setTimeout(() => {
    console.error('recording did not finish in 6 minutes: the time-skipping test server hung (a known race under load); run it again');
    process.exit(1);
  }, HANG_AFTER_MS).unref();
  const [env, bundle] = await Promise.all([createTimeSkippingEnv(), bundleWorkflows()]);
  try {
    const fakes = createFakeActivities(recorded, () => env.currentTimeMs());
    const taskQueue = uniqueTaskQueue('record');
    const ok = <T extends { accepted: boolean }>(outcome: T): T => {
      if (!outcome.accepted) throw new Error(JSON.stringify(outcome));
      return outcome;
    };
    await withWorker(env, bundle, taskQueue, fakes.activities, async () => {
      await startScheduledCycle(env.client, taskQueue);
      await skipTo(env, '2027-03-10T08:00:00Z');
      ok(await sendUpdate(env.client, updateId('mpiti-road'), requestExtension, { days: 2, requestedBy: 'owner-roads' }));
      await skipTo(env, '2027-03-15T08:00:00Z');
      ok(await sendUpdate(env.client, updateId('mpiti-road'), submitUpdate, { submission: { status: 'on-track', progressPercent: 30 }, submittedBy: 'owner-roads' }));
      ok(await sendUpdate(env.client, updateId('mpiti-road'), submitUpdate, { submission: { status: 'on-track', progressPercent: 32 }, submittedBy: 'owner-roads' }));
      await skipTo(env, '2027-03-29T08:00:00Z');
      ok(await sendUpdate(env.client, updateId('solar-plant'), submitUpdate, { submission: { status: 'at-risk', statusReason: 'Panels delayed at port.', progressPercent: 60 }, submittedBy: 'sec-cn' }));
      ok(await sendUpdate(env.client, cycleId, convene, { ...meeting, startsAt: '2027-04-12T08:00:00Z' }));
      await skipTo(env, '2027-04-02T08:00:00Z');
      ok(await sendUpdate(env.client, cycleId, cancelSession));
      ok(await sendUpdate(env.client, cycleId, convene, meeting));
      await skipTo(env, '2027-04-09T12:00:00Z');
      ok(
        await sendUpdate(env.client, cycleId, recordDecisions, {
          decisions: [{ id: 'd1', text: 'Revised schedule.', actionItems: [{ id: 'rec-item', title: 'Revised schedule', owner: 'owner-roads', dueDate: '2027-05-14' }] }],
        }),
      );
      await env.client.workflow.getHandle(cycleId).result();
      await skipTo(env, '2027-05-10T08:00:00Z');
      const item = actionItemWorkflowId(mechanismId, 'rec-item');
      ok(await sendUpdate(env.client, item, completeActionItem, { completedBy: 'owner-roads' }));
      await env.client.workflow.getHandle(item).result();
      fs.mkdirSync(historiesDir, { recursive: true });
      for (const workflowId of [cycleId, updateId('mpiti-road'), updateId('solar-plant'), item]) {
        const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
        const file = path.join(historiesDir, `${workflowId.replace(/:/g, '_')}.json`);
        // Stored as the protobuf bytes (base64) plus a readable list of events: exact, and easy to review.
        const bytes = temporal.api.history.v1.History.encode(history).finish();
        const events = (history.events ?? []).map((e) => `${e.eventId} ${temporal.api.enums.v1.EventType[e.eventType ?? 0]}`);
        fs.writeFileSync(file, `${JSON.stringify({ workflowId, events, history: Buffer.from(bytes).toString('base64') }, null, 1)}\n`);
        console.log(`recorded ${file} (${history.events?.length} events)`);
      }
    });
  } finally {
    await env.teardown();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
