/**
 * The secretariat pages' one session hook: before every page handler it finds the signed-in officer, checks that
 * their role allows the route (read for a GET, write for a POST, or what the route's `config.page` names), and hands
 * the handler a PageSession (`pageOf(request)`): the user, the CSRF token for forms, the navigation, the page's
 * language. Nobody signed in: a redirect to the sign-in page; a role that may not: 403.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Language } from '../../domain';
import type { User } from '../../store';
import { callerFromSession, type Scope } from '../access';
import type { RouteDeps } from '../context';
import { ApiError } from '../errors';
import { written, type Markup, type PageChrome } from './layout';
import { askedLanguage, switchAddress, userLanguage, type PageLanguage } from './language';

/** What a signed-in page handler gets. */
export interface PageSession {
  user: User;
  csrf: string;
  nav: Markup;
  /** False for observers: pages leave out the forms they could only be refused. */
  canAct: boolean;
  /** The page's language (the switch, the user's setting, the browser's) and its translator. */
  language: Language;
  t: PageLanguage['t'];
  /** What `page()` needs to mark the page's language and draw the switch. */
  chrome: PageChrome;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in officer of a secretariat page (set by the session hook). */
    page?: PageSession;
  }
  interface FastifyContextConfig {
    /** What a secretariat route needs: `none` (sign-in), or a scope when it is not read for GET, write for POST. */
    page?: Scope | 'none';
  }
}

/** The session the hook found for this page route. */
export function pageOf(request: FastifyRequest): PageSession {
  if (!request.page)
    throw new Error(`no page session for ${request.method} ${request.url}: is the route a page route?`);
  return request.page;
}

/** The scope a route needs: its `config.page`, else read for a GET (or HEAD), write for anything else. */
function scopeOf(request: FastifyRequest): Scope | 'none' {
  const asked = (request.routeOptions.config as { page?: Scope | 'none' }).page;
  return asked ?? (request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'write');
}

/** The hook (a preHandler, after the CSRF check of POSTs) that sets `request.page` for the secretariat's routes. */
export function pageSessionHook(deps: RouteDeps) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const scope = scopeOf(request);
    if (scope === 'none') return;
    const signedIn = await callerFromSession(deps.store, request);
    if (!signedIn) {
      await reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
      return;
    }
    const { user, caller } = signedIn;
    request.caller = caller;
    // The switch's choice becomes the user's setting, so that it follows them to another browser.
    const asked = askedLanguage(request);
    if (asked && asked !== user.language) await deps.store.users.setLanguage(user.id, asked);
    const { language, t } = userLanguage(request, user.language);
    if (!caller.scopes.includes(scope)) {
      throw new ApiError(
        403,
        'forbidden',
        scope === 'admin'
          ? 'only an administrator may do this'
          : 'your account may only read: ask the secretariat to act',
      );
    }
    const csrf = await reply.generateCsrf();
    const nav = (
      <>
        <nav>
          <a href="/">{t('page.nav.dashboard')}</a>
          {caller.scopes.includes('admin') && (
            <>
              {' · '}
              <a href="/mailbox">{t('page.nav.mailbox')}</a>
            </>
          )}
          {' · '}
          <a href="/docs">API</a>
        </nav>
        <form method="post" action="/logout" class="inline" style="margin-left:auto">
          <input type="hidden" name="csrf" value={csrf} />
          <button class="secondary">
            {t('page.nav.logOut')} {written(user.name, language)}
          </button>
        </form>
      </>
    );
    request.page = {
      user,
      csrf,
      nav,
      canAct: caller.scopes.includes('write'),
      language,
      t,
      chrome: { language, t, url: switchAddress(request) },
    };
  };
}

/** Sends a page: HTML, never cached (it shows one officer's view). */
export const sendPage = (reply: FastifyReply, status: number, body: string) =>
  reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);
