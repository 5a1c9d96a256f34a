/**
 * Who is calling: a bearer API token (automation) or a secretariat session cookie (pages). Tokens and cookies are
 * checked against the store; only hashes of tokens are stored, and the cookie is HMAC-signed with a server secret.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../store';
import { ApiError } from './errors';

/** The caller of a request, as written in the audit trail and passed to workflows (`grantedBy`). */
export interface Caller {
  /** `token:<name>` or `user:<email>`. */
  actor: string;
  userId?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
  }
}

/** Name of the secretariat session cookie. */
export const SESSION_COOKIE = 'coord_session';
/** Sessions last a working day. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

const sign = (secret: string, value: string) => createHmac('sha256', secret).update(value).digest('base64url');
const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** A signed session cookie value for a user, valid until `expiresAt`; `nonce` ties the CSRF token to this login. */
export function sessionCookie(secret: string, userId: string, expiresAt: Date): string {
  const body = Buffer.from(JSON.stringify({ u: userId, e: expiresAt.getTime(), n: randomBytes(12).toString('base64url') })).toString('base64url');
  return `${body}.${sign(secret, body)}`;
}

/** The session in a cookie when its signature holds and it has not expired. */
export function readSession(secret: string, cookie: string | undefined, now: Date): { userId: string; nonce: string } | undefined {
  if (!cookie || cookie.length > 1000) return undefined;
  const [body, sig] = cookie.split('.');
  if (!body || !sig || !same(sig, sign(secret, body))) return undefined;
  try {
    const s = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { u: string; e: number; n: string };
    return s.e > now.getTime() ? { userId: s.u, nonce: s.n } : undefined;
  } catch {
    return undefined;
  }
}

/** The CSRF token of a session: forms carry it, and a POST without the matching token is refused. */
export const csrfToken = (secret: string, nonce: string): string => sign(secret, `csrf:${nonce}`);

/** True when the submitted CSRF token belongs to the session. */
export const csrfValid = (secret: string, nonce: string, submitted: unknown): boolean =>
  typeof submitted === 'string' && same(submitted, csrfToken(secret, nonce));

/** A preHandler that admits only requests with a valid, unrevoked bearer token (401 otherwise). */
export function requireBearer(store: Store, now: () => Date) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const header = request.headers.authorization;
    const m = typeof header === 'string' ? /^Bearer\s+(\S{1,200})$/i.exec(header) : null;
    if (!m) throw new ApiError(401, 'unauthorized', 'an API token is required: Authorization: Bearer <token>');
    const token = await store.apiTokens.resolve(m[1], now());
    if (!token) throw new ApiError(401, 'unauthorized', 'the API token is unknown or revoked');
    request.caller = { actor: `token:${token.name}`, ...(token.userId && { userId: token.userId }) };
  };
}
