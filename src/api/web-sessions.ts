/**
 * The secretariat's web sessions, on the maintained plugins: @fastify/cookie, @fastify/session with its sessions in
 * the application's database (server-side: shared by every web instance, and ended at once by logout, a password
 * change or disabling the user), and @fastify/csrf-protection keeping each form's CSRF secret in the session.
 */
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import session from '@fastify/session';
import type { FastifyInstance, FastifyRequest, Session } from 'fastify';
import type { Store } from '../store';

declare module 'fastify' {
  interface Session {
    /** Set once a user has signed in with this session. */
    userId?: string;
    /** The CSRF secret (@fastify/csrf-protection). */
    _csrf?: string;
  }
}

/** Name of the secretariat session cookie. */
export const SESSION_COOKIE = 'coord_session';
/** Sessions last a working day; signing in again makes a new one. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** Registers cookies, database-backed sessions and CSRF protection (`reply.generateCsrf()`, `app.csrfProtection`). */
export async function registerWebSessions(
  app: FastifyInstance,
  options: { store: Store; secret: string; secure: boolean; now: () => Date },
): Promise<void> {
  const { store, now } = options;
  await app.register(cookie);
  await app.register(session, {
    cookieName: SESSION_COOKIE,
    secret: options.secret,
    cookie: { path: '/', httpOnly: true, sameSite: 'lax', secure: options.secure, maxAge: SESSION_TTL_MS },
    // Nothing is stored for a visitor until a page puts something in the session (the sign-in form's CSRF secret).
    saveUninitialized: false,
    // The session ends a working day after sign-in, however active: no write on every request.
    rolling: false,
    store: {
      get(sessionId, callback) {
        store.webSessions
          .get(sessionId, now())
          .then((data) => callback(null, (data as Session | undefined) ?? null), callback);
      },
      set(sessionId, value, callback) {
        const data = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
        const at = now();
        store.webSessions
          .set(sessionId, data, value.userId, new Date(at.getTime() + SESSION_TTL_MS), at)
          .then(() => callback(), callback);
      },
      destroy(sessionId, callback) {
        store.webSessions.destroy(sessionId).then(() => callback(), callback);
      },
    },
  });
  await app.register(csrf, {
    sessionPlugin: '@fastify/session',
    // The pages' forms carry the token in a hidden field named `csrf`.
    getToken: (request: FastifyRequest) => {
      const body = request.body as Record<string, unknown> | undefined;
      return typeof body?.csrf === 'string' ? body.csrf : undefined;
    },
  });
}

/** True for the errors @fastify/csrf-protection answers a POST without a valid token with. */
export const isCsrfError = (err: { code?: string }): boolean =>
  err.code === 'FST_CSRF_INVALID_TOKEN' || err.code === 'FST_CSRF_MISSING_SECRET';
