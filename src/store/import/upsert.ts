import type { Kysely } from 'kysely';
import { mergeCalendarYears, WorkCalendar, type Contact, type Mechanism, type Project } from '../../domain';
import { type ProjectColumns, projectToColumns } from '../projects';
import type { ContactsTable, Database } from '../schema';

/** How many records an import created, changed, and found already as they are. */
export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
}

/** Adds b's counts to a's. */
export function addCounts(a: ImportCounts, b: ImportCounts): ImportCounts {
  return { created: a.created + b.created, updated: a.updated + b.updated, unchanged: a.unchanged + b.unchanged };
}

type AuditWrite = (
  trx: Kysely<Database>,
  action: string,
  entityType: string,
  entityId: string,
  details?: unknown,
) => Promise<void>;

/** Fields that differ between two rows (for the audit entry); empty when nothing changed. */
function changedFields<T extends object>(before: T, after: T): string[] {
  return (Object.keys(after) as (keyof T)[]).filter((k) => before[k] !== after[k]).map(String);
}

/**
 * The file's calendars merged into the stored ones year by year: a year the file has replaces the stored year whole,
 * years only in the store (imported from iCalendar) are kept, and so are calendars the file no longer names.
 */
function keepImportedYears(stored: WorkCalendar[] | undefined, incoming: WorkCalendar[]): WorkCalendar[] {
  if (!stored || stored.length === 0) return incoming;
  const byId = new Map(stored.map((c) => [c.id, WorkCalendar.parse(c)]));
  for (const c of incoming) {
    const before = byId.get(c.id);
    byId.set(c.id, before ? mergeCalendarYears(before, c) : c);
  }
  return [...byId.values()];
}

/** Inserts or updates the mechanism row itself; never touches the row when nothing changed. */
export async function upsertMechanismRow(
  trx: Kysely<Database>,
  m: Mechanism,
  at: string,
  audit: AuditWrite,
): Promise<ImportCounts> {
  const row = await trx
    .selectFrom('mechanisms')
    .select(['name', 'time_zone', 'data'])
    .where('id', '=', m.id)
    .executeTakeFirst();
  const { contacts: _contacts, ...rest } = {
    ...m,
    calendars: keepImportedYears(row && (JSON.parse(row.data) as Partial<Mechanism>).calendars, m.calendars),
  };
  const next = { name: m.name, time_zone: m.timeZone, data: JSON.stringify(rest) };
  if (!row) {
    await trx
      .insertInto('mechanisms')
      .values({ id: m.id, ...next, created_at: at, updated_at: at })
      .execute();
    await audit(trx, 'mechanism.created', 'mechanism', m.id);
    return { created: 1, updated: 0, unchanged: 0 };
  }
  const fields = changedFields(row, next);
  if (fields.length === 0) return { created: 0, updated: 0, unchanged: 1 };
  await trx
    .updateTable('mechanisms')
    .set({ ...next, updated_at: at })
    .where('id', '=', m.id)
    .execute();
  await audit(trx, 'mechanism.updated', 'mechanism', m.id, { fields });
  return { created: 0, updated: 1, unchanged: 0 };
}

/** Upserts contacts by (mechanism, id). Contacts missing from the input are kept: history is never deleted. */
export async function upsertContacts(
  trx: Kysely<Database>,
  mechanismId: string,
  contacts: Contact[],
  at: string,
  audit: AuditWrite,
): Promise<ImportCounts> {
  const existing = new Map(
    (await trx.selectFrom('contacts').selectAll().where('mechanism_id', '=', mechanismId).execute()).map((r) => [
      r.id,
      r,
    ]),
  );
  const counts: ImportCounts = { created: 0, updated: 0, unchanged: 0 };
  for (const c of contacts) {
    const next: Omit<ContactsTable, 'mechanism_id' | 'id' | 'created_at' | 'updated_at'> = {
      name: c.name,
      email: c.email,
      organisation: c.organisation ?? null,
      side: c.side ?? null,
      language: c.language,
      time_zone: c.timeZone ?? null,
      calendar: c.calendar ?? null,
      translations: c.translations ? JSON.stringify(c.translations) : null,
    };
    const row = existing.get(c.id);
    if (!row) {
      await trx
        .insertInto('contacts')
        .values({ mechanism_id: mechanismId, id: c.id, ...next, created_at: at, updated_at: at })
        .execute();
      await audit(trx, 'contact.created', 'contact', `${mechanismId}/${c.id}`);
      counts.created++;
      continue;
    }
    const fields = changedFields(row, next);
    if (fields.length === 0) {
      counts.unchanged++;
      continue;
    }
    await trx
      .updateTable('contacts')
      .set({ ...next, updated_at: at })
      .where('mechanism_id', '=', mechanismId)
      .where('id', '=', c.id)
      .execute();
    await audit(trx, 'contact.updated', 'contact', `${mechanismId}/${c.id}`, { fields });
    counts.updated++;
  }
  // The mechanism's `updated_at` covers its contacts: readers keep a parsed mechanism until it moves.
  if (counts.created + counts.updated > 0)
    await trx.updateTable('mechanisms').set({ updated_at: at }).where('id', '=', mechanismId).execute();
  return counts;
}

/** Upserts projects by (mechanism, id). Projects missing from the input are kept. */
export async function upsertProjects(
  trx: Kysely<Database>,
  mechanismId: string,
  projects: Project[],
  at: string,
  audit: AuditWrite,
): Promise<ImportCounts> {
  const existing = new Map(
    (await trx.selectFrom('projects').selectAll().where('mechanism_id', '=', mechanismId).execute()).map((r) => [
      r.id,
      r,
    ]),
  );
  const counts: ImportCounts = { created: 0, updated: 0, unchanged: 0 };
  for (const p of projects) {
    const next: ProjectColumns = projectToColumns(mechanismId, p);
    const row = existing.get(p.id);
    if (!row) {
      await trx
        .insertInto('projects')
        .values({ ...next, created_at: at, updated_at: at })
        .execute();
      await audit(trx, 'project.created', 'project', `${mechanismId}/${p.id}`);
      counts.created++;
      continue;
    }
    const fields = changedFields(row as ProjectColumns, next);
    if (fields.length === 0) {
      counts.unchanged++;
      continue;
    }
    await trx
      .updateTable('projects')
      .set({ ...next, updated_at: at })
      .where('mechanism_id', '=', mechanismId)
      .where('id', '=', p.id)
      .execute();
    await audit(trx, 'project.updated', 'project', `${mechanismId}/${p.id}`, { fields });
    counts.updated++;
  }
  return counts;
}

/** An audit writer for imports, attributing entries to `actor`. */
export function importAudit(actor: string, at: string): AuditWrite {
  return async (trx, action, entityType, entityId, details) => {
    await trx
      .insertInto('audit_log')
      .values({
        at,
        actor,
        action,
        entity_type: entityType,
        entity_id: entityId,
        details: details === undefined ? null : JSON.stringify(details),
      })
      .execute();
  };
}
