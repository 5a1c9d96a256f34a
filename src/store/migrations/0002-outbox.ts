import type { Migration } from './migration';

/** The email outbox of issue 6: one row per (workflow id, step, recipient), the unique key that makes every email go out at most once. */
export const outbox: Migration = {
  name: '0002-outbox',
  async up(db) {
    await db.schema
      .createTable('outbox')
      // 32 hex characters of SHA-256(workflowId|step|recipient): also the local part of the Message-ID.
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workflow_id', 'text', (c) => c.notNull())
      .addColumn('step', 'text', (c) => c.notNull())
      .addColumn('recipient_id', 'text', (c) => c.notNull())
      .addColumn('mechanism_id', 'text', (c) => c.notNull())
      .addColumn('quarter', 'text')
      .addColumn('project_id', 'text')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('to_name', 'text', (c) => c.notNull())
      .addColumn('to_address', 'text', (c) => c.notNull())
      .addColumn('language', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('text_body', 'text', (c) => c.notNull())
      .addColumn('html_body', 'text', (c) => c.notNull())
      .addColumn('ics', 'text')
      .addColumn('ics_method', 'text')
      .addColumn('attachments', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text', (c) => c.notNull().unique())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .addColumn('smtp_response', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'text')
      .addUniqueConstraint('outbox_step_recipient', ['workflow_id', 'step', 'recipient_id'])
      .execute();
    await db.schema
      .createIndex('outbox_mechanism_created')
      .on('outbox')
      .columns(['mechanism_id', 'created_at'])
      .execute();
    await db.schema.createIndex('outbox_status').on('outbox').columns(['status', 'updated_at']).execute();
  },
};
