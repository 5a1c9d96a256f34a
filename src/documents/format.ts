/**
 * Words and formats the documents print: status labels, dates in the mechanism's time zone, names
 * of contacts, sides and pillars. Everything here is deterministic (fixed locale, no clock).
 */
import { DateTime } from 'luxon';
import { nameIn, type ActionItemState, type Language, type Mechanism, type SubmissionState } from '../domain';
import { translate } from '../i18n';
import { documentLanguages } from './languages';
import type { ProjectRecord, StatusKey } from './model';
import { cleanLine } from './text';

/** The label printed for each status. */
export const statusLabels: Record<StatusKey, string> = {
  'on-track': 'On track',
  'at-risk': 'At risk',
  'off-track': 'Off track',
  completed: 'Completed',
  'not-started': 'Not started',
  'no-update': 'No update received',
};

/** The label printed for each action item state. */
export const actionItemStateLabels: Record<ActionItemState, string> = {
  open: 'Open',
  overdue: 'Overdue',
  done: 'Done',
  cancelled: 'Cancelled',
};

/** The status a project is counted under: the owner's rating, or `no-update` without a submission. */
export function statusOf(record: ProjectRecord): StatusKey {
  return record.submission ? record.submission.status : 'no-update';
}

/** The label of a status in a language (message catalogue). */
export function statusLabelIn(key: StatusKey, language: Language): string {
  return translate(language, `document.status.${key}`);
}

/** The label of a submission state in a language (message catalogue). */
export function submissionStateIn(state: SubmissionState, language: Language): string {
  return translate(language, `document.submissionState.${state}`);
}

/** The label of an action item state in a language (message catalogue). */
export function actionItemStateIn(state: ActionItemState, language: Language): string {
  return translate(language, `document.actionState.${state}`);
}

function dateIn(dt: DateTime, language: Language): string {
  return translate(language, 'document.date', {
    day: dt.day,
    month: dt.month,
    year: dt.year,
  });
}

/** A calendar date `YYYY-MM-DD` as "5 March 2026" (Chinese: "2026年3月5日"); empty input gives an em dash. */
export function formatDate(date: string | undefined, language: Language = 'en'): string {
  if (!date) return '—';
  const dt = DateTime.fromISO(date, { zone: 'UTC' });
  return dt.isValid ? dateIn(dt, language) : cleanLine(date);
}

/** An instant as "5 March 2026, 10:00" (Chinese: "2026年3月5日 10:00") in the given zone, followed by the zone name. */
export function formatInstant(
  instant: string | undefined,
  timeZone: string,
  withZone = true,
  language: Language = 'en',
): string {
  if (!instant) return '—';
  const dt = DateTime.fromISO(instant, { setZone: true }).setZone(timeZone);
  if (!dt.isValid) return cleanLine(instant);
  if (!withZone) return `${dateIn(dt, language)}${language === 'en' ? ',' : ''} ${dt.toFormat('HH:mm')}`;
  return translate(language, 'document.time', {
    date: dateIn(dt, language),
    time: dt.toFormat('HH:mm'),
    zone: timeZone,
  });
}

/** Looks up names in one mechanism: unknown ids print as themselves, so a document never fails on a stale reference. */
export class Names {
  /** Names in `language` (a record without a translation reads its English name). */
  constructor(
    private readonly mechanism: Mechanism,
    readonly language: Language = 'en',
  ) {}

  /** The contact's name. */
  person(contactId: string | undefined): string {
    if (!contactId) return '—';
    const c = this.mechanism.contacts.find((x) => x.id === contactId);
    return cleanLine(c ? nameIn(c, 'name', this.language) : contactId);
  }

  /** The contact's organisation, when known. */
  organisation(contactId: string): string | undefined {
    const c = this.mechanism.contacts.find((x) => x.id === contactId);
    return c?.organisation ? cleanLine(nameIn(c, 'organisation', this.language)) : undefined;
  }

  /** The contact's name followed by their organisation in parentheses, when known. */
  personWithOrganisation(contactId: string): string {
    const organisation = this.organisation(contactId);
    const name = this.person(contactId);
    return organisation ? translate(this.language, 'document.personWithOrganisation', { name, organisation }) : name;
  }

  /** The contact, organisation and side name as separate columns. */
  contactColumns(contactId: string): { name: string; organisation: string; side: string } {
    const c = this.mechanism.contacts.find((x) => x.id === contactId);
    return {
      name: this.person(contactId),
      organisation: this.organisation(contactId) || '—',
      side: c?.side ? this.side(c.side) : '—',
    };
  }

  /** The side's name. */
  side(sideId: string | undefined): string {
    if (!sideId) return '—';
    const s = this.mechanism.sides.find((x) => x.id === sideId);
    return cleanLine(s ? nameIn(s, 'name', this.language) : sideId);
  }

  /** The pillar's name; projects filed under an unknown pillar are grouped as "Other projects". */
  pillar(pillarId: string): string {
    const p = this.mechanism.pillars.find((x) => x.id === pillarId);
    return cleanLine(p ? nameIn(p, 'name', this.language) : translate(this.language, 'document.otherProjects'));
  }

  /** The mechanism's name. */
  mechanismName(): string {
    return cleanLine(nameIn(this.mechanism, 'name', this.language));
  }
}

/** A number printed without trailing zeros and with thousands separators; missing numbers print as an em dash. */
export function formatNumber(n: number | undefined): string {
  if (n === undefined || Number.isNaN(n)) return '—';
  return n.toLocaleString('en-GB', { maximumFractionDigits: 2 });
}

/** Compares by a text key then by id, by code points, so that order never depends on the runtime's collation. */
export function byKey<T>(key: (t: T) => string, id: (t: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const ka = key(a).toLowerCase();
    const kb = key(b).toLowerCase();
    if (ka !== kb) return ka < kb ? -1 : 1;
    const ia = id(a);
    const ib = id(b);
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  };
}

/** The language a free text is written in, as far as its script tells: Chinese with any Han character, English with Latin letters. */
export function scriptLanguage(text: string): Language | undefined {
  if (/\p{Script=Han}/u.test(text)) return 'zh';
  if (/[A-Za-z]/.test(text)) return 'en';
  return undefined;
}

/**
 * Free text as written (never translated), followed by a mark naming its language when that is not `language`, the
 * language of the section it is printed in: "…清关。 [original in Chinese]" in the English text.
 */
export function asWritten(text: string, language: Language): string {
  return asWrittenFor(text, [language]);
}

/**
 * Free text printed once in a document read in every language of `documentLanguages`: as written, followed by a mark
 * in each other language naming the one it is written in ("…清关。 [original in Chinese]", "…on time. ［英文原文］").
 */
export function asWrittenOnce(text: string): string {
  return asWrittenFor(text, documentLanguages);
}

function asWrittenFor(text: string, readers: readonly Language[]): string {
  const written = scriptLanguage(text);
  if (!text || !written) return text;
  const marks = readers
    .filter((l) => l !== written)
    .map((l) => translate(l, 'document.originalLanguage', { language: written }));
  return [text, ...marks].join(' ');
}
