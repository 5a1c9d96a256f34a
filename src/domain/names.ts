import { z } from 'zod';
import { Language, singleLine } from './text';

/**
 * Names in more than one language. A record keeps its English name where it always did (`name`, `title`,
 * `organisation`: what `coord`, logs and every existing reader use) and its other languages beside it:
 *
 *     translations: { zh: { name: '中国—莱索托双边合作协调机制' } }
 *
 * A mechanism file may write either that, or the shorter `name: { en: ..., zh: ... }` (liftNames turns it into the
 * former), or a plain string as before. A language without a translation reads the English name.
 */
export const NAME_FIELDS = ['name', 'title', 'organisation'] as const;
export type NameField = (typeof NAME_FIELDS)[number];

/** The translated names of one record: language -> field -> text (English lives in the record's own fields). */
export const Translations = z.partialRecord(
  Language.exclude(['en']),
  z.partialRecord(z.enum(NAME_FIELDS), singleLine(200)),
);
export type Translations = z.infer<typeof Translations>;

/** A record that may carry translated names. */
export type Named = Partial<Record<NameField, string>> & { translations?: Translations };

/** The record's `field` in `language`: its translation when there is one, else the English text (or undefined). */
export function nameIn<T extends Named, F extends NameField & keyof T>(record: T, field: F, language: Language): T[F] {
  const translated = language === 'en' ? undefined : record.translations?.[language]?.[field];
  return (translated ?? record[field]) as T[F];
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * One record of a mechanism file with every `field: { en, zh }` turned into `field: en` plus `translations.zh.field`.
 * Values that are not objects (plain strings, mistakes) pass unchanged, so the schema reports them where they are.
 */
function liftRecord(record: unknown): unknown {
  if (!isPlainObject(record)) return record;
  let out: Record<string, unknown> | undefined;
  for (const field of NAME_FIELDS) {
    const value = record[field];
    if (!isPlainObject(value)) continue;
    out ??= { ...record, translations: isPlainObject(record.translations) ? { ...record.translations } : {} };
    const translations = out.translations as Record<string, Record<string, unknown>>;
    out[field] = value.en;
    for (const [language, text] of Object.entries(value)) {
      if (language === 'en') continue;
      translations[language] = {
        ...(isPlainObject(translations[language]) ? translations[language] : {}),
        [field]: text,
      };
    }
  }
  return out ?? record;
}

const liftAll = (list: unknown) => (Array.isArray(list) ? list.map(liftRecord) : list);

/**
 * A parsed mechanism file (YAML/JSON as plain data) with the `{ en, zh }` name shape lifted into `translations`
 * everywhere the file has names: the mechanism, its sides, pillars, contacts, projects, milestones and indicators.
 */
export function liftNames(file: unknown): unknown {
  const top = liftRecord(file);
  if (!isPlainObject(top)) return top;
  return {
    ...top,
    ...(top.sides !== undefined && { sides: liftAll(top.sides) }),
    ...(top.pillars !== undefined && { pillars: liftAll(top.pillars) }),
    ...(top.contacts !== undefined && { contacts: liftAll(top.contacts) }),
    ...(top.projects !== undefined && { projects: liftProjects(top.projects) }),
  };
}

/** Projects (mechanism file or portfolio) with their milestones' and indicators' names lifted too. */
export function liftProjects(projects: unknown): unknown {
  if (!Array.isArray(projects)) return projects;
  return projects.map((p) => {
    const lifted = liftRecord(p);
    if (!isPlainObject(lifted)) return lifted;
    return {
      ...lifted,
      ...(lifted.milestones !== undefined && { milestones: liftAll(lifted.milestones) }),
      ...(lifted.indicators !== undefined && { indicators: liftAll(lifted.indicators) }),
    };
  });
}
