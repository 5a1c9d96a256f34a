import type { Kysely } from 'kysely';
import type { Database } from './schema';
import { toIso } from './steps';

/** One line of the audit trail: who did what, when, to which record. */
export interface AuditEntry {
  seq: number;
  at: string;
  /** A user id, `token:<id>`, `owner:<contact id>`, `system` or `import`. */
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  details?: unknown;
}

/** Filter of `audit.list`; all optional, newest first. */
export interface AuditFilter {
  actor?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  since?: string | Date;
  limit?: number;
}

/** The append-only audit trail: there is deliberately no update or delete. */
export function createAuditLog(db: Kysely<Database>) {
  return {
    /** Appends an entry (in the given transaction when one is passed). */
    async append(
      entry: {
        actor: string;
        action: string;
        entityType: string;
        entityId: string;
        details?: unknown;
        at?: string | Date;
      },
      trx: Kysely<Database> = db,
    ): Promise<void> {
      await trx
        .insertInto('audit_log')
        .values({
          at: toIso(entry.at),
          actor: entry.actor,
          action: entry.action,
          entity_type: entry.entityType,
          entity_id: entry.entityId,
          details: entry.details === undefined ? null : JSON.stringify(entry.details),
        })
        .execute();
    },
    /** Entries matching the filter, newest first (default at most 500). */
    async list(filter: AuditFilter = {}): Promise<AuditEntry[]> {
      let q = db.selectFrom('audit_log').selectAll();
      if (filter.actor) q = q.where('actor', '=', filter.actor);
      if (filter.action) q = q.where('action', '=', filter.action);
      if (filter.entityType) q = q.where('entity_type', '=', filter.entityType);
      if (filter.entityId) q = q.where('entity_id', '=', filter.entityId);
      if (filter.since) q = q.where('at', '>=', toIso(filter.since));
      const rows = await q
        .orderBy('seq', 'desc')
        .limit(Math.min(filter.limit ?? 500, 10_000))
        .execute();
      return rows.map((r) => ({
        seq: Number(r.seq),
        at: r.at,
        actor: r.actor,
        action: r.action,
        entityType: r.entity_type,
        entityId: r.entity_id,
        ...(r.details !== null && { details: JSON.parse(r.details) as unknown }),
      }));
    },
  };
}

/** The audit log's interface. */
export type AuditLog = ReturnType<typeof createAuditLog>;
