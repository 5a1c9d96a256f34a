/**
 * Replays the recorded histories of a full cycle (see record.ts) against the current workflow code: a change
 * that would break cycles already running fails here. Such a change must go behind `patched()`.
 *
 * No history recorded before payload encryption is kept: the product was not deployed before encryption, so no
 * running cycle has plaintext payloads; and the codec passes an unencrypted payload through (test/temporal/
 * codec.test.ts), so a developer's ./data from before still runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { keyIdsOfHistory } from '../../src/temporal/key-usage';
import { replayWorkerOptions } from '../../src/workers/worker';
import { testPayloadKeys } from '../helpers/payload-keys';
import { bundleWorkflows, historiesDir } from '../helpers/temporal';

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await bundleWorkflows();
}, 120_000);

/** Every recorded history, decoded. */
function recordedHistories(): { workflowId: string; history: temporal.api.history.v1.History }[] {
  return fs
    .readdirSync(historiesDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => {
      const stored = JSON.parse(fs.readFileSync(path.join(historiesDir, f), 'utf8')) as { workflowId: string; history: string };
      return { workflowId: stored.workflowId, history: temporal.api.history.v1.History.decode(Buffer.from(stored.history, 'base64')) };
    });
}

describe('cycles already running keep working after a code change', () => {
  it('replays the recorded cycle, project updates and action item without a determinism error', async () => {
    const histories = recordedHistories();
    expect(histories.map((h) => h.workflowId).sort()).toEqual([
      'action:cn-ls:rec-item',
      'cycle:cn-ls:2027-Q1',
      'update:cn-ls:2027-Q1:mpiti-road',
      'update:cn-ls:2027-Q1:solar-plant',
    ]);
    // Recorded as production runs: every payload encrypted (with the suite's test key), so the replay decrypts too.
    const keyIds = new Set(histories.flatMap(({ history }) => [...keyIdsOfHistory(history)]));
    expect([...keyIds]).toEqual(['test-a']);
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories(replayWorkerOptions(bundle, testPayloadKeys), histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${String(result.error)}`);
    }
    expect(failures).toEqual([]);
  });
});
