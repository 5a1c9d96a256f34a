/**
 * Words and formats the documents print: status labels, dates in the mechanism's time zone, names
 * of contacts, sides and pillars. Everything here is deterministic (fixed locale, no clock).
 */
import { DateTime } from 'luxon';
import type { ActionItemState, Mechanism, SubmissionState } from '../domain';
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

/** The label printed for each submission state. */
export const submissionStateLabels: Record<SubmissionState, string> = {
  requested: 'Requested, no answer yet',
  reminded: 'Reminded, no answer yet',
  overdue: 'Overdue',
  escalated: 'Overdue, escalated',
  submitted: 'Submitted',
  waived: 'Waived by the secretariat',
  missing: 'Missing at cut-off',
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

/** A calendar date `YYYY-MM-DD` as "5 March 2026"; empty input gives an em dash. */
export function formatDate(date: string | undefined): string {
  if (!date) return '—';
  const dt = DateTime.fromISO(date, { zone: 'UTC' });
  return dt.isValid ? dt.setLocale('en-GB').toFormat('d MMMM yyyy') : cleanLine(date);
}

/** An instant as "5 March 2026, 10:00" in the given zone, followed by the zone name. */
export function formatInstant(instant: string | undefined, timeZone: string, withZone = true): string {
  if (!instant) return '—';
  const dt = DateTime.fromISO(instant, { setZone: true }).setZone(timeZone);
  if (!dt.isValid) return cleanLine(instant);
  return dt.setLocale('en-GB').toFormat('d MMMM yyyy, HH:mm') + (withZone ? ` (${timeZone})` : '');
}

/** Looks up names in one mechanism: unknown ids print as themselves, so a document never fails on a stale reference. */
export class Names {
  constructor(private readonly mechanism: Mechanism) {}

  /** The contact's name. */
  person(contactId: string | undefined): string {
    if (!contactId) return '—';
    const c = this.mechanism.contacts.find((x) => x.id === contactId);
    return cleanLine(c ? c.name : contactId);
  }

  /** The contact's name followed by their organisation in parentheses, when known. */
  personWithOrganisation(contactId: string): string {
    const c = this.mechanism.contacts.find((x) => x.id === contactId);
    if (!c) return cleanLine(contactId);
    return cleanLine(c.organisation ? `${c.name} (${c.organisation})` : c.name);
  }

  /** The contact, organisation and side name as separate columns. */
  contactColumns(contactId: string): { name: string; organisation: string; side: string } {
    const c = this.mechanism.contacts.find((x) => x.id === contactId);
    return {
      name: this.person(contactId),
      organisation: cleanLine(c?.organisation) || '—',
      side: c?.side ? this.side(c.side) : '—',
    };
  }

  /** The side's name. */
  side(sideId: string | undefined): string {
    if (!sideId) return '—';
    const s = this.mechanism.sides.find((x) => x.id === sideId);
    return cleanLine(s ? s.name : sideId);
  }

  /** The pillar's name; projects filed under an unknown pillar are grouped as "Other projects". */
  pillar(pillarId: string): string {
    const p = this.mechanism.pillars.find((x) => x.id === pillarId);
    return cleanLine(p ? p.name : 'Other projects');
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
