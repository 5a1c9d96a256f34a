import { records } from './0001-records';
import { outbox } from './0002-outbox';
import { contactCalendars } from './0003-contact-calendars';
import { security } from './0004-security';
import { intake } from './0005-intake';
import { outboxLease } from './0006-outbox-lease';
import { translations } from './0007-translations';
import { userLanguage } from './0008-user-language';
import type { Migration } from './migration';

export type { Migration } from './migration';

/**
 * Every migration, in the order they run. Append new ones at the end (one file each, e.g. the
 * outbox's `0002-outbox.ts`); never reorder, rename or edit one that has shipped.
 */
export const migrations: Migration[] = [
  records,
  outbox,
  contactCalendars,
  security,
  intake,
  outboxLease,
  translations,
  userLanguage,
];
