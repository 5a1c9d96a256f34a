import type { Migration } from './migration';

/**
 * Issue 16: server-side web sessions (revocable, shared by every web instance), API token scopes and expiry.
 * Session ids are stored only as SHA-256 hashes, like tokens: a dump of the database opens no session.
 */
export const security: Migration = {
  name: '0004-security',
  async up(db) {
    await db.schema
      .createTable('web_sessions')
      .addColumn('sid_hash', 'text', (c) => c.primaryKey())
      // Null until someone signs in with the session (the sign-in form's CSRF secret lives in it before that).
      .addColumn('user_id', 'text')
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('web_sessions_user').on('web_sessions').column('user_id').execute();
    await db.schema.createIndex('web_sessions_expiry').on('web_sessions').column('expires_at').execute();
    // Tokens made before scopes existed could do everything the API offered: they keep `write`.
    await db.schema
      .alterTable('api_tokens')
      .addColumn('scope', 'text', (c) => c.notNull().defaultTo('write'))
      .execute();
    await db.schema.alterTable('api_tokens').addColumn('expires_at', 'text').execute();
  },
};
