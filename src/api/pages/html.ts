/**
 * The tagged template `html` the pages were written in before they moved to JSX (`layout.tsx`): every interpolated
 * value is escaped unless it is Safe or a JSX element (rendered). Kept only while the pages move; no new markup here.
 */
import { isValidElement } from 'preact';
import { escapeHtml, type Language } from '../../domain';
import { page as jsxPage, renderMarkup, written as jsxWritten, type Markup, type PageChrome } from './layout';

/** Escapes a value's text for HTML content and attribute values (the product's one escaper, src/domain/text.ts). */
export function esc(value: unknown): string {
  return escapeHtml(String(value ?? ''));
}

/** Markup that is already safe (built by `html`). */
export class Safe {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** A template whose interpolations are escaped unless they are Safe, JSX elements, or arrays of them. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Safe {
  let out = strings[0];
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1];
  });
  return new Safe(out);
}

function render(v: unknown): string {
  if (v instanceof Safe) return v.value;
  if (isValidElement(v)) return renderMarkup(v);
  if (Array.isArray(v)) return v.map(render).join('');
  if (v === undefined || v === null || v === false) return '';
  return esc(v);
}

export function written(text: string, pageLanguage: Language): Safe | string {
  const markup = jsxWritten(text, pageLanguage);
  return typeof markup === 'string' ? markup : new Safe(renderMarkup(markup));
}

/** A whole page whose body (or header links) may still be `html` markup. */
export function page(title: string, body: Safe | Markup, nav?: Safe | Markup, chrome?: PageChrome): string {
  const holes: string[] = [];
  const hole = (part: Safe | Markup | undefined) => {
    if (!(part instanceof Safe)) return part;
    holes.push(part.value);
    return `\uE002${holes.length - 1}\uE003`;
  };
  return jsxPage(title, hole(body), hole(nav), chrome).replace(
    /\uE002(\d+)\uE003/g,
    (_, i: string) => holes[Number(i)],
  );
}
