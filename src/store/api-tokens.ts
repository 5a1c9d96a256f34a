import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './schema';
import { hashToken, newToken } from './secrets';
import { toIso } from './steps';

/** An API token's metadata (the token itself is never stored). */
export interface ApiToken {
  id: string;
  name: string;
  userId?: string;
  createdAt: string;
  lastUsedAt?: string;
  revokedAt?: string;
}

/** Bearer tokens for automation; only their SHA-256 is stored. */
/** How precisely a token's last use is noted. */
const LAST_USED_RESOLUTION_MS = 60_000;

export function createApiTokenRepository(db: Kysely<Database>) {
  return {
    /** Creates a token and returns it once, in clear, with its id. */
    async create(input: { name: string; userId?: string; at?: string | Date }): Promise<{ id: string; token: string }> {
      const token = newToken();
      const id = randomUUID();
      await db
        .insertInto('api_tokens')
        .values({ id, name: input.name, token_hash: hashToken(token), user_id: input.userId ?? null, created_at: toIso(input.at), last_used_at: null, revoked_at: null })
        .execute();
      return { id, token };
    },
    /**
     * The token's metadata when it is known and not revoked, else undefined. Notes its use to the minute: a busy
     * client does not turn every call into a database write.
     */
    async resolve(token: string, now?: string | Date): Promise<ApiToken | undefined> {
      const r = await db.selectFrom('api_tokens').selectAll().where('token_hash', '=', hashToken(token)).executeTakeFirst();
      if (!r || r.revoked_at !== null) return undefined;
      const at = toIso(now);
      const noted = r.last_used_at !== null && Date.parse(at) - Date.parse(r.last_used_at) < LAST_USED_RESOLUTION_MS;
      if (!noted) await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', r.id).execute();
      const lastUsedAt = noted ? (r.last_used_at as string) : at;
      return { id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt, ...(r.user_id !== null && { userId: r.user_id }) };
    },
    /** Revokes a token; it never resolves again. */
    async revoke(id: string, at?: string | Date): Promise<void> {
      await db.updateTable('api_tokens').set({ revoked_at: toIso(at) }).where('id', '=', id).where('revoked_at', 'is', null).execute();
    },
    /** All tokens' metadata, newest first. */
    async list(): Promise<ApiToken[]> {
      const rows = await db.selectFrom('api_tokens').selectAll().orderBy('created_at', 'desc').execute();
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        createdAt: r.created_at,
        ...(r.user_id !== null && { userId: r.user_id }),
        ...(r.last_used_at !== null && { lastUsedAt: r.last_used_at }),
        ...(r.revoked_at !== null && { revokedAt: r.revoked_at }),
      }));
    },
  };
}

/** The API token repository's interface. */
export type ApiTokenRepository = ReturnType<typeof createApiTokenRepository>;
