import { z } from 'zod';
import { Translations } from './names';
import { isoDate, multiLine, singleLine, slug } from './text';

export const ProjectStatus = z.enum(['active', 'completed', 'suspended']);
export type ProjectStatus = z.infer<typeof ProjectStatus>;

export const Milestone = z.object({
  id: slug,
  title: singleLine(200),
  plannedDate: isoDate.optional(),
  actualDate: isoDate.optional(),
  translations: Translations.optional(),
});
export type Milestone = z.infer<typeof Milestone>;

export const Indicator = z.object({
  id: slug,
  name: singleLine(200),
  unit: singleLine(40).optional(),
  baseline: z.number().optional(),
  target: z.number().optional(),
  current: z.number().optional(),
  translations: Translations.optional(),
});
export type Indicator = z.infer<typeof Indicator>;

/** A cooperation project in a mechanism's portfolio. People are referenced by contact id. */
export const Project = z.object({
  id: slug,
  title: singleLine(200),
  pillar: slug,
  description: multiLine(2000).optional(),
  /** Contact id of the owner who answers the quarterly request. */
  owner: slug,
  /** Optional focal point per side: side id -> contact id. */
  focalPoints: z.record(slug, slug).default({}),
  /** Contact id of the owner's supervisor, who receives escalations. */
  supervisor: slug.optional(),
  plannedStart: isoDate.optional(),
  plannedEnd: isoDate.optional(),
  actualStart: isoDate.optional(),
  actualEnd: isoDate.optional(),
  budget: z.object({ amount: z.number().nonnegative(), currency: z.string().regex(/^[A-Z]{3}$/) }).optional(),
  milestones: z.array(Milestone).default([]),
  indicators: z.array(Indicator).default([]),
  status: ProjectStatus.default('active'),
  /** The title in other languages (names.ts); milestones and indicators carry their own. */
  translations: Translations.optional(),
});
export type Project = z.infer<typeof Project>;
