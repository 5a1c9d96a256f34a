/** Escaping of user text for the places an email puts it. */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe to place in HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** Raised when text meant for a header (subject, display name) would span lines: a header-injection attempt or a bug. */
export class HeaderInjectionError extends Error {
  constructor(what: string) {
    super(`${what} must be a single line (no CR/LF)`);
    this.name = 'HeaderInjectionError';
  }
}

/**
 * Returns the text unchanged when it is one line. The domain schemas already reject CR/LF in names and
 * titles; this second check at render time guards text that reached a header by another path.
 */
export function singleLineHeader(text: string, what = 'header value'): string {
  // U+2028/2029 and NEL are line breaks to some mail clients too.
  if (/[\r\n\u0085\u2028\u2029]/.test(text)) throw new HeaderInjectionError(what);
  return text;
}
