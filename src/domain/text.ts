import { z } from 'zod';

/** Characters that are never allowed in stored text: C0 controls except TAB/LF/CR, DEL, C1 controls. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/**
 * Characters that break a line for some reader of an email header besides CR/LF: NEL (U+0085, also a C1 control), the
 * line and paragraph separators (U+2028, U+2029, the Unicode categories Zl and Zp), and lone surrogates, which UTF-8
 * cannot encode at all. Ordinary spaces (U+00A0, U+3000 and the rest of Zs) are fine.
 */
const HEADER_BREAK = /[\u0085\p{Zl}\p{Zp}\p{Cs}]/u;

/**
 * Why `text` cannot be one line of an email header (subject, display name), naming the first offending character and
 * its position (1-based); undefined when it can.
 */
export function headerProblem(text: string): string | undefined {
  const m = /[\r\n]/.exec(text) ?? HEADER_BREAK.exec(text) ?? CONTROL.exec(text);
  if (!m) return undefined;
  const code = m[0].codePointAt(0)!;
  const name =
    m[0] === '\r' || m[0] === '\n'
      ? 'a line break'
      : code === 0x2028
        ? 'a line separator'
        : code === 0x2029
          ? 'a paragraph separator'
          : code >= 0xd800 && code <= 0xdfff
            ? 'a lone surrogate'
            : HEADER_BREAK.test(m[0])
              ? 'a line break'
              : 'a control character';
  const hex = code.toString(16).toUpperCase().padStart(4, '0');
  return `contains ${name} (U+${hex}) at character ${m.index + 1}, which cannot go into an email header`;
}

/**
 * The same text with every header-breaking separator (NEL, U+2028, U+2029) replaced by a space. For records stored
 * before imports refused them, so that they stay readable: strings anywhere in `value` are mapped.
 */
export function withoutLineSeparators<T>(value: T): T {
  if (typeof value === 'string') return value.replace(/[\u0085\u2028\u2029]/g, ' ') as T;
  if (Array.isArray(value)) return value.map((v: unknown) => withoutLineSeparators(v)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutLineSeparators(v)])) as T;
  return value;
}

/** What a single line may not contain, as a character class body: controls (tab aside), line breaks, separators, surrogates. */
const NOT_IN_LINE = '\\x00-\\x08\\x0A-\\x1F\\x7F-\\x9F\\u2028\\u2029\\uD800-\\uDFFF';

/**
 * A short single-line text (names, titles, subjects): trimmed, no CR/LF, no line or paragraph separator (U+2028,
 * U+2029, NEL) and no control character, so it can always go into an email header.
 */
export const singleLine = (max = 200) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .superRefine((s, ctx) => {
      const problem = headerProblem(s);
      if (problem) ctx.addIssue({ code: 'custom', message: `must be a single line: ${problem}` });
    })
    // The same rule for the OpenAPI document (the check above gives the message): something besides spaces, and
    // none of the characters headerProblem refuses (a Unicode-aware pattern: surrogate pairs are fine, lone halves not).
    .meta({ pattern: `^[^${NOT_IN_LINE}]*[^\\s${NOT_IN_LINE}][^${NOT_IN_LINE}]*$` });

/** What a free text may not contain, as a character class body: control characters besides tab and line breaks. */
const NOT_IN_TEXT = '\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F-\\x9F';
/** The pattern of a free text with something besides spaces (for the OpenAPI document). */
export const TEXT_NOT_BLANK = `^[^${NOT_IN_TEXT}]*[^\\s${NOT_IN_TEXT}][^${NOT_IN_TEXT}]*$`;

/** A free text that may span lines (achievements, challenges): no control characters besides tab and line breaks. */
export const multiLine = (max = 5000) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    // eslint-disable-next-line no-control-regex -- the control characters are what it refuses
    .regex(/^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$/, 'must not contain control characters')
    // overwrite, not transform: the API sends answers through z.safeEncode and documents them as output JSON Schema,
    // and zod can do neither with a one-way transform (it throws); overwrite keeps a string and encodes as is.
    .overwrite((s) => s.replace(/\r\n?/g, '\n').trim());

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
export const isoQuarter = z.string().regex(/^20\d{2}-Q[1-4]$/, 'must be a quarter like 2026-Q1 (years 2000 to 2099)');

/**
 * A calendar date `YYYY-MM-DD` (no time, no zone) that exists: 30 days in April, February 29 only in leap years.
 * One pattern, so that the OpenAPI document says exactly what the server takes (a generator of values valid by the
 * document makes only real dates) and workflows, which plan with these dates, never meet one that is not a day.
 */
export const isoDate = z
  .string()
  .regex(
    /^20(?:(?:[02468][048]|[13579][26])-02-29|\d{2}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8])))$/,
    'must be a date YYYY-MM-DD that exists (years 2000 to 2099)',
  );

/** An instant in ISO 8601 with an offset or Z. */
export const isoInstant = z.iso.datetime({ offset: true });

/** Languages the product writes in. English first; Chinese next. */
export const Language = z.enum(['en', 'zh']);
export type Language = z.infer<typeof Language>;

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/**
 * Text safe in HTML (and XML) element content and quoted attribute values: the one escaper of the pages, the emails
 * and the documents.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => HTML_ESCAPES[c]);
}
