import type { Kysely } from 'kysely';
import { groupCommit } from './group-commit';
import type { Database } from './schema';
import { deriveLinkToken, hashToken, newToken } from './secrets';
import { toIso } from './steps';

/**
 * Stored emails carry a placeholder `/u/~<link id>` that opens nothing; the working link `/u/<token>` is derived from
 * the server's link secret only when the email is sent (or shown to an administrator on the local mailbox page).
 */
export const linkPlaceholder = (linkId: string): string => `~${linkId}`;

const PLACEHOLDER = /\/u\/~([A-Za-z0-9_-]{16,64})/g;

/** The text with every placeholder link replaced by the working link. */
export function materialiseOwnerLinks(text: string, secret: string): string {
  return text.replace(PLACEHOLDER, (_m, id: string) => `/u/${deriveLinkToken(secret, id)}`);
}

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
  const write = groupCommit(db);
  /** Stores a link under its token's hash (never the token itself); group-committed with concurrent writes (emails being written). */
  const insertLink = (
    token: string,
    input: Omit<OwnerLinkBinding, 'expiresAt'> & { expiresAt: string | Date; at?: string | Date },
  ) =>
    write((trx) =>
      trx
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
        .execute(),
    );
  return {
    /** Issues a new link token bound to (mechanism, quarter, project, contact) until `expiresAt`; returns the raw token. */
    async issue(
      input: Omit<OwnerLinkBinding, 'expiresAt'> & { expiresAt: string | Date; at?: string | Date },
    ): Promise<string> {
      const token = newToken();
      await insertLink(token, input);
      return token;
    },
    /**
     * Issues a link whose token is derived from `secret` and a new random link id (see deriveLinkToken): the email
     * stored in the outbox carries only the id, and the token is derived again when the email is sent.
     */
    async issueDerived(
      input: Omit<OwnerLinkBinding, 'expiresAt'> & { expiresAt: string | Date; secret: string; at?: string | Date },
    ): Promise<{ linkId: string; token: string }> {
      const linkId = newToken().slice(0, 22);
      const token = deriveLinkToken(input.secret, linkId);
      await insertLink(token, input);
      return { linkId, token };
    },
    /**
     * Ends the links of one project's update at `at`: all of them (`except` unset: the update was waived), or all but
     * the current owner's (after a reassignment, the previous owner's links stop working at once). Returns how many.
     */
    async revokeForUpdate(
      mechanismId: string,
      quarter: string,
      projectId: string,
      options: { except?: string; at?: string | Date } = {},
    ): Promise<number> {
      const when = toIso(options.at);
      let q = db
        .updateTable('owner_links')
        .set({ expires_at: when })
        .where('mechanism_id', '=', mechanismId)
        .where('quarter', '=', quarter)
        .where('project_id', '=', projectId)
        .where('expires_at', '>', when);
      if (options.except !== undefined) q = q.where('contact_id', '!=', options.except);
      return Number((await q.executeTakeFirst()).numUpdatedRows);
    },
    /** The binding of a raw token, or undefined when unknown or expired at `now`. */
    async resolve(token: string, now?: string | Date): Promise<OwnerLinkBinding | undefined> {
      if (typeof token !== 'string' || token.length === 0 || token.length > 200) return undefined;
      const r = await db
        .selectFrom('owner_links')
        .selectAll()
        .where('token_hash', '=', hashToken(token))
        .executeTakeFirst();
      if (!r || r.expires_at <= toIso(now)) return undefined;
      return {
        mechanismId: r.mechanism_id,
        quarter: r.quarter,
        projectId: r.project_id,
        contactId: r.contact_id,
        expiresAt: r.expires_at,
      };
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
