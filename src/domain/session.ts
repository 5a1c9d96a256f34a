import { z } from 'zod';
import { isoDate, isoInstant, multiLine, singleLine, slug, TEXT_NOT_BLANK } from './text';

/** The quarterly meeting as the secretariat convenes it. */
export const SessionPlan = z.object({
  startsAt: isoInstant,
  durationMinutes: z
    .number()
    .int()
    .min(15)
    .max(8 * 60)
    .default(120),
  venue: singleLine(200),
  /** Contact ids of the co-chairs. */
  chairs: z.array(slug).min(1).max(4),
  /** Contact ids of the invited attendees. */
  attendees: z.array(slug).min(1).max(500),
});
export type SessionPlan = z.infer<typeof SessionPlan>;

/** An action item agreed at a session, followed up by its own workflow. */
export const ActionItem = z.object({
  id: slug,
  title: singleLine(300),
  /** Contact id of the person responsible. */
  owner: slug,
  /** Side id responsible. */
  side: slug.optional(),
  dueDate: isoDate,
  projects: z.array(slug).max(50).default([]),
});
export type ActionItem = z.infer<typeof ActionItem>;

/** A decision taken at a session, with the action items it gives rise to. */
export const Decision = z.object({
  id: slug,
  text: multiLine(3000)
    .refine((s) => s.length > 0, 'must not be empty')
    .meta({ pattern: TEXT_NOT_BLANK }),
  projects: z.array(slug).max(50).default([]),
  actionItems: z.array(ActionItem).max(50).default([]),
});
export type Decision = z.infer<typeof Decision>;

/** What the secretariat records after the session. */
export const SessionRecord = z.object({
  /** Contact ids of those present. */
  present: z.array(slug).max(500).default([]),
  decisions: z.array(Decision).min(1).max(200),
  nextMeeting: isoDate.optional(),
  notes: multiLine(10000).optional(),
});
export type SessionRecord = z.infer<typeof SessionRecord>;
