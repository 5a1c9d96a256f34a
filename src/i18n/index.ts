import { IntlMessageFormat } from 'intl-messageformat';
import type { Language } from '../domain';
import en from './messages/en.json';
import ownerEn from './messages/owner.en.json';
import ownerZh from './messages/owner.zh.json';
import pagesEn from './messages/pages.en.json';
import pagesZh from './messages/pages.zh.json';
import zh from './messages/zh.json';

/**
 * The one message catalogue of the product (issue 18): every text a reader sees, by key, in each language, as ICU
 * messages (`{name}` placeholders, `{n, plural, one {...} other {...}}`, `{x, select, ...}`), formatted with FormatJS's
 * intl-messageformat. English is the reference; test/i18n/catalogue.test.ts fails when a language lacks a key or a
 * message's placeholders differ from the English one. A third language: README, "Languages".
 */
export type MessageKey = keyof typeof en | keyof typeof pagesEn | keyof typeof ownerEn;

/**
 * The messages of each language, one catalogue in three files: emails and documents in
 * src/i18n/messages/<language>.json, the secretariat's pages in pages.<language>.json (keys `page.*`), the owner's
 * form in owner.<language>.json (keys `owner.*`).
 */
export const catalogues: Record<Language, Record<string, string>> = {
  en: { ...en, ...pagesEn, ...ownerEn },
  zh: { ...zh, ...pagesZh, ...ownerZh },
};

/** A placeholder's value: text the reader typed or the product formatted, or a number for plurals. */
export type MessageValues = Record<string, string | number>;

const compiled = new Map<string, IntlMessageFormat>();

/** A message compiled once per language and key. Tags are off: `<name@example.org>` in a message is text. */
function format(language: Language, key: MessageKey): IntlMessageFormat {
  const id = `${language}\u0000${key}`;
  let f = compiled.get(id);
  if (!f) {
    const message = catalogues[language][key] ?? catalogues.en[key];
    if (message === undefined) throw new Error(`no message "${key}" in the catalogue`);
    f = new IntlMessageFormat(message, language, undefined, { ignoreTag: true });
    compiled.set(id, f);
  }
  return f;
}

/**
 * The message `key` in `language` with its placeholders filled. Values are inserted as they are (never parsed as
 * ICU), so a name with braces or quotes reads as written.
 */
export function translate(language: Language, key: MessageKey, values: MessageValues = {}): string {
  return String(format(language, key).format(values));
}

/** A translator for one language: `t('email.greeting', { name })`. */
export function translator(language: Language): (key: MessageKey, values?: MessageValues) => string {
  return (key, values) => translate(language, key, values);
}

type Ast = ReturnType<IntlMessageFormat['getAst']>;

/** The placeholder names a message uses (plural and select arguments included), sorted: for the catalogue test. */
export function placeholdersOf(message: string, language: Language): string[] {
  const names = new Set<string>();
  const walk = (ast: Ast) => {
    for (const el of ast) {
      // Type 0 is literal text; every other element with a string value names an argument.
      if ('value' in el && typeof el.value === 'string' && el.type !== 0) names.add(el.value);
      if ('options' in el)
        for (const option of Object.values(el.options as Record<string, { value: Ast }>)) walk(option.value);
      if ('children' in el) walk(el.children as Ast);
    }
  };
  walk(new IntlMessageFormat(message, language, undefined, { ignoreTag: true }).getAst());
  return [...names].sort();
}

/**
 * What is wrong with a set of catalogues, one line per problem (empty when none): a key English has and another
 * language lacks (or the reverse), a message that does not parse, placeholders that differ from the English message.
 */
export function catalogueProblems(all: Partial<Record<Language, Record<string, string>>>): string[] {
  const problems: string[] = [];
  const reference = all.en ?? {};
  const parsed = (language: Language, key: string, message: string): string[] | undefined => {
    try {
      return placeholdersOf(message, language);
    } catch (err) {
      problems.push(`${language}: "${key}" does not parse: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  };
  for (const [language, messages] of Object.entries(all) as [Language, Record<string, string>][]) {
    if (language === 'en') {
      for (const [key, message] of Object.entries(messages)) parsed('en', key, message);
      continue;
    }
    for (const key of Object.keys(reference))
      if (!(key in messages)) problems.push(`${language}: missing "${key}" (English has it)`);
    for (const [key, message] of Object.entries(messages)) {
      if (!(key in reference)) {
        problems.push(`${language}: "${key}" is not in the English catalogue`);
        continue;
      }
      const mine = parsed(language, key, message);
      let theirs: string[] | undefined;
      try {
        theirs = placeholdersOf(reference[key], 'en');
      } catch {
        theirs = undefined; // reported for English already
      }
      if (mine && theirs && mine.join(',') !== theirs.join(','))
        problems.push(`${language}: "${key}" uses {${mine.join(', ')}} where English uses {${theirs.join(', ')}}`);
    }
  }
  return problems;
}
