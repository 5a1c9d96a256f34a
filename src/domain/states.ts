/**
 * The states of cycles, updates and action items: plain word lists, no schemas, so that workflows can use them
 * without building zod schemas (the API builds its enums from these lists).
 */

/** Phases of a cycle, in order (PRODUCT.md section 4). */
export const cyclePhases = ['collecting', 'compiling', 'convening', 'in-session', 'recording', 'closed'] as const;
export type CyclePhase = (typeof cyclePhases)[number];

/** Where one project's update stands; these exact words are part of the API and the search attributes. */
export const submissionStates = [
  'requested',
  'reminded',
  'overdue',
  'escalated',
  'submitted',
  'waived',
  'missing',
] as const;
export type SubmissionState = (typeof submissionStates)[number];

/** Settled states: the project's collect-and-chase loop sends nothing more. */
export const settledStates: readonly SubmissionState[] = ['submitted', 'waived', 'missing'];

/** Where an action item stands. */
export const actionItemStates = ['open', 'overdue', 'done', 'cancelled'] as const;
export type ActionItemState = (typeof actionItemStates)[number];
