import type { Language } from '../domain';

/**
 * The languages the agenda and minutes are written in, in print order. Both are always present: the minutes are
 * signed by both sides, and each side reads its own language (issue 18). A third language: README, "Languages".
 */
export const documentLanguages: readonly Language[] = ['en', 'zh'];

/** A text in every document language, once each (a name without a translation is not repeated). */
export function inEvery(text: (language: Language) => string): string[] {
  return [...new Set(documentLanguages.map(text))];
}

/** How the languages of one text sit together: on one line (a heading, a label) or one per line (a table cell). */
export type LanguageSeparator = ' / ' | '\n';

/** A text in every document language, each once: "Owner / 负责人" on one line, or one language per line. */
export function bilingual(text: (language: Language) => string, separator: LanguageSeparator = ' / '): string {
  return joinLanguages(documentLanguages.map(text), separator);
}

/** The texts of one thing in several languages, each once, in the order given. */
export function joinLanguages(texts: string[], separator: LanguageSeparator = ' / '): string {
  return [...new Set(texts)].join(separator);
}
