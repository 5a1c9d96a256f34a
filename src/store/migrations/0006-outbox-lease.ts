import type { Migration } from './migration';

/**
 * The outbox lease of issue 15: a row being sent is `sending` until `lease_until`; only after that instant may
 * another attempt claim it. The sender renews the lease while its SMTP exchange lasts, so a slow relay never has a
 * row handed to a second attempt (two copies), and a crashed sender's row is taken over once its lease runs out.
 */
export const outboxLease: Migration = {
  name: '0006-outbox-lease',
  async up(db) {
    await db.schema.alterTable('outbox').addColumn('lease_until', 'text').execute();
  },
};
