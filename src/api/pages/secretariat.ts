/**
 * The secretariat's pages behind a login: dashboard, cycle page with its actions, documents, portfolio and the
 * mailbox. Sessions are server-side (see web-sessions.ts); every POST, the sign-in form's included, carries the
 * session's CSRF token; login attempts are rate limited per address. Observers see the pages but cannot act;
 * the mailbox is for admins. Actions go to the workflows exactly as the API's do.
 */
import fs from 'node:fs';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { describeCycleOpening, isoQuarter, nameIn, slug, type Language, type SubmissionState } from '../../domain';
import type { User } from '../../store';
import { materialiseOwnerLinks } from '../../store/owner-links';
import { endUserAccess } from '../../store';
import { callerFromSession, type Scope, userActor } from '../access';
import type { RouteDeps } from '../context';
import { contentTypes, documentFile, downloadName } from '../documents';
import { ApiError } from '../errors';
import { installPageErrorHandler } from './page-errors';
import {
  askedLanguage,
  chosenLanguage,
  keepChosenLanguage,
  pageLanguage,
  userLanguage,
  phaseKey,
  projectStatusKey,
  stateKey,
  switchAddress,
  type PageLanguage,
} from './language';
import { html, page, written, type Safe } from './html';
import { cycleActions } from './cycle-actions';
import { cyclePage } from './cycle-page';
import { onBehalfRoutes } from './on-behalf';
import { downloadLinks, exportPages } from './exports';
import { portfolioTrends, trendPages } from './trends';

/** Options of the secretariat pages. */
export interface SecretariatOptions {
  loginRateLimit: number;
  loginAccountLimit: number;
}

/** The window of the per-account limit of failed sign-ins. */
const ACCOUNT_WINDOW_MS = 15 * 60 * 1000;

/** What a logged-in page handler gets. */
export interface PageSession {
  user: User;
  csrf: string;
  nav: Safe;
  /** False for observers: pages leave out the forms they could only be refused. */
  canAct: boolean;
  /** The page's language (the switch, the user's setting, the browser's) and its translator. */
  language: Language;
  t: PageLanguage['t'];
  /** What `page()` needs to mark the page's language and draw the switch. */
  chrome: { language: Language; t: PageLanguage['t']; url: string };
}

/** The secretariat's routes. */
export function secretariatRoutes(deps: RouteDeps, options: SecretariatOptions): FastifyPluginAsync {
  return async (app) => {
    const outbox = deps.store.outbox;
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
    installPageErrorHandler(app);
    app.addHook('onRequest', async (request, reply) => keepChosenLanguage(request, reply));
    const send = (reply: FastifyReply, status: number, body: string) =>
      reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);

    // Every POST of these pages (sign-in and logout included) must carry the session's CSRF token: checked before
    // anything else, so a forged form changes nothing.
    app.addHook('preHandler', (request, reply, done) =>
      request.method === 'POST' ? app.csrfProtection(request, reply, done) : done(),
    );

    /**
     * The signed-in user of the request when the role allows `scope` (read by default): a redirect to /login when
     * nobody is signed in, 403 when the user may not.
     */
    async function session(
      request: FastifyRequest,
      reply: FastifyReply,
      scope: Scope = 'read',
    ): Promise<PageSession | undefined> {
      const signedIn = await callerFromSession(deps.store, request);
      if (!signedIn) {
        await reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
        return undefined;
      }
      const { user, caller } = signedIn;
      request.caller = caller;
      // The switch's choice becomes the user's setting, so that it follows them to another browser.
      const asked = askedLanguage(request);
      if (asked && asked !== user.language) await deps.store.users.setLanguage(user.id, asked);
      const { language, t } = userLanguage(request, asked ?? user.language);
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
      const nav = html`<nav><a href="/">${t('page.nav.dashboard')}</a>${caller.scopes.includes('admin') ? html` · <a href="/mailbox">${t('page.nav.mailbox')}</a>` : ''} · <a href="/docs">API</a></nav>
<form method="post" action="/logout" class="inline" style="margin-left:auto"><input type="hidden" name="csrf" value="${csrf}"><button class="secondary">${t('page.nav.logOut')} ${written(user.name, language)}</button></form>`;
      return {
        user,
        csrf,
        nav,
        canAct: caller.scopes.includes('write'),
        language,
        t,
        chrome: { language, t, url: switchAddress(request) },
      };
    }
    /** A POST's session: the user must be allowed to act (the CSRF token was checked by the hook above). */
    const postSession = (request: FastifyRequest, reply: FastifyReply) => session(request, reply, 'write');

    /** The sign-in page in the reader's language (the switch, then the browser's). */
    const loginPage = (request: FastifyRequest, csrf: string, next: string, error?: 'tooMany' | 'wrong') => {
      const { language, t } = pageLanguage(request);
      const alert = error && (error === 'tooMany' ? t('page.login.tooMany') : t('page.login.wrong'));
      return page(
        t('page.login.title'),
        html`<h1>${t('page.login.heading')}</h1>${alert ? html`<div class="alert" role="alert">${alert}</div>` : ''}
<form method="post" action="/login" class="card" style="max-width:24rem"><input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="next" value="${next}">
<label for="email">${t('page.login.email')}</label><input id="email" name="email" type="email" autocomplete="username" maxlength="254" required>
<label for="password">${t('page.login.password')}</label><input id="password" name="password" type="password" autocomplete="current-password" maxlength="200" required>
<button type="submit">${t('page.login.submit')}</button></form>`,
        undefined,
        { language, t, url: switchAddress(request) },
      );
    };
    const safeNext = (n: unknown) =>
      typeof n === 'string' && /^\/(?!\/)[\w\-/.%:?=&+]*$/.test(n) && n.length < 300 ? n : '/';

    app.get(
      '/login',
      {
        schema: { querystring: z.object({ next: z.string().max(300).optional(), lang: z.string().max(8).optional() }) },
      },
      async (request, reply) =>
        send(
          reply,
          200,
          loginPage(request, await reply.generateCsrf(), safeNext((request.query as { next?: string }).next)),
        ),
    );
    app.post(
      '/login',
      { config: { rateLimit: { max: options.loginRateLimit, timeWindow: '1 minute' } } },
      async (request, reply) => {
        const body = (request.body ?? {}) as Record<string, unknown>;
        const email = typeof body.email === 'string' ? body.email.slice(0, 254) : '';
        const password = typeof body.password === 'string' ? body.password.slice(0, 200) : '';
        const account = email.trim().toLowerCase();
        if (account && accountBlocked(account)) {
          return send(reply, 429, loginPage(request, await reply.generateCsrf(), safeNext(body.next), 'tooMany'));
        }
        const user = email && password ? await deps.store.users.authenticate(email, password) : undefined;
        if (!user && account) accountFailed(account);
        if (user) failures.delete(account);
        if (!user)
          return send(reply, 401, loginPage(request, await reply.generateCsrf(), safeNext(body.next), 'wrong'));
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
    app.post('/logout', async (request, reply) => {
      const s = await session(request, reply);
      if (!s) return reply;
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

    app.get('/', async (request, reply) => {
      const s = await session(request, reply);
      if (!s) return reply;
      const { t, language } = s;
      const mechanisms = await deps.store.mechanisms.list();
      const blocks = await Promise.all(
        mechanisms.map(async (m) => {
          const cycles = await deps.store.cycles.list(m.id);
          const rows = await Promise.all(
            cycles.slice(0, 4).map(async (c) => {
              // The records answer (the activities keep them current): the dashboard asks no workflow, so it stays
              // fast however many projects are being chased and whether or not a worker is up.
              const states = await deps.store.cycles.listProjectStates(m.id, c.quarter);
              const counts: Record<string, number> = {};
              for (const p of states) counts[p.state] = (counts[p.state] ?? 0) + 1;
              return html`<tr><td><a href="/mechanisms/${m.id}/cycles/${c.quarter}">${c.quarter}</a></td><td><span class="state">${t(phaseKey(c.phase))}</span></td>
<td>${Object.entries(counts).map(([st, n]) => html`<span class="state state-${st}">${t('page.stateCount', { n, state: t(stateKey(st as SubmissionState)) })}</span> `)}</td><td>${c.dueDate ?? ''}</td></tr>`;
            }),
          );
          const named = (await deps.store.mechanisms.get(m.id)) ?? m;
          return html`<section class="card"><h2>${nameIn(named, 'name', language)} <small>(${m.id})</small></h2>
<p><a href="/mechanisms/${m.id}/portfolio">${t('page.dashboard.portfolio')}</a></p>
<table><thead><tr><th>${t('page.dashboard.quarter')}</th><th>${t('page.dashboard.phase')}</th><th>${t('page.dashboard.updates')}</th><th>${t('page.dashboard.due')}</th></tr></thead><tbody>${rows.length ? rows : html`<tr><td colspan="4">${t('page.dashboard.noCycle')}</td></tr>`}</tbody></table>
${
  s.canAct
    ? html`<form method="post" action="/mechanisms/${m.id}/cycles" class="row" style="align-items:end"><input type="hidden" name="csrf" value="${s.csrf}">
<div><label for="quarter-${m.id}">${t('page.dashboard.openLabel')}</label><input id="quarter-${m.id}" name="quarter" placeholder="2026-Q1" maxlength="7"></div><div><button type="submit">${t('page.dashboard.open')}</button></div></form>`
    : ''
}</section>`;
        }),
      );
      return send(
        reply,
        200,
        page(t('page.dashboard.title'), html`<h1>${t('page.dashboard.title')}</h1>${blocks}`, s.nav, s.chrome),
      );
    });

    app.post(
      '/mechanisms/:mechanismId/cycles',
      { schema: { params: z.object({ mechanismId: slug }) } },
      async (request, reply) => {
        if (!(await postSession(request, reply))) return reply;
        const { mechanismId } = request.params as { mechanismId: string };
        const q = isoQuarter.safeParse(String((request.body as Record<string, unknown>).quarter ?? '').trim());
        if (!q.success)
          throw new ApiError(400, 'invalid-input', 'quarter: must be a quarter like 2026-Q1', [
            { field: 'quarter', message: 'must be a quarter like 2026-Q1' },
          ]);
        if (!(await deps.store.mechanisms.get(mechanismId)))
          throw new ApiError(404, 'not-found', `mechanism ${mechanismId} not found`);
        const mechanism = (await deps.store.mechanisms.get(mechanismId))!;
        const started = await deps.cycles.start(mechanismId, q.data);
        // The same rule as the API and `coord cycle start`: say whether it waits for its quarter or catches up one.
        const notice = started.started
          ? describeCycleOpening(mechanism, q.data, deps.now().toISOString()).notice
          : `The cycle of ${q.data} already exists.`;
        return reply.redirect(
          `/mechanisms/${mechanismId}/cycles/${q.data}?done=${encodeURIComponent(notice.slice(0, 200))}`,
          303,
        );
      },
    );

    await app.register(cyclePage(deps, session));
    await app.register(cycleActions(deps, postSession));
    await app.register(onBehalfRoutes(deps, session, postSession));
    await app.register(exportPages(deps, session));
    await app.register(trendPages(deps, session));

    app.get(
      '/mechanisms/:mechanismId/portfolio',
      { schema: { params: z.object({ mechanismId: slug }) } },
      async (request, reply) => {
        const s = await session(request, reply);
        if (!s) return reply;
        const { mechanismId } = request.params as { mechanismId: string };
        const m = await deps.store.mechanisms.get(mechanismId);
        if (!m) throw new ApiError(404, 'not-found', `mechanism ${mechanismId} not found`);
        const projects = await deps.store.projects.list(mechanismId);
        const trends = await portfolioTrends(deps.store, m, projects, s);
        const { t, language } = s;
        const contact = (id?: string) => m.contacts.find((c) => c.id === id);
        const name = (id?: string) => {
          const c = contact(id);
          return c ? nameIn(c, 'name', language) : (id ?? '');
        };
        const pillar = (id: string) => {
          const p = m.pillars.find((x) => x.id === id);
          return p ? nameIn(p, 'name', language) : id;
        };
        const title = t('page.portfolio.title', { mechanism: nameIn(m, 'name', language) });
        return send(
          reply,
          200,
          page(
            title,
            html`<h1>${title}</h1>${downloadLinks(`/mechanisms/${m.id}/portfolio/export`, t)}<table><thead><tr><th>${t('page.portfolio.project')}</th><th>${t('page.portfolio.pillar')}</th><th>${t('page.portfolio.owner')}</th><th>${t('page.portfolio.status')}</th><th>${t('page.portfolio.plannedEnd')}</th></tr></thead><tbody>
${projects.map((p) => html`<tr><td><a href="/mechanisms/${m.id}/projects/${p.id}">${nameIn(p, 'title', language)}</a></td><td>${pillar(p.pillar)}</td><td>${name(p.owner)}</td><td>${t(projectStatusKey(p.status))}</td><td>${p.plannedEnd ?? ''}</td></tr>`)}</tbody></table>${trends}`,
            s.nav,
            s.chrome,
          ),
        );
      },
    );

    app.get(
      '/documents/:documentId',
      { schema: { params: z.object({ documentId: z.string().min(1).max(200) }) } },
      async (request, reply) => {
        const s = await session(request, reply);
        if (!s) return reply;
        const doc = await deps.store.documents.get((request.params as { documentId: string }).documentId);
        const file = doc && documentFile(deps.config.dataDir, doc);
        if (!doc || !file) throw new ApiError(404, 'not-found', 'document not found');
        return reply
          .header('content-type', contentTypes[doc.format])
          .header('content-disposition', `attachment; filename="${downloadName(doc)}"`)
          .send(fs.createReadStream(file));
      },
    );

    app.get('/mailbox', async (request, reply) => {
      const s = await session(request, reply, 'admin');
      if (!s) return reply;
      const messages = await outbox.list({ limit: 200 });
      // Stored emails hold placeholder links. Only without SMTP (this page is then the only way an owner's link is
      // seen) does the page show the working links, and only to administrators (the page is theirs).
      const shown = (text: string) => (deps.config.SMTP_URL ? text : materialiseOwnerLinks(text, deps.linkSecret));
      return send(
        reply,
        200,
        page(
          s.t('page.mailbox.title'),
          html`<h1>${s.t('page.mailbox.title')}</h1><p>${deps.config.SMTP_URL ? s.t('page.mailbox.smtp') : s.t('page.mailbox.local')}</p>
<table><thead><tr><th>${s.t('page.mailbox.when')}</th><th>${s.t('page.mailbox.to')}</th><th>${s.t('page.mailbox.subject')}</th><th>${s.t('page.mailbox.kind')}</th><th>${s.t('page.mailbox.status')}</th></tr></thead><tbody>
${messages.map((m) => html`<tr><td>${m.createdAt.slice(0, 16).replace('T', ' ')}</td><td>${m.toName} &lt;${m.toAddress}&gt;</td><td><details><summary>${m.subject}</summary><pre style="white-space:pre-wrap">${shown(m.text)}</pre></details></td><td>${m.kind}</td><td>${m.status}</td></tr>`)}</tbody></table>`,
          s.nav,
          s.chrome,
        ),
      );
    });
  };
}
