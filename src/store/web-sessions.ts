import type { Kysely } from 'kysely';
import type { Database } from './schema';
import { hashToken } from './secrets';
import { toIso } from './steps';

/**
 * Secretariat web sessions, server-side: every web instance reads the same rows, and deleting a user's rows ends
 * that user's sessions everywhere at once. The session id (the secret in the cookie) is stored only as its SHA-256.
 */
export function createWebSessionRepository(db: Kysely<Database>) {
  return {
    /** The session's data when it exists and has not expired at `now`. */
    async get(sessionId: string, now: Date): Promise<Record<string, unknown> | undefined> {
      const r = await db
        .selectFrom('web_sessions')
        .select(['data', 'expires_at'])
        .where('sid_hash', '=', hashToken(sessionId))
        .executeTakeFirst();
      if (!r || r.expires_at <= now.toISOString()) return undefined;
      return JSON.parse(r.data) as Record<string, unknown>;
    },
    /** Creates or replaces a session; `userId` is what `endForUser` finds it by. Also forgets sessions expired before `now`. */
    async set(
      sessionId: string,
      data: Record<string, unknown>,
      userId: string | undefined,
      expiresAt: Date,
      now: Date,
    ): Promise<void> {
      const row = { data: JSON.stringify(data), user_id: userId ?? null, expires_at: expiresAt.toISOString() };
      await db
        .insertInto('web_sessions')
        .values({ sid_hash: hashToken(sessionId), ...row })
        .onConflict((oc) => oc.column('sid_hash').doUpdateSet(row))
        .execute();
      await db.deleteFrom('web_sessions').where('expires_at', '<=', now.toISOString()).execute();
    },
    /** Ends one session. */
    async destroy(sessionId: string): Promise<void> {
      await db.deleteFrom('web_sessions').where('sid_hash', '=', hashToken(sessionId)).execute();
    },
    /** Ends every session of a user (logout, password change, disabling); returns how many ended. */
    async endForUser(userId: string): Promise<number> {
      const r = await db.deleteFrom('web_sessions').where('user_id', '=', userId).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    /** How many live sessions a user has at `at` (for the CLI and tests). */
    async countForUser(userId: string, at?: string | Date): Promise<number> {
      const r = await db
        .selectFrom('web_sessions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', userId)
        .where('expires_at', '>', toIso(at))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
  };
}

/** The web session repository's interface. */
export type WebSessionRepository = ReturnType<typeof createWebSessionRepository>;
