import { z } from 'zod';
import { isoDate, multiLine, singleLine, slug, TEXT_NOT_BLANK } from './text';

/** The owner's rating of the project this quarter. */
export const StatusRating = z.enum(['on-track', 'at-risk', 'off-track', 'completed', 'not-started']);
export type StatusRating = z.infer<typeof StatusRating>;

/**
 * The order that says whether a project improved or slipped between quarters: off track < at risk < not started <
 * on track < completed. A quarter without an update has no rank: neither an improvement nor a slip.
 */
export const statusRank: Readonly<Record<StatusRating, number>> = {
  'off-track': 0,
  'at-risk': 1,
  'not-started': 2,
  'on-track': 3,
  completed: 4,
};

/** One project's quarterly update as an owner (or the secretariat on their behalf) submits it. */
export const Submission = z
  .object({
    status: StatusRating,
    /** Why this rating; required unless on track. */
    statusReason: multiLine(1000).optional(),
    progressPercent: z.number().int().min(0).max(100),
    achievements: multiLine(5000).default(''),
    challenges: multiLine(5000).default(''),
    /** Support requested from the mechanism (empty when none): these go on the agenda. */
    supportRequested: multiLine(3000).default(''),
    nextSteps: multiLine(3000).default(''),
    milestoneUpdates: z
      .array(z.object({ milestoneId: slug, actualDate: isoDate.optional(), note: singleLine(500).optional() }))
      .max(100)
      .default([]),
    indicatorUpdates: z
      .array(z.object({ indicatorId: slug, current: z.number() }))
      .max(100)
      .default([]),
    /** The project's actual start and end as the owner reports them; the report shows them over the portfolio's dates. */
    actualStart: isoDate.optional(),
    actualEnd: isoDate.optional(),
    actionItemUpdates: z
      .array(z.object({ actionItemId: slug, done: z.boolean(), note: singleLine(500).optional() }))
      .max(100)
      .default([]),
  })
  .superRefine((s, ctx) => {
    if (s.status !== 'on-track' && s.status !== 'completed' && !s.statusReason) {
      ctx.addIssue({
        code: 'custom',
        path: ['statusReason'],
        message: 'give a reason when the project is not on track',
      });
    }
  })
  // The same rule in the OpenAPI document: on track or completed, or a reason with something besides spaces.
  .meta({
    anyOf: [
      { properties: { status: { enum: ['on-track', 'completed'] } } },
      { properties: { statusReason: { pattern: TEXT_NOT_BLANK } }, required: ['statusReason'] },
    ],
  });
export type Submission = z.infer<typeof Submission>;
export type SubmissionInput = z.input<typeof Submission>;
