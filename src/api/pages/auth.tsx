/**
 * Signing in and out of the secretariat's pages. Sessions are server-side (web-sessions.ts); the sign-in form carries
 * the CSRF token like every POST; failed sign-ins are limited per address (rate limit) and per account.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { endUserAccess } from '../../store';
import { userActor } from '../access';
import type { RouteDeps } from '../context';
import { chosenLanguage, pageLanguage, switchAddress } from './language';
import { page } from './layout';
import { pageOf, sendPage } from './session';

/** Limits of failed sign-ins. */
export interface SignInLimits {
  loginRateLimit: number;
  loginAccountLimit: number;
}

/** The window of the per-account limit of failed sign-ins. */
const ACCOUNT_WINDOW_MS = 15 * 60 * 1000;

/** GET and POST /login, POST /logout. */
export function authPages(deps: RouteDeps, options: SignInLimits): FastifyPluginAsync {
  return async (app) => {
    // Failed sign-ins per account (from any address), so that guessing one officer's password from many addresses is
    // limited too. Kept in this instance's memory: with several web instances each counts its own (see README).
    const failures = new Map<string, { count: number; since: number }>();
    const accountBlocked = (email: string) => {
      const f = failures.get(email);
      if (f && Date.now() - f.since > ACCOUNT_WINDOW_MS) failures.delete(email);
      return (failures.get(email)?.count ?? 0) >= options.loginAccountLimit;
    };
    const accountFailed = (email: string) => {
      const f = failures.get(email) ?? { count: 0, since: Date.now() };
      f.count += 1;
      failures.set(email, f);
    };
    /** The sign-in page in the reader's language (the switch, then the browser's). */
    const loginPage = (request: FastifyRequest, csrf: string, next: string, error?: 'tooMany' | 'wrong') => {
      const { language, t } = pageLanguage(request);
      const alert = error && (error === 'tooMany' ? t('page.login.tooMany') : t('page.login.wrong'));
      return page(
        t('page.login.title'),
        <>
          <h1>{t('page.login.heading')}</h1>
          {alert && (
            <div class="alert" role="alert">
              {alert}
            </div>
          )}
          <form method="post" action="/login" class="card" style="max-width:24rem">
            <input type="hidden" name="csrf" value={csrf} />
            <input type="hidden" name="next" value={next} />
            <label for="email">{t('page.login.email')}</label>
            <input id="email" name="email" type="email" autocomplete="username" maxlength={254} required />
            <label for="password">{t('page.login.password')}</label>
            <input
              id="password"
              name="password"
              type="password"
              autocomplete="current-password"
              maxlength={200}
              required
            />
            <button type="submit">{t('page.login.submit')}</button>
          </form>
        </>,
        undefined,
        { language, t, url: switchAddress(request) },
      );
    };
    const safeNext = (n: unknown) =>
      typeof n === 'string' && /^\/(?!\/)[\w\-/.%:?=&+]*$/.test(n) && n.length < 300 ? n : '/';

    app.get(
      '/login',
      {
        config: { page: 'none' },
        schema: { querystring: z.object({ next: z.string().max(300).optional(), lang: z.string().max(8).optional() }) },
      },
      async (request, reply) =>
        sendPage(
          reply,
          200,
          loginPage(request, await reply.generateCsrf(), safeNext((request.query as { next?: string }).next)),
        ),
    );
    app.post(
      '/login',
      { config: { page: 'none', rateLimit: { max: options.loginRateLimit, timeWindow: '1 minute' } } },
      async (request, reply) => {
        const body = (request.body ?? {}) as Record<string, unknown>;
        const email = typeof body.email === 'string' ? body.email.slice(0, 254) : '';
        const password = typeof body.password === 'string' ? body.password.slice(0, 200) : '';
        const account = email.trim().toLowerCase();
        if (account && accountBlocked(account)) {
          return sendPage(reply, 429, loginPage(request, await reply.generateCsrf(), safeNext(body.next), 'tooMany'));
        }
        const user = email && password ? await deps.store.users.authenticate(email, password) : undefined;
        if (!user && account) accountFailed(account);
        if (user) failures.delete(account);
        if (!user)
          return sendPage(reply, 401, loginPage(request, await reply.generateCsrf(), safeNext(body.next), 'wrong'));
        // A new session id at sign-in: an id planted before (session fixation) is worth nothing afterwards.
        await request.session.regenerate();
        request.session.userId = user.id;
        // A language chosen on the sign-in page (the switch's cookie) becomes the setting of a user who has none.
        const chosen = chosenLanguage(request);
        if (chosen && !user.language) await deps.store.users.setLanguage(user.id, chosen);
        await deps.store.audit.append({
          actor: userActor(user),
          action: 'login',
          entityType: 'user',
          entityId: user.id,
          at: deps.now(),
        });
        return reply.redirect(safeNext(body.next), 303);
      },
    );
    // Observers sign out too: reading is enough.
    app.post('/logout', { config: { page: 'read' } }, async (request, reply) => {
      const s = pageOf(request);
      // Signing out signs out everywhere: every session and API token of the user ends now.
      const ended = await endUserAccess(deps.store, s.user.id, deps.now());
      await request.session.destroy();
      await deps.store.audit.append({
        actor: userActor(s.user),
        action: 'logout',
        entityType: 'user',
        entityId: s.user.id,
        details: ended,
        at: deps.now(),
      });
      return reply.redirect('/login', 303);
    });
  };
}
