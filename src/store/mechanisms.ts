import type { Kysely } from 'kysely';
import { Contact, Mechanism, withoutLineSeparators } from '../domain';
import type { ContactsTable, Database } from './schema';

/** Maps a contacts row back to the domain Contact. */
export function contactFromRow(r: ContactsTable): Contact {
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    language: r.language as Contact['language'],
    ...(r.organisation !== null && { organisation: r.organisation }),
    ...(r.side !== null && { side: r.side }),
    ...(r.time_zone !== null && { timeZone: r.time_zone }),
    ...(r.calendar !== null && r.calendar !== undefined && { calendar: r.calendar }),
    ...(r.translations !== null && r.translations !== undefined && { translations: JSON.parse(r.translations) }),
  };
}

/** Reads mechanisms and their contacts. Writes go through the mechanism file import. */
export function createMechanismRepository(db: Kysely<Database>) {
  // Parsed mechanisms by id, with the `updated_at` they were read at (it also moves when a contact changes). Every
  // email and most pages read the whole mechanism: with 1,000 contacts, reading and checking them each time
  // cost more than the rest of sending an email.
  const parsed = new Map<string, { updatedAt: string; mechanism: Mechanism }>();
  return {
    /** The mechanism with its contacts, or undefined. The object is shared between callers: do not change it. */
    async get(id: string): Promise<Mechanism | undefined> {
      const row = await db.selectFrom('mechanisms').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) return undefined;
      const known = parsed.get(id);
      if (known?.updatedAt === row.updated_at) return known.mechanism;
      const contacts = await db
        .selectFrom('contacts')
        .selectAll()
        .where('mechanism_id', '=', id)
        .orderBy('id')
        .execute();
      // Names stored before imports refused line separators (U+2028...) read with a space instead, so they stay readable.
      const mechanism = Mechanism.parse(
        withoutLineSeparators({ ...JSON.parse(row.data), contacts: contacts.map(contactFromRow) }),
      );
      parsed.set(id, { updatedAt: row.updated_at, mechanism });
      return mechanism;
    },
    /** Ids and names of all mechanisms, by id. */
    async list(): Promise<{ id: string; name: string; timeZone: string }[]> {
      const rows = await db.selectFrom('mechanisms').select(['id', 'name', 'time_zone']).orderBy('id').execute();
      return rows.map((r) => ({ id: r.id, name: r.name, timeZone: r.time_zone }));
    },
    /** True when no mechanism exists yet (a fresh database: `npm start` loads the demo then). */
    async isEmpty(): Promise<boolean> {
      return (await db.selectFrom('mechanisms').select('id').limit(1).executeTakeFirst()) === undefined;
    },
    /** One contact of a mechanism, or undefined. */
    async getContact(mechanismId: string, contactId: string): Promise<Contact | undefined> {
      const r = await db
        .selectFrom('contacts')
        .selectAll()
        .where('mechanism_id', '=', mechanismId)
        .where('id', '=', contactId)
        .executeTakeFirst();
      return r && contactFromRow(r);
    },
    /** All contacts of a mechanism, by id. */
    async listContacts(mechanismId: string): Promise<Contact[]> {
      const rows = await db
        .selectFrom('contacts')
        .selectAll()
        .where('mechanism_id', '=', mechanismId)
        .orderBy('id')
        .execute();
      return rows.map(contactFromRow);
    },
  };
}

/** The mechanism repository's interface. */
export type MechanismRepository = ReturnType<typeof createMechanismRepository>;
