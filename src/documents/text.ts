/**
 * Text hygiene shared by every renderer. Records are validated on the way in, but documents must
 * survive anything (imports, older rows, pasted text), so the renderers clean again on the way out.
 */
import { escapeHtml } from '../domain/text';

// XML 1.0 forbids C0 controls except TAB/LF/CR, and U+FFFE/U+FFFF; C1 controls and DEL are legal but
// make Word refuse or garble a file, so they go too. Lone surrogates cannot be encoded in UTF-8.
const ILLEGAL =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The text with XML-illegal and control characters removed and line endings normalised to LF; emoji, RTL and CJK are kept. */
export function cleanText(text: string | undefined | null): string {
  if (text == null) return '';
  return String(text).replace(/\r\n?/g, '\n').replace(ILLEGAL, '');
}

/** One line of text: cleaned, with every run of whitespace (line breaks included) collapsed to a single space. */
export function cleanLine(text: string | undefined | null): string {
  return cleanText(text).replace(/\s+/g, ' ').trim();
}

/** Paragraphs of a free text: cleaned, split on blank lines or line breaks, empty ones dropped. */
export function paragraphsOf(text: string | undefined | null): string[] {
  return cleanText(text)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/** Text escaped for HTML element content and quoted attributes (the product's one escaper, src/domain/text.ts). */
export { escapeHtml };

/** Text escaped for XML (SVG) content and attributes. */
export const escapeXml = escapeHtml;

/** At most `max` characters (code points) of a line, ending with an ellipsis when cut. */
export function truncateText(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length > max
    ? chars
        .slice(0, max - 1)
        .join('')
        .trimEnd() + '…'
    : text;
}
