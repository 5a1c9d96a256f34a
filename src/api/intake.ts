/**
 * Durable intake of submissions (issue 15). A submission is written to the store's `intake` table before its sender
 * gets an answer, so nothing acknowledged depends on the worker, Temporal or SMTP being up; it then reaches the
 * project's workflow exactly once: the update id is `intake:<key>` (Temporal runs an update id once per run) and
 * the workflow answers a key it has seen with its first receipt. The sender waits at most INTAKE_ANSWER_WAIT_MS for
 * the workflow's receipt; after that the answer is "received, will be processed shortly" and the forwarder (one per
 * web process, started by buildApp) keeps delivering until the workflow has decided.
 */
import { Submission, type SubmissionInput } from '../domain';
import type { IntakeId, IntakeRecord, Store, SubmissionRecord } from '../store';
import { updateWorkflowId } from '../temporal/ids';
import { submitUpdate } from '../workflows/messages';
import { within } from '../temporal/bounded';
import { decide } from './commands';
import { WorkflowGone, WorkflowRejection, type CycleGateway } from './cycle-gateway';
import { ApiError } from './errors';

/** How long a sender waits for the workflow's receipt before being told "received, will be processed shortly". */
export const INTAKE_ANSWER_WAIT_MS = 1200;
/** How often the forwarder looks for pending submissions. */
export const INTAKE_FORWARD_INTERVAL_MS = 2000;
/** How long one delivery attempt waits for the workflow before it is counted as failed and retried. */
const DELIVERY_DEADLINE_MS = 30_000;
/** Longest wait between two delivery attempts of one submission. */
const MAX_RETRY_DELAY_MS = 60_000;

/** What the sender is told: applied (with the workflow's revision) or recorded and pending. */
export type IntakeReceipt =
  | { status: 'applied'; key: string; revision: number; late: boolean; receivedAt: string }
  | { status: 'pending'; key: string; receivedAt: string };

/** What delivering needs. */
export interface IntakeDeps {
  store: Store;
  cycles: CycleGateway;
  now: () => Date;
}

/** The Temporal update id of an intake key: one update per key, whoever sends it and however often. */
export const intakeUpdateId = (key: string) => `intake:${key}`;

const idOf = (r: IntakeRecord): IntakeId => ({
  mechanismId: r.mechanismId,
  quarter: r.quarter,
  projectId: r.projectId,
  key: r.key,
});
const idKey = (id: IntakeId) => `${id.mechanismId}\n${id.quarter}\n${id.projectId}\n${id.key}`;

// One delivery per row at a time in this process: the sender's first attempt and the forwarder share it.
const inFlight = new Map<string, Promise<IntakeRecord | undefined>>();

/**
 * Delivers one recorded submission to its workflow and records the decision: applied (and the revision stored at
 * once, so a read right after sees it), refused (the workflow's rule and reason), or still pending with the reason
 * and the time of the next attempt. Never throws; resolves with the row as it then stands.
 */
export function deliver(deps: IntakeDeps, record: IntakeRecord): Promise<IntakeRecord | undefined> {
  const id = idOf(record);
  const running = inFlight.get(idKey(id));
  if (running) return running;
  const attempt = (async () => {
    try {
      const receipt = await deps.cycles.send(
        { mechanismId: record.mechanismId, quarter: record.quarter, projectId: record.projectId },
        submitUpdate,
        [
          {
            ...record.input,
            // Stored as received (JSON, typed unknown); the workflow's validator parses it.
            submission: record.input.submission as SubmissionInput,
            key: record.key,
            ...(record.basedOnRevision !== undefined && { baseRevision: record.basedOnRevision }),
          },
        ],
        // Bounded so that a delivery waiting for a stopped worker ends and is tried again (same update id) later.
        // Not audited here: the route or page that received the submission audited it, with its sender.
        { updateId: intakeUpdateId(record.key), deadlineMs: DELIVERY_DEADLINE_MS, audit: null },
      );
      await deps.store.submissions.recordSubmission({
        mechanismId: record.mechanismId,
        quarter: record.quarter,
        projectId: record.projectId,
        body: Submission.parse(record.input.submission),
        submittedBy: record.input.submittedBy,
        workflowId: updateWorkflowId(record.mechanismId, record.quarter, record.projectId),
        step: `acknowledged-r${receipt.revision}`,
        receivedAt: receipt.receivedAt,
        late: receipt.late,
        revision: receipt.revision,
      });
      await deps.store.intake.markApplied(id, receipt, deps.now());
    } catch (err) {
      try {
        if (err instanceof WorkflowRejection || err instanceof WorkflowGone) {
          const refusal = await decide(() => Promise.reject(err)).catch((e: ApiError) => ({
            code: e.code,
            message: e.message,
          }));
          await deps.store.intake.markRefused(id, refusal as { code: string; message: string }, deps.now());
        } else {
          const delay = Math.min(MAX_RETRY_DELAY_MS, 1000 * 2 ** Math.min(record.attempts, 6));
          await deps.store.intake.markAttempt(
            id,
            (err as Error)?.message ?? String(err),
            new Date(deps.now().getTime() + delay),
            deps.now(),
          );
        }
      } catch {
        // The store is gone too (shutting down): the row stays pending and the next forwarder delivers it.
        return undefined;
      }
    }
    return deps.store.intake.get(id).catch(() => undefined);
  })().finally(() => inFlight.delete(idKey(id)));
  inFlight.set(idKey(id), attempt);
  return attempt;
}

/**
 * Refuses at once, from the records, what the workflow would refuse, so that nothing is accepted and then dropped
 * while the workflow cannot answer: a closed cycle, a waived update, an amendment after collection closed. `live`
 * is the update's own state when its workflow answered a query in time (its cut-off may have been extended).
 */
export async function refuseWhatTheWorkflowWould(
  deps: Pick<IntakeDeps, 'store' | 'now'>,
  ids: { mechanismId: string; quarter: string; projectId: string },
  live?: { state: string; cutoffAt: string },
): Promise<void> {
  const { mechanismId, quarter, projectId } = ids;
  const [cycle, rows] = await Promise.all([
    deps.store.cycles.get(mechanismId, quarter),
    deps.store.cycles.listProjectStates(mechanismId, quarter),
  ]);
  if (!cycle) throw new ApiError(404, 'not-found', `cycle ${mechanismId} ${quarter} not found`);
  if (cycle.phase === 'closed')
    throw new ApiError(409, 'cycle-closed', `cycle ${mechanismId} ${quarter} is closed: nothing can change any more`);
  const state = live?.state ?? rows.find((r) => r.projectId === projectId)?.state;
  if (state === 'waived')
    throw new ApiError(
      409,
      'rejected-already-settled',
      'the update was waived by the secretariat: no submission is collected this quarter',
    );
  const cutoffAt = live?.cutoffAt ?? cycle.cutoffAt;
  if (state === 'submitted' && cutoffAt && deps.now().toISOString() >= cutoffAt) {
    throw new ApiError(
      409,
      'rejected-collection-closed',
      'collection has closed: the submission can no longer be amended',
    );
  }
}

/**
 * A submission based on an older revision than the one stored (concurrent edits): nothing of it was applied. The
 * sender is shown both texts, theirs and `current` (the newer stored one), and chooses; the API answers 409 with
 * `currentRevision`.
 */
export class StaleSubmission extends ApiError {
  constructor(
    readonly currentRevision: number,
    readonly current: SubmissionRecord | undefined,
    basedOn: number,
  ) {
    super(
      409,
      'stale-revision',
      `this update was based on revision ${basedOn}, but revision ${currentRevision} has been saved since: nothing was saved; compare both texts and send again with baseRevision ${currentRevision} to replace it`,
      undefined,
      { currentRevision },
    );
  }
}

/** Refuses a submission based on an older revision than the newest the store (or the live workflow) knows. */
async function refuseStale(
  deps: Pick<IntakeDeps, 'store'>,
  ids: { mechanismId: string; quarter: string; projectId: string },
  basedOn: number | undefined,
  liveRevision: number | undefined,
): Promise<void> {
  if (basedOn === undefined) return;
  const latest = await deps.store.submissions.latest(ids.mechanismId, ids.quarter, ids.projectId);
  const current = Math.max(latest?.revision ?? 0, liveRevision ?? 0);
  if (basedOn < current) throw new StaleSubmission(current, latest, basedOn);
}

/**
 * Records a submission, then waits up to INTAKE_ANSWER_WAIT_MS for the workflow's receipt. Throws the refusal as
 * an ApiError (409/422) when the records or the workflow refuse it ({@link StaleSubmission} when it is based on an
 * older revision than the stored one), 503 `not-recorded` when the store could not record it (nothing was kept:
 * the caller shows the text back), 422 `idempotency-key-reused` for a known key with other content. A key already
 * recorded is answered from its row (a retry after the first answer was lost is not checked again).
 */
export async function receiveSubmission(
  deps: IntakeDeps,
  ids: { mechanismId: string; quarter: string; projectId: string },
  input: { submission: SubmissionInput; submittedBy: string },
  options: {
    key: string;
    basedOnRevision?: number;
    live?: { state: string; cutoffAt: string; revision?: number };
  },
): Promise<IntakeReceipt> {
  let record: IntakeRecord;
  let created: boolean;
  try {
    const known = await deps.store.intake.get({ ...ids, key: options.key });
    if (!known) {
      await refuseWhatTheWorkflowWould(deps, ids, options.live);
      await refuseStale(deps, ids, options.basedOnRevision, options.live?.revision);
    }
    ({ record, created } = await deps.store.intake.receive({
      ...ids,
      key: options.key,
      input,
      basedOnRevision: options.basedOnRevision,
      receivedAt: deps.now(),
    }));
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError(
      503,
      'not-recorded',
      'the submission could not be recorded now (the database did not answer); nothing was saved, please send it again in a few minutes',
    );
  }
  if (!created && JSON.stringify(record.input) !== JSON.stringify(input)) {
    throw new ApiError(
      422,
      'idempotency-key-reused',
      'this idempotency key was already used for a different submission',
    );
  }
  // A late delivery goes on (it takes no signal): the receipt answers now, the submission is applied when it lands.
  const outcome = await within(() => deliver(deps, record), INTAKE_ANSWER_WAIT_MS);
  return answer(deps, (outcome.answered && outcome.value) || record);
}

async function answer(deps: Pick<IntakeDeps, 'store'>, r: IntakeRecord): Promise<IntakeReceipt> {
  if (r.status === 'applied')
    return {
      status: 'applied',
      key: r.key,
      revision: r.revision!,
      late: r.late ?? false,
      receivedAt: r.appliedAt ?? r.receivedAt,
    };
  if (r.status === 'refused') {
    const code = r.refusal?.code ?? 'rejected';
    if (code === 'rejected-stale-revision') {
      // Another revision reached the workflow first (two senders at once): the same answer as the check above.
      const latest = await deps.store.submissions.latest(r.mechanismId, r.quarter, r.projectId);
      throw new StaleSubmission(latest?.revision ?? (r.basedOnRevision ?? 0) + 1, latest, r.basedOnRevision ?? 0);
    }
    throw new ApiError(
      code.startsWith('rejected-invalid') ? 422 : 409,
      code,
      r.refusal?.message ?? 'the workflow refused the submission',
    );
  }
  return { status: 'pending', key: r.key, receivedAt: r.receivedAt };
}
/** The forwarder of one web process: delivers due pending submissions until stopped. */
export function startIntakeForwarder(
  deps: IntakeDeps & { log?: (err: unknown) => void },
  intervalMs = INTAKE_FORWARD_INTERVAL_MS,
): { stop(): void } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      for (const record of await deps.store.intake.due(deps.now())) {
        if (stopped) return;
        // Not awaited: a delivery waits while no worker serves the queue, and must not hold up the others.
        if (!inFlight.has(idKey(idOf(record)))) void deliver(deps, record);
      }
    } catch (err) {
      deps.log?.(err);
    } finally {
      if (!stopped) timer = setTimeout(() => void tick(), intervalMs).unref();
    }
  };
  timer = setTimeout(() => void tick(), intervalMs).unref();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
