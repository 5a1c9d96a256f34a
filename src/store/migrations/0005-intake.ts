import type { Migration } from './migration';

/**
 * The intake of issue 15: every submission is written here before its sender gets an answer, then delivered to the
 * project's workflow by key. One row per (mechanism, quarter, project, key): a retried request with the same key
 * finds its row.
 */
export const intake: Migration = {
  name: '0005-intake',
  async up(db) {
    await db.schema
      .createTable('intake')
      .addColumn('mechanism_id', 'text', (c) => c.notNull())
      .addColumn('quarter', 'text', (c) => c.notNull())
      .addColumn('project_id', 'text', (c) => c.notNull())
      // The sender's idempotency key (form field, `Idempotency-Key` header, or generated): also the update id.
      .addColumn('key', 'text', (c) => c.notNull())
      // SubmitUpdateInput as JSON (the Submission and who submitted it).
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('based_on_revision', 'integer')
      .addColumn('received_at', 'text', (c) => c.notNull())
      // pending (recorded, not yet applied) | applied | refused
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('revision', 'integer')
      .addColumn('late', 'integer')
      .addColumn('applied_at', 'text')
      .addColumn('refusal_code', 'text')
      .addColumn('refusal_message', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('intake_pk', ['mechanism_id', 'quarter', 'project_id', 'key'])
      .execute();
    await db.schema.createIndex('intake_status_next').on('intake').columns(['status', 'next_attempt_at']).execute();
    await db.schema
      .createIndex('intake_cycle_status')
      .on('intake')
      .columns(['mechanism_id', 'quarter', 'status'])
      .execute();
  },
};
