/**
 * Who is calling and what they may do. Callers are secretariat users signed in with a session (pages) or API
 * tokens (automation). Users have a role, tokens a scope; both come down to a set of scopes that every route
 * checks: `read` (see everything), `write` (run cycles: open, extend, waive, reassign, convene, record, close),
 * `admin` (schedules, the outbox and the mailbox, users and tokens).
 */
import type { FastifyRequest } from 'fastify';
import type { Store, TokenScope, User, UserRole } from '../store';
import { ApiError } from './errors';

/** What a route may require. */
export type Scope = 'read' | 'write' | 'admin';

/** The roles of users, from most to least powerful. */
export const USER_ROLES = ['admin', 'secretariat', 'observer'] as const satisfies readonly UserRole[];

/** What each role may do: observers (e.g. the other side's embassy staff) only watch. */
const ROLE_SCOPES: Record<UserRole, readonly Scope[]> = {
  admin: ['read', 'write', 'admin'],
  secretariat: ['read', 'write'],
  observer: ['read'],
};

/** What a token's scope allows at most; a token bound to a user never exceeds that user's role. */
const TOKEN_SCOPES: Record<TokenScope, readonly Scope[]> = { read: ['read'], write: ['read', 'write', 'admin'] };
/** A token bound to no user (made by an operator for a script) can read and run cycles, never administer. */
const UNBOUND_TOKEN: readonly Scope[] = ['read', 'write'];

/** The caller of a request, as written in the audit trail and passed to workflows (`grantedBy`). */
export interface Caller {
  /** `user:<id>` or `token:<id>`: ids only (workflow histories and the audit trail carry no personal data). */
  actor: string;
  userId?: string;
  scopes: readonly Scope[];
  via: 'session' | 'token';
}

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
  }
}

/** The scopes a user's role grants. */
export const scopesOf = (role: UserRole): readonly Scope[] => ROLE_SCOPES[role] ?? [];

/** The actor string of a user, as the audit trail and the workflows record it: the user's id, never the email address. */
export const userActor = (user: Pick<User, 'id'>): string => `user:${user.id}`;

/** The caller of a signed-in, enabled user. */
export function userCaller(user: User): Caller {
  return { actor: userActor(user), userId: user.id, scopes: scopesOf(user.role), via: 'session' };
}

/**
 * The caller behind an `Authorization: Bearer` header: undefined without the header, 401 when the token is
 * unknown, revoked or expired, or its user is disabled.
 */
export async function callerFromBearer(store: Store, header: unknown, now: Date): Promise<Caller | undefined> {
  if (header === undefined) return undefined;
  const m = typeof header === 'string' ? /^Bearer\s+(\S{1,200})$/i.exec(header) : null;
  if (!m) throw new ApiError(401, 'unauthorized', 'an API token is required: Authorization: Bearer <token>');
  const token = await store.apiTokens.resolve(m[1], now);
  if (!token) throw new ApiError(401, 'unauthorized', 'the API token is unknown, revoked or expired');
  let allowed = UNBOUND_TOKEN;
  if (token.userId) {
    const user = await store.users.get(token.userId);
    if (!user || user.disabledAt)
      throw new ApiError(401, 'unauthorized', 'the API token is unknown, revoked or expired');
    allowed = scopesOf(user.role);
  }
  const scopes = TOKEN_SCOPES[token.scope].filter((s) => allowed.includes(s));
  return { actor: `token:${token.id}`, ...(token.userId && { userId: token.userId }), scopes, via: 'token' };
}

/** The caller behind the request's session cookie, when a user is signed in and still enabled. */
export async function callerFromSession(
  store: Store,
  request: FastifyRequest,
): Promise<{ caller: Caller; user: User } | undefined> {
  const userId = request.session?.userId;
  if (typeof userId !== 'string') return undefined;
  const user = await store.users.get(userId);
  if (!user || user.disabledAt) return undefined;
  return { caller: userCaller(user), user };
}

/**
 * Admits the request only when its caller (set by the API's or the pages' authentication) has `scope`: 401 without
 * a caller, 403 when the caller may not. Returns the caller. Use it in any route, e.g. `requireScope(request, 'read')`.
 */
export function requireScope(request: FastifyRequest, scope: Scope): Caller {
  const caller = request.caller;
  if (!caller) throw new ApiError(401, 'unauthorized', 'sign in, or send an API token: Authorization: Bearer <token>');
  if (!caller.scopes.includes(scope)) {
    throw new ApiError(
      403,
      'forbidden',
      scope === 'read'
        ? 'this account may not read this'
        : `this needs the ${scope} permission, which this ${caller.via === 'token' ? 'API token' : 'account'} does not have`,
    );
  }
  return caller;
}

/**
 * An onRequest hook that identifies the caller from a bearer token or, when `sessions` is true, a signed-in session
 * (the codec server and pages accept both). It runs before the body is parsed or validated, so a request without
 * credentials learns only that it needs them.
 */
export function identify(store: Store, now: () => Date, options: { sessions: boolean }) {
  return async (request: FastifyRequest): Promise<void> => {
    const fromToken = await callerFromBearer(store, request.headers.authorization, now());
    if (fromToken) request.caller = fromToken;
    else if (options.sessions) request.caller = (await callerFromSession(store, request))?.caller;
  };
}
