import type { Kysely } from 'kysely';
import type { Database } from './schema';
import { hashToken, newToken } from './secrets';
import { toIso } from './steps';

/** What an owner's link is good for: one project's update in one cycle, for one contact. */
export interface OwnerLinkBinding {
  mechanismId: string;
  quarter: string;
  projectId: string;
  contactId: string;
  expiresAt: string;
}

/** Personal links in request emails. Only the token's SHA-256 is stored; the raw token is returned once and never logged. */
export function createOwnerLinkRepository(db: Kysely<Database>) {
  return {
    /** Issues a new link token bound to (mechanism, quarter, project, contact) until `expiresAt`; returns the raw token. */
    async issue(input: Omit<OwnerLinkBinding, 'expiresAt'> & { expiresAt: string | Date; at?: string | Date }): Promise<string> {
      const token = newToken();
      await db
        .insertInto('owner_links')
        .values({
          token_hash: hashToken(token),
          mechanism_id: input.mechanismId,
          quarter: input.quarter,
          project_id: input.projectId,
          contact_id: input.contactId,
          issued_at: toIso(input.at),
          expires_at: toIso(input.expiresAt),
        })
        .execute();
      return token;
    },
    /** The binding of a raw token, or undefined when unknown or expired at `now`. */
    async resolve(token: string, now?: string | Date): Promise<OwnerLinkBinding | undefined> {
      if (typeof token !== 'string' || token.length === 0 || token.length > 200) return undefined;
      const r = await db.selectFrom('owner_links').selectAll().where('token_hash', '=', hashToken(token)).executeTakeFirst();
      if (!r || r.expires_at <= toIso(now)) return undefined;
      return { mechanismId: r.mechanism_id, quarter: r.quarter, projectId: r.project_id, contactId: r.contact_id, expiresAt: r.expires_at };
    },
    /** Makes every link of a cycle expire at `at` (when collection closes), unless it already expires earlier. */
    async expireForCycle(mechanismId: string, quarter: string, at?: string | Date): Promise<number> {
      const when = toIso(at);
      const r = await db
        .updateTable('owner_links')
        .set({ expires_at: when })
        .where('mechanism_id', '=', mechanismId)
        .where('quarter', '=', quarter)
        .where('expires_at', '>', when)
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },
  };
}

/** The owner link repository's interface. */
export type OwnerLinkRepository = ReturnType<typeof createOwnerLinkRepository>;
