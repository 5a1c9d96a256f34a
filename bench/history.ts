/**
 * History size: runs cycles through the longest path of every project (request, every reminder, the overdue notice,
 * both escalations, then a late submission, and the report once every project has answered) on Temporal's
 * time-skipping test server with the real workflows and real activities, counts the events and bytes of one
 * project's update and of the cycle, and extrapolates the cycle to 1,000 projects (two sizes, a straight line: each
 * project adds the same events to its parent) against the 10,240-event warning. It also reads what the quarter left in
 * its own store (rows and bytes per table, emails by kind) for the capacity section.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../src/activities';
import { addWorkingDays, localInstant, quarterOf } from '../src/domain';
import { openStore } from '../src/store';
import { queryCycle, sendUpdate, startCycle } from '../src/temporal/cycles';
import { projectDataConverter } from '../src/temporal/codec';
import type { PayloadKeyRing } from '../src/temporal/keys';
import { cycleWorkflowId, updateWorkflowId } from '../src/temporal/ids';
import { searchAttributeDefinitions } from '../src/temporal/search-attributes';
import { createWorker } from '../src/workers/worker';
import { submitUpdate } from '../src/workflows/messages';
import { storeFootprint, type StoreFootprint } from './store-footprint';
import { importSyntheticMechanism, outboxByKind, outboxCount, until, type SendingWindow } from './synthetic';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const tools = require('../scripts/tools') as { toolPaths(): { testServer: string } };

/** Temporal's own threshold: past 10,240 events a workflow's history draws a warning (the hard limit is 51,200). */
export const HISTORY_WARNING_EVENTS = 10_240;

/** Events counted for one cycle size. */
export interface HistorySample {
  projects: number;
  /** Events of one project's update through the longest path. */
  updateEvents: number;
  /** Bytes of that history as Temporal serializes it (`historyBytes`). */
  updateBytes: number;
  /** Events of the cycle (parent) once every project went through it and the report was compiled. */
  cycleEvents: number;
  cycleBytes: number;
  /** Emails of the cycle in the outbox by kind (`request`, `reminder`, ..., `receipt`, `report-ready`). */
  emails: Record<string, number>;
}

/** The counts and the extrapolation to 1,000 projects. */
export interface HistoryResult {
  samples: HistorySample[];
  eventsPerProjectInCycle: number;
  bytesPerProjectInCycle: number;
  cycleEventsAt1000: number;
  marginAt1000: number;
  /** The store's tables when empty, once the mechanisms are imported and once every cycle's report is compiled. */
  store: { empty: StoreFootprint; afterImport: StoreFootprint; afterCollection: StoreFootprint };
}

/**
 * Bytes of a history as Temporal serializes it (protobuf `temporal.api.history.v1.History`), payloads as the server
 * holds them (encrypted by the product's codec). What the server persists is close to this: event batches, encoded
 * the same way.
 */
export function historyBytes(history: temporal.api.history.v1.IHistory): number {
  return temporal.api.history.v1.History.encode(history).finish().length;
}

const window: SendingWindow = { timeZone: 'Africa/Maseru', sendHour: 9, sendsNow: false };

async function registerSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  const E = temporal.api.enums.v1.IndexedValueType;
  const searchAttributes = Object.fromEntries(
    searchAttributeDefinitions.map((d) => [
      d.name,
      d.cliType === 'Datetime' ? E.INDEXED_VALUE_TYPE_DATETIME : E.INDEXED_VALUE_TYPE_KEYWORD,
    ]),
  );
  await env.connection.operatorService.addSearchAttributes({ namespace: 'default', searchAttributes });
}

/** Runs the longest path for each size (all at once, one clock) and counts the events. */
export async function benchHistory(
  bundle: WorkflowBundleWithSourceMap,
  sizes: [number, number],
  log: (l: string) => void,
  payloadKeys: PayloadKeyRing | null = null,
): Promise<HistoryResult> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: tools.toolPaths().testServer } },
    client: { dataConverter: projectDataConverter(payloadKeys) },
  });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'coord-bench-history-'));
  const store = await openStore({ dataDir });
  try {
    const empty = await storeFootprint(store);
    await registerSearchAttributes(env);
    const taskQueue = 'bench-history';
    const worker = await createWorker({
      payloadKeys,
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue,
      activities: createActivities({
        store,
        dataDir,
        publicUrl: 'http://127.0.0.1:3000',
        mailFrom: 'secretariat@example.org',
      }),
      workflowBundle: bundle,
    });
    return await worker.runUntil(async () => {
      const quarter = quarterOf(new Date(await env.currentTimeMs()), window.timeZone);
      const ids = sizes.map((n) => `history-${n}`);
      for (const [i, id] of ids.entries()) await importSyntheticMechanism(store, id, sizes[i], window);
      const afterImport = await storeFootprint(store);
      await Promise.all(ids.map((id) => startCycle(env.client, id, quarter, { taskQueue })));
      const states = await Promise.all(
        ids.map(async (id, i) => {
          await until(
            async () => (await queryCycle(env.client, id, quarter)).projects.length >= sizes[i],
            `${id} to start`,
            10 * 60_000,
          );
          return queryCycle(env.client, id, quarter);
        }),
      );
      // The sixth working day after the due date at noon: after the secretariat escalation (fifth), before the cut-off (seventh).
      const target = localInstant(addWorkingDays(states[0].dueDate as string, 6, []), 12, window.timeZone);
      if (target >= (states[0].cutoffAt as string))
        throw new Error('the policy leaves no day between the last escalation and the cut-off');
      log(`  skipping the clock to ${target}`);
      await env.sleep(Date.parse(target) - (await env.currentTimeMs()));
      for (const [i, id] of ids.entries()) {
        await until(
          async () => (await outboxCount(store, id, 'escalation-secretariat')) >= sizes[i],
          `every ${id} escalation`,
          20 * 60_000,
        );
      }
      for (const [i, id] of ids.entries()) {
        for (let p = 0; p < sizes[i]; p++) {
          const outcome = await sendUpdate(env.client, updateWorkflowId(id, quarter, `project-${p}`), submitUpdate, {
            submission: { status: 'on-track', progressPercent: 50 },
            submittedBy: `owner-${p}`,
          } as never);
          if (!outcome.accepted) throw new Error(`late submission refused: ${outcome.message}`);
        }
        await until(
          async () => (await queryCycle(env.client, id, quarter)).projects.every((p) => p.state === 'submitted'),
          `${id} to see every submission`,
          10 * 60_000,
        );
      }
      // Every project has answered, so collection closes: the quarter's collection is over once each owner has
      // the receipt and the secretariat the report.
      for (const [i, id] of ids.entries()) {
        await until(
          async () => {
            const emails = await outboxByKind(store, id);
            return (emails.receipt ?? 0) >= sizes[i] && (emails['report-ready'] ?? 0) >= 1;
          },
          `${id}'s receipts and report`,
          10 * 60_000,
        );
      }
      const samples: HistorySample[] = [];
      for (const [i, id] of ids.entries()) {
        const update = await env.client.workflow.getHandle(updateWorkflowId(id, quarter, 'project-0')).fetchHistory();
        const cycle = await env.client.workflow.getHandle(cycleWorkflowId(id, quarter)).fetchHistory();
        samples.push({
          projects: sizes[i],
          updateEvents: update.events?.length ?? 0,
          updateBytes: historyBytes(update),
          cycleEvents: cycle.events?.length ?? 0,
          cycleBytes: historyBytes(cycle),
          emails: await outboxByKind(store, id),
        });
      }
      const afterCollection = await storeFootprint(store);
      const [a, b] = samples;
      const perProject = (b.cycleEvents - a.cycleEvents) / (b.projects - a.projects);
      const at1000 = Math.round(a.cycleEvents + perProject * (1000 - a.projects));
      for (const id of ids)
        await env.client.workflow.getHandle(cycleWorkflowId(id, quarter)).terminate('benchmark over');
      return {
        samples,
        eventsPerProjectInCycle: perProject,
        bytesPerProjectInCycle: (b.cycleBytes - a.cycleBytes) / (b.projects - a.projects),
        cycleEventsAt1000: at1000,
        marginAt1000: HISTORY_WARNING_EVENTS - at1000,
        store: { empty, afterImport, afterCollection },
      };
    });
  } finally {
    await env.teardown();
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
