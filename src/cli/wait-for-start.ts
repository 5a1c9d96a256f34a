import type { Client } from '@temporalio/client';
import type { Progress } from './progress';

/** How often the start of a workflow is checked. */
const POLL_MS = 250;

/**
 * Waits until a worker has taken up the workflow (its first workflow task completed, so its history has
 * more than the 3 events Temporal writes before any worker acts) or it has already finished; shows
 * progress on stderr. Returns false when `timeoutMs` passes first: typically no worker is running.
 */
export async function waitForWorkflowStart(
  client: Client,
  workflowId: string,
  timeoutMs: number,
  progress: Progress,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const handle = client.workflow.getHandle(workflowId);
  progress.line(`waiting for ${workflowId} to start...`);
  for (;;) {
    const d = await handle.describe();
    if (d.status.name !== 'RUNNING' || (d.historyLength ?? 0) > 3) {
      progress.done();
      return true;
    }
    if (Date.now() >= deadline) {
      progress.done();
      return false;
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
