/**
 * Which payload keys the open workflows still need: a key can be retired (removed from COORD_PAYLOAD_KEYS) only
 * when no open workflow has a payload under it, or that workflow fails as soon as its history is replayed.
 */
import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { isEncrypted, payloadKeyId } from './codec';

/** The label for payloads written before encryption (they need no key). */
export const UNENCRYPTED = '(unencrypted)';

/** Key ids of every application payload of a history (search attributes and patch markers are not encrypted by design). */
export function keyIdsOfHistory(history: temporal.api.history.v1.IHistory): Set<string> {
  const ids = new Set<string>();
  const visit = (value: unknown, key: string): void => {
    if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return;
    if (key === 'searchAttributes' || key === 'markerRecordedEventAttributes') return;
    const v = value as Payload;
    if (v.metadata && v.data instanceof Uint8Array) {
      ids.add(isEncrypted(v) ? (payloadKeyId(v) ?? UNENCRYPTED) : UNENCRYPTED);
      return;
    }
    for (const [k, child] of Object.entries(value)) visit(child, k);
  };
  for (const event of history.events ?? []) visit(event, '');
  return ids;
}

/** For each key id, how many open (running) workflows of the namespace have payloads under it. */
export async function openWorkflowsByKeyId(
  client: Client,
  onProgress?: (done: number) => void,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let done = 0;
  for await (const workflow of client.workflow.list({ query: "ExecutionStatus = 'Running'" })) {
    const history = await client.workflow.getHandle(workflow.workflowId, workflow.runId).fetchHistory();
    for (const id of keyIdsOfHistory(history)) counts.set(id, (counts.get(id) ?? 0) + 1);
    onProgress?.(++done);
  }
  return counts;
}
