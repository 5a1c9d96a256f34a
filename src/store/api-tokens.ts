import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ApiTokensTable, Database } from './schema';
import { hashToken, newToken } from './secrets';
import { toIso } from './steps';

/** What a token may do: `read` only reads; `write` also runs cycles (and, for an admin's token, schedules). */
export type TokenScope = 'read' | 'write';

/** An API token's metadata (the token itself is never stored). */
export interface ApiToken {
  id: string;
  name: string;
  userId?: string;
  scope: TokenScope;
  createdAt: string;
  /** After this instant the token no longer resolves; none means it lasts until revoked. */
  expiresAt?: string;
  lastUsedAt?: string;
  revokedAt?: string;
}

/** How precisely a token's last use is noted. */
const LAST_USED_RESOLUTION_MS = 60_000;

const meta = (r: ApiTokensTable): ApiToken => ({
  id: r.id,
  name: r.name,
  scope: r.scope as TokenScope,
  createdAt: r.created_at,
  ...(r.user_id !== null && { userId: r.user_id }),
  ...(r.expires_at !== null && { expiresAt: r.expires_at }),
  ...(r.last_used_at !== null && { lastUsedAt: r.last_used_at }),
  ...(r.revoked_at !== null && { revokedAt: r.revoked_at }),
});

/** Bearer tokens for automation; only their SHA-256 is stored. */
export function createApiTokenRepository(db: Kysely<Database>) {
  return {
    /** Creates a token and returns it once, in clear, with its id. */
    async create(input: {
      name: string;
      userId?: string;
      scope?: TokenScope;
      expiresAt?: string | Date;
      at?: string | Date;
    }): Promise<{ id: string; token: string }> {
      const token = newToken();
      const id = randomUUID();
      await db
        .insertInto('api_tokens')
        .values({
          id,
          name: input.name,
          token_hash: hashToken(token),
          user_id: input.userId ?? null,
          scope: input.scope ?? 'read',
          expires_at: input.expiresAt === undefined ? null : toIso(input.expiresAt),
          created_at: toIso(input.at),
          last_used_at: null,
          revoked_at: null,
        })
        .execute();
      return { id, token };
    },
    /**
     * The token's metadata when it is known, not revoked and not expired at `now`, else undefined. Notes its use to the minute: a busy
     * client does not turn every call into a database write.
     */
    async resolve(token: string, now?: string | Date): Promise<ApiToken | undefined> {
      const r = await db
        .selectFrom('api_tokens')
        .selectAll()
        .where('token_hash', '=', hashToken(token))
        .executeTakeFirst();
      const at = toIso(now);
      if (!r || r.revoked_at !== null || (r.expires_at !== null && r.expires_at <= at)) return undefined;
      const noted = r.last_used_at !== null && Date.parse(at) - Date.parse(r.last_used_at) < LAST_USED_RESOLUTION_MS;
      if (!noted) await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', r.id).execute();
      const lastUsedAt = noted ? (r.last_used_at as string) : at;
      return { ...meta(r), lastUsedAt };
    },
    /** Revokes a token; it never resolves again. */
    async revoke(id: string, at?: string | Date): Promise<void> {
      await db
        .updateTable('api_tokens')
        .set({ revoked_at: toIso(at) })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
    },
    /** Revokes every token issued to a user (logout, password change, disabling); returns how many. */
    async revokeForUser(userId: string, at?: string | Date): Promise<number> {
      const r = await db
        .updateTable('api_tokens')
        .set({ revoked_at: toIso(at) })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },
    /** All tokens' metadata, newest first. */
    async list(): Promise<ApiToken[]> {
      return (await db.selectFrom('api_tokens').selectAll().orderBy('created_at', 'desc').execute()).map(meta);
    },
  };
}

/** The API token repository's interface. */
export type ApiTokenRepository = ReturnType<typeof createApiTokenRepository>;
