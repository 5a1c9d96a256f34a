import type { Language } from '../domain';

/**
 * The languages the agenda and minutes are written in, in print order. Both are always present: the minutes are
 * signed by both sides, and each side reads its own language (issue 18). A third language: README, "Languages".
 */
export const documentLanguages: readonly Language[] = ['en', 'zh'];
