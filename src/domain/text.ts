import { z } from 'zod';

/** Characters that are never allowed in stored text: C0 controls except TAB/LF/CR, DEL, C1 controls. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** A short single-line text (names, titles, subjects): trimmed, no CR/LF so it can never inject an email header. */
export const singleLine = (max = 200) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !/[\r\n]/.test(s), 'must be a single line (no line breaks)')
    .refine((s) => !CONTROL.test(s), 'must not contain control characters');

/** A free text that may span lines (achievements, challenges): no control characters besides tab and line breaks. */
export const multiLine = (max = 5000) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !CONTROL.test(s), 'must not contain control characters')
    .transform((s) => s.replace(/\r\n?/g, '\n').trim());

/** A business id used in workflow ids and URLs: lower-case letters, digits and dashes; never personal data. */
export const slug = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, 'must be lower-case letters, digits and dashes (1-64 characters)');

/** An email address (kept simple on purpose: the SMTP server has the last word). */
export const email = z
  .string()
  .trim()
  .max(254)
  .regex(/^[^\s@<>(),;:"[\]\\]+@[^\s@<>(),;:"[\]\\]+\.[^\s@<>(),;:"[\]\\]+$/, 'must be an email address');

/** A quarter of a calendar year, `2026-Q1`. */
export const isoQuarter = z.string().regex(/^\d{4}-Q[1-4]$/, 'must be a quarter like 2026-Q1');

/** A calendar date `YYYY-MM-DD` (no time, no zone). */
export const isoDate = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be a date YYYY-MM-DD');

/** An instant in ISO 8601 with an offset or Z. */
export const isoInstant = z.iso.datetime({ offset: true });

/** Languages the product writes in. English first; Chinese next. */
export const Language = z.enum(['en', 'zh']);
export type Language = z.infer<typeof Language>;
