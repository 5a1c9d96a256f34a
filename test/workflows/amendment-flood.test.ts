/**
 * Amendment floods (issue 15, point 5): an owner's form resubmitted 500 times. Every amendment is answered with its
 * own revision and stored once, the update's history stays bounded (it continues as new, carrying its state and the
 * intake keys it has seen), and the owner gets at most one receipt email an hour, the last naming the last revision.
 */
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Activities, NotificationRequest } from '../../src/activities/types';
import { sendKeyedUpdate } from '../../src/temporal/cycles';
import { submitUpdate, updateState, type SubmissionReceipt } from '../../src/workflows/messages';
import { HISTORY_EVENTS_PER_RUN } from '../../src/workflows/project-update';
import { RECEIPT_INTERVAL_MS } from '../../src/workflows/project-update-state';
import { createFakeActivities } from '../helpers/fake-activities';
import { bundleWorkflows, createTimeSkippingEnv, uniqueTaskQueue, withWorker } from '../helpers/temporal';
import { cycleId, skipTo, startScheduledCycle, updateId, world } from './cycle-fixture';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  bundle = await bundleWorkflows({ timeSkipping: true });
}, 120_000);
beforeEach(async () => {
  env = await createTimeSkippingEnv();
}, 60_000);
afterEach(async () => {
  await env?.teardown();
});

const AMENDMENTS = 500;
/** Sent together: a real server admits at most 10 updates in flight per workflow. */
const BATCH = 10;
/** Workflow time between two batches: the flood spans about two hours. */
const PAUSE_MS = 150_000;

/** One run of a workflow as its history shows it. */
interface Run {
  runId: string;
  events: number;
  bytes: number;
  continuedAs?: string;
}

/** Every run of `workflowId` from `firstRunId`, following each continue-as-new. */
async function runsOf(workflowId: string, firstRunId: string): Promise<Run[]> {
  const runs: Run[] = [];
  for (let runId: string | undefined = firstRunId; runId;) {
    const history: temporal.api.history.v1.IHistory = await env.client.workflow
      .getHandle(workflowId, runId)
      .fetchHistory();
    const last = history.events?.at(-1);
    const continuedAs: string | undefined =
      last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    runs.push({
      runId,
      events: history.events?.length ?? 0,
      bytes: temporal.api.history.v1.History.encode(history).finish().length,
      continuedAs,
    });
    runId = continuedAs;
  }
  return runs;
}

describe('an owner who resubmits the form 500 times', () => {
  it('gets each revision saved once, at most one receipt email an hour naming the latest, and a history that stays bounded', async () => {
    const fakes = createFakeActivities({ ...world, projects: [world.projects![0]] }, () => env.currentTimeMs());
    // The store's submissions, keyed as its table is: one row per (workflow id, step), the step being the update id.
    const stored = new Map<string, number>();
    const activities: Activities = {
      ...fakes.activities,
      async recordSubmission(input) {
        const answer = await fakes.activities.recordSubmission(input);
        stored.set(`${input.workflowId} ${input.updateId}`, answer.revision);
        return answer;
      },
    };
    const submission = { status: 'on-track', progressPercent: 40, achievements: 'Earthworks done on 12 km.' } as const;
    const workflowId = updateId('mpiti-road');
    /** Delivers amendment `i` as the intake does: update id `intake:<key>`, again on anything but a refusal. */
    const deliver = async (i: number): Promise<SubmissionReceipt> => {
      const key = `flood-${i}`;
      for (let attempt = 1; ; attempt++) {
        try {
          const outcome = await sendKeyedUpdate(env.client, workflowId, submitUpdate, `intake:${key}`, {
            submission: { ...submission, achievements: `Earthworks done on ${i} km.` },
            submittedBy: 'owner-roads',
            key,
          });
          if (!outcome.accepted) throw new Error(`amendment ${i} refused: ${outcome.code} ${outcome.message}`);
          return outcome.result;
        } catch (err) {
          if (attempt >= 5 || /refused/.test((err as Error).message)) throw err;
        }
      }
    };

    const taskQueue = uniqueTaskQueue();
    const started = Date.now();
    const receipts: SubmissionReceipt[] = [];
    let firstRunId = '';
    let floodStart = 0;
    let floodEnd = 0;
    let repeats: SubmissionReceipt[] = [];
    await withWorker(env, bundle, taskQueue, activities, async () => {
      await startScheduledCycle(env.client, taskQueue);
      await skipTo(env, '2027-03-02T08:00:00Z');
      firstRunId = (await env.client.workflow.getHandle(workflowId).describe()).runId;
      floodStart = await env.currentTimeMs();
      for (let i = 0; i < AMENDMENTS; i += BATCH) {
        const batch = Array.from({ length: Math.min(BATCH, AMENDMENTS - i) }, (_, j) => i + j);
        receipts.push(...(await Promise.all(batch.map(deliver))));
        if (i + BATCH < AMENDMENTS) await env.sleep(PAUSE_MS);
      }
      floodEnd = await env.currentTimeMs();
      // Deliveries retried after their answer was lost, across the runs: the first receipt again, no new revision.
      repeats = [await deliver(0), await deliver(AMENDMENTS / 2), await deliver(AMENDMENTS - 1)];
      // The receipt owed for the last amendments goes when its hour is up.
      await env.sleep(RECEIPT_INTERVAL_MS + 60_000);
      expect((await env.client.workflow.getHandle(workflowId).query(updateState)).revision).toBe(AMENDMENTS);
    });
    const seconds = (Date.now() - started) / 1000;

    // Every amendment answered with a revision of its own, 1..500, and each stored once.
    expect(receipts.map((r) => r.revision).sort((a, b) => a - b)).toEqual(
      Array.from({ length: AMENDMENTS }, (_, i) => i + 1),
    );
    expect(repeats).toEqual([receipts[0], receipts[AMENDMENTS / 2], receipts[AMENDMENTS - 1]]);
    expect(stored.size).toBe(AMENDMENTS);
    expect([...stored.values()].sort((a, b) => a - b)).toEqual(receipts.map((r) => r.revision).sort((a, b) => a - b));

    // The history: continued as new, each run bounded whatever the number of amendments.
    const runs = await runsOf(workflowId, firstRunId);
    const cycleHistory = await env.client.workflow.getHandle(cycleId).fetchHistory();
    expect(runs.length).toBeGreaterThanOrEqual(2);
    for (const run of runs) expect(run.events).toBeLessThanOrEqual(HISTORY_EVENTS_PER_RUN + 100);

    // Receipt emails: the first at once, then at most one an hour, the last naming revision 500 and what it covers.
    const receiptEmails = fakes.calls
      .filter((c) => c.name === 'sendNotification')
      .map((c) => ({ at: c.at, request: c.input as NotificationRequest }))
      .filter((c) => c.request.kind === 'receipt' && c.request.workflowId === workflowId)
      .filter((c, i, all) => all.findIndex((d) => d.request.step === c.request.step) === i);
    const hours = (floodEnd - floodStart) / RECEIPT_INTERVAL_MS;
    expect(receiptEmails.length).toBeGreaterThanOrEqual(2);
    expect(receiptEmails.length).toBeLessThanOrEqual(2 + Math.floor(hours));
    // An hour apart, as the workflow decided them (the activity runs a few milliseconds after the decision).
    for (let i = 1; i < receiptEmails.length; i++)
      expect(Date.parse(receiptEmails[i].at) - Date.parse(receiptEmails[i - 1].at)).toBeGreaterThanOrEqual(
        RECEIPT_INTERVAL_MS - 1000,
      );
    // The first amendments are confirmed at once: those accepted in the same workflow task as the first, all of the
    // first batch at most (within the minute of workflow time that batch takes).
    expect(Date.parse(receiptEmails[0].at) - floodStart).toBeLessThan(60_000);
    expect((receiptEmails[0].request.params as { covers: number }).covers).toBeLessThanOrEqual(BATCH);
    const last = receiptEmails.at(-1)!.request;
    expect(last.step).toBe(`receipt-r${AMENDMENTS}`);
    expect(last.params).toMatchObject({ revision: AMENDMENTS });
    const covered = receiptEmails.reduce((n, c) => n + ((c.request.params as { covers?: number }).covers ?? 0), 0);
    expect(covered).toBe(AMENDMENTS);

    console.log(
      [
        `${AMENDMENTS} amendments in ${seconds.toFixed(1)} s (${hours.toFixed(2)} h of workflow time)`,
        `update runs: ${runs.length}; events per run: ${runs.map((r) => r.events).join(', ')}; bytes per run: ${runs.map((r) => r.bytes).join(', ')}`,
        `cycle history: ${cycleHistory.events?.length ?? 0} events`,
        `receipt emails: ${receiptEmails.length} (${receiptEmails.map((c) => `${c.at.slice(11, 16)} ${c.request.step} covers ${(c.request.params as { covers?: number }).covers}`).join('; ')})`,
      ].join('\n'),
    );
  }, 240_000);
});
