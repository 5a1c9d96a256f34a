/**
 * The pages' markup is typed JSX rendered to a string by Preact (`preact-render-to-string`): every text and attribute
 * value is escaped by the renderer, so a page cannot be written that puts an owner's text in as markup. No scripts
 * run on the pages; Preact is used only on the server.
 */
import type { ComponentChildren, VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { Language } from '../../domain';
import { scriptLanguage } from '../../documents/format';
import type { MessageKey } from '../../i18n';
import type { PageLanguage } from './language';

/** What pages are written in: Preact's JSX elements, text, or lists of them. */
export type Markup = ComponentChildren;

/** A fragment of a page as a string (for a page assembled from parts, and for tests). */
export const renderMarkup = (markup: Markup): string => renderToString(<>{markup}</>);

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

/** What a page needs to mark its language and draw the language switch: the language, its translator, the URL. */
export interface PageChrome {
  language: Language;
  t: (key: 'page.product' | 'page.languages') => string;
  url: string;
}

/**
 * Text as someone wrote it (an owner, an officer, a workflow's reason), never translated: marked with its language
 * (`<span lang>`) when its script says it is not the page's, so that readers and screen readers know.
 */
export function written(text: string, pageLanguage: Language): Markup {
  const language = scriptLanguage(text);
  return language && language !== pageLanguage ? <span lang={language}>{text}</span> : text;
}

/** A table of rows (`children`, each a `<tr>`) under one header row with a cell per `head` entry. */
export function Table({ head, children }: { head: Markup[]; children?: Markup }) {
  return (
    <table>
      <thead>
        <tr>
          {head.map((cell) => (
            <th>{cell}</th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}

/** The names of the languages in themselves, as the switch shows them. */
const NATIVE_NAMES: Record<Language, string> = { en: 'English', zh: '中文' };

/** The switch on every page: each language in itself, a link to the same page (`url`) in it. */
function LanguageSwitch({ url, current, label }: { url: string; current: Language; label: string }) {
  const [path, query = ''] = url.split('?');
  const params = new URLSearchParams(query);
  return (
    <nav class="languages" aria-label={label}>
      {Language.options.map((language, i) => {
        params.set('lang', language);
        const name = NATIVE_NAMES[language];
        return (
          <>
            {i > 0 && ' · '}
            {language === current ? (
              <strong lang={language} aria-current="true">
                {name}
              </strong>
            ) : (
              <a href={`${path}?${params.toString()}`} lang={language} hreflang={language}>
                {name}
              </a>
            )}
          </>
        );
      })}
    </nav>
  );
}

/**
 * A whole page: title, optional header links, body. With `chrome` (the page's language and translator and the
 * request's URL) it is marked in its language and carries the language switch.
 */
function Page({
  title,
  nav,
  chrome,
  children,
}: {
  title: string;
  nav?: Markup;
  chrome?: PageChrome;
  children?: Markup;
}) {
  return (
    <html lang={chrome?.language ?? 'en'}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{title}</title>
        {/* A constant of this file, not data: the one place markup is put in unescaped. */}
        <style dangerouslySetInnerHTML={{ __html: CSS }} />
      </head>
      <body>
        <header>
          <strong>{chrome ? chrome.t('page.product') : 'Coordination mechanism'}</strong>
          {nav}
          {chrome && <LanguageSwitch url={chrome.url} current={chrome.language} label={chrome.t('page.languages')} />}
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}

/** A whole page rendered: `<Page>` with the body, as the response's text. */
export const page = (title: string, body: Markup, nav?: Markup, chrome?: PageChrome): string =>
  `<!doctype html>\n${renderToString(
    <Page title={title} nav={nav} chrome={chrome}>
      {body}
    </Page>,
  )}`;

/**
 * A catalogue message with markup in it: the message's text stays text (escaped by the renderer), and values that
 * are markup (e.g. `<strong>` around a quarter) are put in wherever the language places them.
 */
export function message(
  t: PageLanguage['t'],
  key: MessageKey,
  values: Record<string, string | number | VNode>,
): Markup {
  // Each markup value stands in the message as a private-use marker until the message is split around them.
  const slots: VNode[] = [];
  const plain: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === 'object') {
      plain[name] = `\uE000${slots.length}\uE001`;
      slots.push(value);
    } else plain[name] = typeof value === 'string' ? value.replace(/[\uE000\uE001]/g, '') : value;
  }
  // split with a capturing group: text, slot index, text, slot index, ..., text.
  return t(key, plain)
    .split(/\uE000(\d+)\uE001/)
    .map((part, i) => (i % 2 ? slots[Number(part)] : part));
}
