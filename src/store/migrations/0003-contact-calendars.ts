import type { Migration } from './migration';

/** Issue 19: a contact may keep a calendar other than their side's (the calendars themselves live in the mechanism's data). */
export const contactCalendars: Migration = {
  name: '0003-contact-calendars',
  async up(db) {
    await db.schema.alterTable('contacts').addColumn('calendar', 'text').execute();
  },
};
