import type { Migration } from './migration';

/**
 * Issue 18: each secretariat user's language for the pages (`en`, `zh`), null until they choose one (the browser's
 * `Accept-Language` decides then).
 */
export const userLanguage: Migration = {
  name: '0008-user-language',
  async up(db) {
    await db.schema.alterTable('users').addColumn('language', 'text').execute();
  },
};
