/**
 * What the update form's words and times depend on (issue 18): the page's language and translator, and the zone its
 * times are shown in (the owner's for the owner's form). Dates and times use the documents' formats, so a page, a
 * report and the minutes write a Chinese date the same way (2027年3月19日).
 */
import type { Contact, Language, Mechanism } from '../../domain';
import { formatDate, formatInstant } from '../../documents/format';
import type { PageLanguage } from './language';

/** A page's language, its translator and the time zone its times are shown in. */
export interface FormLocale extends PageLanguage {
  timeZone: string;
}

/** The zone an owner reads times in: their own, else their side's, else the mechanism's (as their emails do). */
export function ownerTimeZone(mechanism: Mechanism, contact: Contact | undefined): string {
  const side = mechanism.sides.find((s) => s.id === contact?.side);
  return contact?.timeZone ?? side?.timeZone ?? mechanism.timeZone;
}

/**
 * A calendar date as the page's language writes it: Chinese 2027年3月19日; English keeps the ISO date the pages have
 * always shown (2027-03-19). Missing dates read "—".
 */
export function dateShown(date: string | undefined, language: Language): string {
  if (!date) return '—';
  return language === 'en' ? date : formatDate(date, language);
}

/** An instant in the locale's zone, the zone named: "1 March 2027, 14:00 (Africa/Maseru)", "2027年3月1日 14:00（Asia/Shanghai）". */
export const timeShown = (instant: string, locale: FormLocale): string =>
  formatInstant(instant, locale.timeZone, true, locale.language);
