/**
 * Submitting an update, the one way every page and route does it (owner form, API, on-behalf page): the submission
 * is recorded in the store's intake first (src/api/intake.ts), so the sender's answer never depends on the worker,
 * Temporal or SMTP; the workflow's receipt comes back within a moment when they are up ("applied", with the
 * revision, which is then stored at once so a read right after sees it), else the answer is "received, will be
 * processed shortly" and the intake forwarder delivers it exactly once when they are back.
 */
import { randomUUID } from 'node:crypto';
import type { SubmissionInput } from '../domain';
import type { RouteDeps } from './context';
import { receiveSubmission, type IntakeReceipt } from './intake';

export type { IntakeReceipt } from './intake';

/** An idempotency key as a sender may give it (form field, `Idempotency-Key` header): printable, at most 100 characters. */
export const validIntakeKey = (key: unknown): key is string =>
  typeof key === 'string' && /^[A-Za-z0-9._:-]{8,100}$/.test(key);

/**
 * Records a submission and answers with its receipt (applied, or pending); a refusal throws an ApiError. `key`
 * defaults to a fresh one (no idempotency across requests); `live` is the update's state when it answered in time.
 */
export function submitUpdate(
  deps: Pick<RouteDeps, 'cycles' | 'store' | 'now'>,
  ids: { mechanismId: string; quarter: string; projectId: string },
  input: { submission: SubmissionInput; submittedBy: string },
  options: {
    key?: string;
    basedOnRevision?: number;
    live?: { state: string; cutoffAt: string; revision?: number };
  } = {},
): Promise<IntakeReceipt> {
  const { mechanismId, quarter, projectId } = ids;
  return receiveSubmission(deps, { mechanismId, quarter, projectId }, input, {
    ...options,
    key: options.key ?? randomUUID(),
  });
}
