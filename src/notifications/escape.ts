/** Escaping of user text for the places an email puts it. */
import { escapeHtml, headerProblem } from '../domain/text';

/** Text safe to place in HTML element content and quoted attribute values (the product's one escaper). */
export { escapeHtml };

/** Raised when text meant for a header (subject, display name) would span lines: a header-injection attempt or a bug. */
export class HeaderInjectionError extends Error {
  constructor(what: string, problem = 'contains a line break') {
    super(`${what} must be a single line (no CR/LF): it ${problem}`);
    this.name = 'HeaderInjectionError';
  }
}

/**
 * Returns the text unchanged when it can be one header line. The domain schemas (`singleLine`) already refuse the
 * same characters in names and titles at import; this second check at render time guards text that reached a header
 * by another path (a record stored before the check, a template bug).
 */
export function singleLineHeader(text: string, what = 'header value'): string {
  const problem = headerProblem(text);
  if (problem) throw new HeaderInjectionError(what, problem);
  return text;
}
