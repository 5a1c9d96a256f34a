import { DateTime } from 'luxon';

/** A quarter of a calendar year, written `2026-Q1` (`isoQuarter` in text.ts checks the form). */
export type Quarter = string;

/** Year and quarter number (1-4) of a quarter string. */
export function parseQuarter(quarter: Quarter): { year: number; q: 1 | 2 | 3 | 4 } {
  const m = /^(\d{4})-Q([1-4])$/.exec(quarter);
  if (!m) throw new Error(`not a quarter: ${quarter}`);
  return { year: Number(m[1]), q: Number(m[2]) as 1 | 2 | 3 | 4 };
}

/** The quarter an instant falls in, in the given IANA time zone (a cycle opened on 1 April 00:30 in Maseru is Q2 even though it is still March in UTC). */
export function quarterOf(instant: Date | string, timeZone: string): Quarter {
  const dt = (typeof instant === 'string' ? DateTime.fromISO(instant) : DateTime.fromJSDate(instant)).setZone(timeZone);
  if (!dt.isValid) throw new Error(`invalid instant or time zone: ${String(instant)} ${timeZone}`);
  return `${dt.year}-Q${Math.floor((dt.month - 1) / 3) + 1}`;
}

/** The first local day of the quarter (`YYYY-MM-DD`). */
export function quarterStartDate(quarter: Quarter): string {
  const { year, q } = parseQuarter(quarter);
  return `${year}-${String((q - 1) * 3 + 1).padStart(2, '0')}-01`;
}

/** The quarter after this one. */
export function nextQuarter(quarter: Quarter): Quarter {
  const { year, q } = parseQuarter(quarter);
  return q === 4 ? `${year + 1}-Q1` : `${year}-Q${q + 1}`;
}

/** The quarter before this one. */
export function previousQuarter(quarter: Quarter): Quarter {
  const { year, q } = parseQuarter(quarter);
  return q === 1 ? `${year - 1}-Q4` : `${year}-Q${q - 1}`;
}
