/**
 * The secretariat's pages behind a login, one plugin per resource: sign-in (auth.ts), dashboard, the cycle page with
 * its actions, submitting on behalf, exports, portfolio and trends, documents and the mailbox. Three hooks serve them
 * all: the reader's language switch (its cookie), the CSRF check of every POST (the sign-in form's included), and the
 * one session hook (session.ts) that finds the signed-in officer and checks their role. Observers see the pages but
 * cannot act; the mailbox is for admins. Actions go to the workflows exactly as the API's do.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { RouteDeps } from '../context';
import { authPages, type SignInLimits } from './auth';
import { cycleActions } from './cycle-actions';
import { cyclePage } from './cycle-page';
import { dashboardPages } from './dashboard';
import { documentPages } from './document-download';
import { exportPages } from './exports';
import { keepChosenLanguage } from './language';
import { mailboxPages } from './mailbox';
import { onBehalfRoutes } from './on-behalf';
import { installPageErrorHandler } from './page-errors';
import { portfolioPages } from './portfolio';
import { pageSessionHook } from './session';
import { trendPages } from './trends';

export type { PageSession } from './session';

/** Options of the secretariat pages. */
export type SecretariatOptions = SignInLimits;

/** The secretariat's routes. */
export function secretariatRoutes(deps: RouteDeps, options: SecretariatOptions): FastifyPluginAsync {
  return async (app) => {
    installPageErrorHandler(app);
    app.addHook('onRequest', async (request, reply) => keepChosenLanguage(request, reply));
    // Every POST of these pages (sign-in and logout included) must carry the session's CSRF token: checked before
    // anything else, so a forged form changes nothing.
    app.addHook('preHandler', (request, reply, done) =>
      request.method === 'POST' ? app.csrfProtection(request, reply, done) : done(),
    );
    app.addHook('preHandler', pageSessionHook(deps));

    await app.register(authPages(deps, options));
    await app.register(dashboardPages(deps));
    await app.register(cyclePage(deps));
    await app.register(cycleActions(deps));
    await app.register(onBehalfRoutes(deps));
    await app.register(exportPages(deps));
    await app.register(portfolioPages(deps));
    await app.register(trendPages(deps));
    await app.register(documentPages(deps));
    await app.register(mailboxPages(deps));
  };
}
