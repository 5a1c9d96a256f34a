import type { Migration } from './migration';

/** The records tables of issue 4 (everything but the outbox). */
export const records: Migration = {
  name: '0001-records',
  async up(db, dialect) {
    const s = db.schema;
    await s
      .createTable('mechanisms')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('time_zone', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await s
      .createTable('contacts')
      .addColumn('mechanism_id', 'text', (c) => c.notNull().references('mechanisms.id'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('organisation', 'text')
      .addColumn('side', 'text')
      .addColumn('language', 'text', (c) => c.notNull())
      .addColumn('time_zone', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('contacts_pk', ['mechanism_id', 'id'])
      .execute();

    await s
      .createTable('projects')
      .addColumn('mechanism_id', 'text', (c) => c.notNull().references('mechanisms.id'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('pillar', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('supervisor_id', 'text')
      .addColumn('focal_points', 'text', (c) => c.notNull())
      .addColumn('planned_start', 'text')
      .addColumn('planned_end', 'text')
      .addColumn('actual_start', 'text')
      .addColumn('actual_end', 'text')
      .addColumn('budget', 'text')
      .addColumn('milestones', 'text', (c) => c.notNull())
      .addColumn('indicators', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('projects_pk', ['mechanism_id', 'id'])
      .execute();

    await s
      .createTable('cycles')
      .addColumn('mechanism_id', 'text', (c) => c.notNull().references('mechanisms.id'))
      .addColumn('quarter', 'text', (c) => c.notNull())
      .addColumn('workflow_id', 'text', (c) => c.notNull())
      .addColumn('phase', 'text', (c) => c.notNull())
      .addColumn('opened_at', 'text', (c) => c.notNull())
      .addColumn('closed_at', 'text')
      .addColumn('due_date', 'text')
      .addColumn('cutoff_at', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('cycles_pk', ['mechanism_id', 'quarter'])
      .execute();

    await s
      .createTable('cycle_projects')
      .addColumn('mechanism_id', 'text', (c) => c.notNull())
      .addColumn('quarter', 'text', (c) => c.notNull())
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('last_send_at', 'text')
      .addColumn('next_send_at', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('cycle_projects_pk', ['mechanism_id', 'quarter', 'project_id'])
      .execute();

    await s
      .createTable('submissions')
      .addColumn('mechanism_id', 'text', (c) => c.notNull())
      .addColumn('quarter', 'text', (c) => c.notNull())
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('submitted_by', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('late', 'integer', (c) => c.notNull())
      .addColumn('workflow_id', 'text', (c) => c.notNull())
      .addColumn('step', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('submissions_pk', ['mechanism_id', 'quarter', 'project_id', 'revision'])
      .addUniqueConstraint('submissions_step_uq', ['workflow_id', 'step'])
      .execute();

    await s
      .createTable('documents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('mechanism_id', 'text', (c) => c.notNull())
      .addColumn('quarter', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('format', 'text', (c) => c.notNull())
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('bytes', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('documents_version_uq', ['mechanism_id', 'quarter', 'kind', 'version', 'format'])
      .execute();

    await s
      .createTable('sessions')
      .addColumn('mechanism_id', 'text', (c) => c.notNull())
      .addColumn('quarter', 'text', (c) => c.notNull())
      .addColumn('sequence', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('starts_at', 'text', (c) => c.notNull())
      .addColumn('duration_minutes', 'integer', (c) => c.notNull())
      .addColumn('venue', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('record', 'text')
      .addPrimaryKeyConstraint('sessions_pk', ['mechanism_id', 'quarter'])
      .execute();

    await s
      .createTable('session_attendees')
      .addColumn('mechanism_id', 'text', (c) => c.notNull())
      .addColumn('quarter', 'text', (c) => c.notNull())
      .addColumn('contact_id', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('present', 'integer')
      .addPrimaryKeyConstraint('session_attendees_pk', ['mechanism_id', 'quarter', 'contact_id'])
      .execute();

    await s
      .createTable('decisions')
      .addColumn('mechanism_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('quarter', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('projects', 'text', (c) => c.notNull())
      .addColumn('recorded_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('decisions_pk', ['mechanism_id', 'id'])
      .execute();

    await s
      .createTable('action_items')
      .addColumn('mechanism_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('quarter', 'text', (c) => c.notNull())
      .addColumn('decision_id', 'text')
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('side', 'text')
      .addColumn('due_date', 'text', (c) => c.notNull())
      .addColumn('projects', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('completed_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('action_items_pk', ['mechanism_id', 'id'])
      .execute();
    await s
      .createIndex('action_items_owner_ix')
      .on('action_items')
      .columns(['mechanism_id', 'owner_id', 'state'])
      .execute();

    await s
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('disabled_at', 'text')
      .execute();

    await s
      .createTable('api_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('user_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_used_at', 'text')
      .addColumn('revoked_at', 'text')
      .execute();

    await s
      .createTable('owner_links')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('mechanism_id', 'text', (c) => c.notNull())
      .addColumn('quarter', 'text', (c) => c.notNull())
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('contact_id', 'text', (c) => c.notNull())
      .addColumn('issued_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await s.createIndex('owner_links_cycle_ix').on('owner_links').columns(['mechanism_id', 'quarter']).execute();

    // Append-only: a growing integer gives a stable order even when two entries share a timestamp.
    await s
      .createTable('audit_log')
      .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
        dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('entity_type', 'text', (c) => c.notNull())
      .addColumn('entity_id', 'text', (c) => c.notNull())
      .addColumn('details', 'text')
      .execute();
    await s.createIndex('audit_log_entity_ix').on('audit_log').columns(['entity_type', 'entity_id']).execute();

    await s
      .createTable('workflow_steps')
      .addColumn('workflow_id', 'text', (c) => c.notNull())
      .addColumn('step', 'text', (c) => c.notNull())
      .addColumn('result', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('workflow_steps_pk', ['workflow_id', 'step'])
      .execute();
  },
};
