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

/** A text in every document language on one line, for a heading or a table cell read by both sides: "Owner / 负责人". */
export function bilingual(text: (language: Language) => string): string {
  return oneLine(documentLanguages.map(text));
}

/** The texts of one thing in several languages on one line, each once, in the order given. */
export function oneLine(texts: string[]): string {
  return [...new Set(texts)].join(' / ');
}
