import { z } from 'zod';

/** Phases of a cycle, in order (PRODUCT.md section 4). */
export const CyclePhase = z.enum(['collecting', 'compiling', 'convening', 'in-session', 'recording', 'closed']);
export type CyclePhase = z.infer<typeof CyclePhase>;

/** Where one project's update stands; these exact words are part of the API and the search attributes. */
export const SubmissionState = z.enum(['requested', 'reminded', 'overdue', 'escalated', 'submitted', 'waived', 'missing']);
export type SubmissionState = z.infer<typeof SubmissionState>;

/** Settled states: the project's collect-and-chase loop sends nothing more. */
export const settledStates: readonly SubmissionState[] = ['submitted', 'waived', 'missing'];

/** Where an action item stands. */
export const ActionItemState = z.enum(['open', 'overdue', 'done', 'cancelled']);
export type ActionItemState = z.infer<typeof ActionItemState>;
