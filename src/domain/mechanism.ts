import { z } from 'zod';
import { Translations } from './names';
import { CyclePolicy } from './policy';
import { email, isoDate, Language, singleLine, slug } from './text';
import { isValidTimeZone } from './time-zone';
import { WorkCalendar } from './work-calendar';

/** An IANA time zone name such as `Africa/Maseru`. */
export const TimeZone = z.string().refine(isValidTimeZone, 'must be an IANA time zone such as Africa/Maseru');

/** A person or role address the service writes to. Personal data: never in workflow ids or search attributes. */
export const Contact = z.object({
  id: slug,
  name: singleLine(120),
  email,
  organisation: singleLine(200).optional(),
  /** Which side of the mechanism the contact belongs to (a side id). */
  side: slug.optional(),
  language: Language.default('en'),
  /** The contact's own time zone; emails go out at a sensible local hour there. Defaults to the mechanism's. */
  timeZone: TimeZone.optional(),
  /** The id of the calendar this contact keeps, when it is not their side's (e.g. a Chinese counterpart in Beijing). */
  calendar: slug.optional(),
  /** The title (`name`) and organisation in other languages (names.ts). */
  translations: Translations.optional(),
});
export type Contact = z.infer<typeof Contact>;

/** One party to the mechanism (e.g. Lesotho, China) and its secretariat contacts. */
export const Side = z.object({
  id: slug,
  name: singleLine(120),
  /** Contact ids of this side's secretariat officers. */
  secretariat: z.array(slug).min(1),
  /** Contact id of the co-chair who signs the minutes. */
  chair: slug.optional(),
  /** The id of the calendar this side keeps (`ls`, `cn`: bundled in calendars/; or one in the mechanism's `calendars`). */
  calendar: slug.optional(),
  /** Where this side's people mostly work, for the session date check. Default: the mechanism's zone. */
  timeZone: TimeZone.optional(),
  /** The name in other languages (names.ts). */
  translations: Translations.optional(),
});
export type Side = z.infer<typeof Side>;

export const Pillar = z.object({ id: slug, name: singleLine(120), translations: Translations.optional() });
export type Pillar = z.infer<typeof Pillar>;

export const Holiday = z.object({ date: isoDate, name: singleLine(120) });
export type Holiday = z.infer<typeof Holiday>;

/** One coordination body: its sides, contacts, calendar and cycle policy. */
export const Mechanism = z.object({
  id: slug,
  name: singleLine(200),
  timeZone: TimeZone,
  languages: z.array(Language).min(1).default(['en']),
  sides: z.array(Side).min(1).max(10),
  pillars: z.array(Pillar).min(1),
  contacts: z.array(Contact),
  /** The mechanism's own public holidays: the calendar of anyone whose side has none. */
  holidays: z.array(Holiday).default([]),
  /** The calendars the sides and contacts keep, by id (filled from calendars/ when the mechanism file names one). */
  calendars: z.array(WorkCalendar).max(20).default([]),
  policy: CyclePolicy.prefault({}),
  /** Default venue of sessions. */
  venue: singleLine(200).optional(),
  /** The mechanism's name in other languages (names.ts). */
  translations: Translations.optional(),
});
export type Mechanism = z.infer<typeof Mechanism>;

/** The calendar id a contact keeps: their own, else their side's; undefined means the mechanism's holidays. */
export function calendarIdOf(
  mechanism: Pick<Mechanism, 'sides'>,
  contact: Pick<Contact, 'calendar' | 'side'> | undefined,
): string | undefined {
  if (!contact) return undefined;
  return contact.calendar ?? mechanism.sides.find((s) => s.id === contact.side)?.calendar;
}
