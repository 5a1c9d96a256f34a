import type { Migration } from './migration';

/**
 * Issue 18: names in both languages. Contacts and projects keep their English name in its column and the other
 * languages as JSON (`{"zh":{"name":"..."}}`, domain/names.ts); null when a record has none. Sides, pillars, the
 * mechanism's own name, milestones and indicators live in JSON columns already and carry theirs there.
 */
export const translations: Migration = {
  name: '0007-translations',
  async up(db) {
    await db.schema.alterTable('contacts').addColumn('translations', 'text').execute();
    await db.schema.alterTable('projects').addColumn('translations', 'text').execute();
  },
};
