/** Server-rendered HTML: every interpolated value goes through `esc` (tagged template `html`), no scripts. */
import { escapeHtml, Language } from '../../domain';
import { scriptLanguage } from '../../documents/format';

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

/** A template whose interpolations are escaped unless they are Safe (or arrays of Safe). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Safe {
  let out = strings[0];
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1];
  });
  return new Safe(out);
}

function render(v: unknown): string {
  if (v instanceof Safe) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  if (v === undefined || v === null || v === false) return '';
  return esc(v);
}

// Small and inline so a page is one request and reads well on a phone.
const CSS = `
*{box-sizing:border-box}body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1f24;background:#f5f6f8}
header{background:#0b3d62;color:#fff;padding:.75rem 1rem;display:flex;gap:1rem;flex-wrap:wrap;align-items:center}header a{color:#fff}
main{max-width:60rem;margin:0 auto;padding:1rem}h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:1.5rem}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}input,select,textarea{width:100%;font:inherit;padding:.5rem;border:1px solid #8a94a3;border-radius:4px;background:#fff}
textarea{min-height:6rem}button{font:inherit;padding:.55rem 1.1rem;border:0;border-radius:4px;background:#0b63a8;color:#fff;cursor:pointer;margin-top:.75rem}
button.secondary{background:#59636e}.error{color:#b00020;font-size:.95rem}.field-error input,.field-error textarea,.field-error select{border-color:#b00020}
.notice{background:#e7f3e9;border-left:4px solid #2e7d32;padding:.75rem;margin:1rem 0}.alert{background:#fdecea;border-left:4px solid #b00020;padding:.75rem;margin:1rem 0}
table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #dde1e6;vertical-align:top}
.state{display:inline-block;padding:.1rem .5rem;border-radius:1rem;font-size:.85rem;background:#e3e7ec}.state-submitted{background:#d7f0dc}.state-overdue,.state-escalated,.state-missing{background:#fbd9d3}.state-waived{background:#eee}
.card{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:1rem;margin:1rem 0}form.inline{display:inline}form.inline button{margin:0 .25rem 0 0;padding:.3rem .6rem;font-size:.9rem}
.row{display:flex;gap:1rem;flex-wrap:wrap}.row>*{flex:1 1 14rem}small{color:#59636e}
.timeline{list-style:none;margin:.5rem 0 0 .5rem;padding:0;border-left:3px solid #0b63a8}.timeline li{position:relative;padding:.15rem 0 .15rem 1rem}
.timeline li::before{content:"";position:absolute;left:-.6rem;top:.5rem;width:.85rem;height:.85rem;border-radius:50%;background:#0b63a8}
.timeline li.planned{color:#59636e}.timeline li.planned::before{background:#fff;border:2px solid #0b63a8}.timeline li.now::before{background:#b00020;border-radius:0;height:3px;top:.8rem;width:1.2rem;left:-.75rem}
header nav.languages{margin-left:auto}
@media (max-width:40rem){main{padding:.5rem}th,td{display:block;border:0}tr{display:block;border-bottom:1px solid #dde1e6;padding:.4rem 0}}
`;

/**
 * Text as someone wrote it (an owner, an officer, a workflow's reason), never translated: marked with its language
 * (`<span lang>`) when its script says it is not the page's, so that readers and screen readers know.
 */
export function written(text: string, pageLanguage: Language): Safe | string {
  const language = scriptLanguage(text);
  return language && language !== pageLanguage ? html`<span lang="${language}">${text}</span>` : text;
}

/** The names of the languages in themselves, as the switch shows them. */
const NATIVE_NAMES: Record<Language, string> = { en: 'English', zh: '中文' };

/** The switch on every page: each language in itself, a link to the same page (`url`) in it. */
export function languageSwitch(url: string, current: Language, label: string): Safe {
  const [path, query = ''] = url.split('?');
  const params = new URLSearchParams(query);
  const links = Language.options.map((language) => {
    params.set('lang', language);
    const name = NATIVE_NAMES[language];
    return language === current
      ? html`<strong lang="${language}" aria-current="true">${name}</strong>`
      : html`<a href="${path}?${params.toString()}" lang="${language}" hreflang="${language}">${name}</a>`;
  });
  return html`<nav class="languages" aria-label="${label}">${links.map((l, i) => (i ? html` · ${l}` : l))}</nav>`;
}

/**
 * A whole page: title, optional header links, body. With `chrome` (the page's language and translator and the
 * request's URL) it is marked in its language and carries the language switch.
 */
export function page(
  title: string,
  body: Safe,
  nav?: Safe,
  chrome?: { language: Language; t: (key: 'page.product' | 'page.languages') => string; url: string },
): string {
  return html`<!doctype html>
<html lang="${chrome?.language ?? 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${title}</title><style>${new Safe(CSS)}</style></head>
<body><header><strong>${chrome ? chrome.t('page.product') : 'Coordination mechanism'}</strong>${nav ?? ''}${chrome ? languageSwitch(chrome.url, chrome.language, chrome.t('page.languages')) : ''}</header><main>${body}</main></body></html>`
    .value;
}
