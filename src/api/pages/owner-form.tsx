/**
 * The owner's update form at the personal link `/u/{token}`. GET only shows (a mail scanner that follows the link
 * changes nothing); POST submits or amends until collection closes; `/u/{token}/extension` asks for more time.
 * The token is a capability: it is resolved against its stored hash, bound to one cycle, project and owner,
 * expires at close, and is never logged or echoed into anything but the form's own action URLs.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { nameIn, previousQuarter, settledStates } from '../../domain';
import type { OwnerLinkBinding } from '../../store';
import { hashToken } from '../../store/secrets';
import { requestExtension } from '../../workflows/messages';
import { decide } from '../commands';
import { LIVE_READ_WAIT_MS, within } from '../../temporal/bounded';
import { StaleSubmission } from '../intake';
import { submitUpdate, validIntakeKey } from '../submissions';
import type { RouteDeps } from '../context';
import { ApiError } from '../errors';
import { installPageErrorHandler } from './page-errors';
import { dateShown, ownerTimeZone, timeShown, type FormLocale } from './form-locale';
import { message, page, type Markup } from './layout';
import { keepChosenLanguage, pageLanguage, switchAddress, type PageLanguage } from './language';
import {
  baseRevisionField,
  conflictNotice,
  parseSubmissionForm,
  postedBaseRevision,
  submissionFields,
  valuesFromSubmission,
  type FormErrors,
  type FormProject,
  type FormValues,
} from './submission-form';

const TokenParams = z.object({ token: z.string().max(200) });

/**
 * How often the owner links may be tried. Failed look-ups (unknown or expired links: probing) count per client
 * address (behind a reverse proxy, the address TRUST_PROXY lets Fastify read from X-Forwarded-For), and an address
 * over its limit gets 429 for every link until the window ends; requests with a valid link count per link. So an
 * attacker probing links, or flooding one owner's link, never locks out owners elsewhere. Counted in this web
 * instance's memory (see README).
 */
export interface OwnerLinkLimits {
  /** Failed look-ups per client address per 15 minutes (default 30). */
  probesPerAddress: number;
  /** Requests per link per minute (default 20). */
  perLink: number;
}

export const DEFAULT_OWNER_LINK_LIMITS: OwnerLinkLimits = { probesPerAddress: 30, perLink: 20 };

/** What `page()` needs to mark the page's language and draw the switch (links to this same URL in each language). */
const chrome = (request: FastifyRequest, lang: PageLanguage) => ({
  language: lang.language,
  t: lang.t,
  url: switchAddress(request),
});

/** What the owner is told above the form: a receipt, an extension granted or asked for. */
const Notice = ({ children }: { children: Markup }) => (
  <div class="notice" role="status">
    {children}
  </div>
);
/** What went wrong, announced at once (a mistake, a refusal, a wait). */
const Alert = ({ children }: { children: Markup }) => (
  <div class="alert" role="alert">
    {children}
  </div>
);

/** The form that asks for more time: under the update form (with its heading), or again after a 429 (as typed). */
function ExtensionForm({
  action,
  t,
  days,
  heading,
}: {
  action: string;
  t: PageLanguage['t'];
  days: string;
  heading?: boolean;
}) {
  return (
    <form method="post" action={`${action}/extension`} class="card">
      {heading && <h2>{t('owner.extension.heading')}</h2>}
      <label for="days">{t('owner.extension.days')}</label>
      <input id="days" name="days" inputmode="numeric" value={days} />
      <button type="submit" class="secondary">
        {t('owner.extension.request')}
      </button>
    </form>
  );
}

/** The owner's form routes. */
export function ownerFormRoutes(
  deps: RouteDeps,
  limits: OwnerLinkLimits = DEFAULT_OWNER_LINK_LIMITS,
): FastifyPluginAsync {
  return async (app) => {
    installPageErrorHandler(app);
    // A `?lang=` choice from the switch is kept in a cookie, so the form's POST answers in the same language.
    app.addHook('onRequest', async (request, reply) => keepChosenLanguage(request, reply));
    const probes = app.createRateLimit({ max: limits.probesPerAddress, timeWindow: '15 minutes' });
    // Keyed by the token's hash: the limiter's memory holds no working link.
    const perLink = app.createRateLimit({
      max: limits.perLink,
      timeWindow: '1 minute',
      keyGenerator: (request) => `link:${hashToken((request.params as { token: string }).token)}`,
    });

    /**
     * The link's binding, checked against the limits: `limited` when this address is over its failed look-ups (then the
     * link is not even looked up, so a blocked prober learns nothing) or this link over its requests.
     */
    async function admit(
      request: FastifyRequest<{ Params: { token: string } }>,
    ): Promise<{ binding?: OwnerLinkBinding; limited?: { retryAfter: number } }> {
      const seen = await probes(request, { increment: false });
      if (!seen.isAllowed && seen.remaining === 0) return { limited: { retryAfter: seen.ttlInSeconds } };
      const binding = await deps.store.ownerLinks.resolve(request.params.token, deps.now());
      if (!binding) {
        await probes(request);
        return {};
      }
      const used = await perLink(request);
      if (!used.isAllowed && used.isExceeded) return { limited: { retryAfter: used.ttlInSeconds } };
      return { binding };
    }

    /**
     * 429 that keeps what the owner typed: the posted fields come back in a form that sends them again to the same
     * link (nothing is looked up, so the page is the same for every link).
     */
    function limited(
      request: FastifyRequest<{ Params: { token: string } }>,
      reply: FastifyReply,
      retryAfter: number,
      kind: 'view' | 'update' | 'extension',
    ) {
      const action = `/u/${encodeURIComponent(request.params.token)}`;
      const body = typeof request.body === 'object' && request.body ? (request.body as Record<string, unknown>) : {};
      // Nothing is looked up, so not the contact's language either: the switch's, else the browser's. No time is shown.
      const locale: FormLocale = { ...pageLanguage(request), timeZone: 'UTC' };
      const { t } = locale;
      const values = parseSubmissionForm(body, [], undefined, t).values;
      const minutes = Math.max(1, Math.ceil(retryAfter / 60));
      const form =
        kind === 'update' ? (
          <form method="post" action={action} class="card" novalidate>
            <input
              type="hidden"
              name="intakeKey"
              value={validIntakeKey(values.intakeKey) ? values.intakeKey : randomUUID()}
            />
            {submissionFields(locale, values, {}, [])}
            {Object.keys(values)
              .filter((k) => /^done-[\w-]{1,64}$/.test(k) && values[k] === 'on')
              .map((k) => (
                <input type="hidden" name={k} value="on" />
              ))}
            <button type="submit">{t('owner.sendAgain')}</button>
          </form>
        ) : (
          kind === 'extension' && <ExtensionForm action={action} t={t} days={values.days ?? ''} />
        );
      return reply
        .header('retry-after', String(retryAfter))
        .code(429)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(
          page(
            t('owner.tooMany.title'),
            <>
              <h1>{t('owner.tooMany.title')}</h1>
              <Alert>{t(kind === 'view' ? 'owner.tooMany.wait' : 'owner.tooMany.waitKept', { minutes })}</Alert>
              {form}
            </>,
            undefined,
            chrome(request, locale),
          ),
        );
    }
    // Not a link (or no longer one): no contact to follow, so the switch's language, else the browser's.
    const gone = (request: FastifyRequest, reply: FastifyReply) => {
      const lang = pageLanguage(request);
      const { t } = lang;
      return reply
        .code(404)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(
          page(
            t('owner.gone.title'),
            <>
              <h1>{t('owner.gone.heading')}</h1>
              <p>{t('owner.gone.text')}</p>
            </>,
            undefined,
            chrome(request, lang),
          ),
        );
    };

    const send = (reply: FastifyReply, status: number, body: string) =>
      reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);

    // The link is still valid but its update workflow has ended: collection for that quarter is over (410, not 404,
    // so the owner learns the link was right and the secretariat is the one to ask).
    const closed = (request: FastifyRequest, reply: FastifyReply, binding: OwnerLinkBinding, locale: FormLocale) =>
      send(
        reply,
        410,
        page(
          locale.t('owner.closed.title'),
          <>
            <h1>{locale.t('owner.closed.heading', { quarter: binding.quarter })}</h1>
            <p>{locale.t('owner.closed.text')}</p>
          </>,
          undefined,
          chrome(request, locale),
        ),
      );

    // The store could not record the submission: say so plainly and give the owner's text back, ready to send again.
    const notRecorded = (
      request: FastifyRequest<{ Params: { token: string } }>,
      locale: FormLocale,
      values: FormValues,
      err: ApiError,
      project: FormProject,
    ) => {
      const { t } = locale;
      return page(
        t('owner.notRecorded.title'),
        <>
          <h1>{t('owner.notRecorded.heading')}</h1>
          <Alert>{err.code === 'not-recorded' ? t('owner.notRecorded.reason') : err.message}</Alert>
          <p>{t('owner.notRecorded.text')}</p>
          <form method="post" action={`/u/${encodeURIComponent(request.params.token)}`} class="card" novalidate>
            <input type="hidden" name="intakeKey" value={values.intakeKey ?? randomUUID()} />
            {submissionFields(locale, values, {}, [], project)}
            {Object.entries(values)
              .filter(([k]) => k.startsWith('done-'))
              .map(([k, v]) => (
                <input type="hidden" name={k} value={v} />
              ))}
            <button type="submit">{t('owner.sendAgain')}</button>
          </form>
        </>,
        undefined,
        chrome(request, locale),
      );
    };

    async function context(binding: OwnerLinkBinding) {
      const { mechanismId, quarter, projectId, contactId } = binding;
      const [mechanism, project, actionItems, latest, previous, answer, cycle, pending] = await Promise.all([
        deps.store.mechanisms.get(mechanismId),
        deps.store.projects.get(mechanismId, projectId),
        deps.store.actionItems.listOpen(mechanismId, contactId),
        deps.store.submissions.latest(mechanismId, quarter, projectId),
        deps.store.submissions.latest(mechanismId, previousQuarter(quarter), projectId),
        // The live state when the worker answers in time; the records otherwise (a paused worker never holds the form up).
        within((signal) => deps.cycles.projectState(mechanismId, quarter, projectId, signal), LIVE_READ_WAIT_MS),
        deps.store.cycles.get(mechanismId, quarter),
        deps.store.intake.listForCycle(mechanismId, quarter),
      ]);
      if (!mechanism || !project) return undefined;
      const contact = mechanism.contacts.find((c) => c.id === contactId);
      const live = answer.answered ? answer.value : undefined;
      // Ended: Temporal says the update is no longer running, or the records say the cycle closed.
      const ended = (answer.answered && answer.value === undefined) || cycle?.phase === 'closed';
      const recorded = (await deps.store.cycles.listProjectStates(mechanismId, quarter)).find(
        (r) => r.projectId === projectId,
      );
      const waiting = pending.filter((r) => r.projectId === projectId);
      return {
        mechanism,
        project,
        contact,
        actionItems,
        latest,
        previous,
        live,
        ended,
        state: live?.state ?? recorded?.state,
        dueDate: live?.dueDate ?? cycle?.dueDate,
        waiting,
      };
    }

    type Context = NonNullable<Awaited<ReturnType<typeof context>>>;

    function render(
      request: FastifyRequest<{ Params: { token: string } }>,
      locale: FormLocale,
      ctx: Context,
      binding: OwnerLinkBinding,
      values: FormValues,
      errors: FormErrors,
      banner?: Markup,
      // After a conflict: the newer revision the owner's text would replace (the form is then based on it).
      saveOver?: number,
    ): string {
      const { t, language } = locale;
      const baseRevision = saveOver ?? ctx.latest?.revision ?? 0;
      const action = `/u/${encodeURIComponent(request.params.token)}`;
      const source = ctx.latest ? (
        <p>
          <small>
            {t('owner.form.showingRevision', {
              revision: ctx.latest.revision,
              received: timeShown(ctx.latest.receivedAt, locale),
            })}
          </small>
        </p>
      ) : (
        ctx.previous && (
          <p>
            <small>{t('owner.form.prefilled', { quarter: ctx.previous.quarter })}</small>
          </p>
        )
      );
      const errorCount = Object.keys(errors).length;
      const project = nameIn(ctx.project, 'title', language);
      const quarter = <strong>{binding.quarter}</strong>;
      const mechanism = nameIn(ctx.mechanism, 'name', language);
      const intro = ctx.dueDate
        ? message(t, 'owner.form.introDue', {
            mechanism,
            quarter,
            due: <strong>{dateShown(ctx.dueDate, language)}</strong>,
          })
        : message(t, 'owner.form.intro', { mechanism, quarter });
      const waiting = ctx.waiting.length && !banner ? ctx.waiting[ctx.waiting.length - 1] : undefined;
      return page(
        t('owner.form.title', { project, quarter: binding.quarter }),
        <>
          <h1>{project}</h1>
          <p>
            {intro}
            {ctx.contact && ` ${t('owner.form.requestedFrom', { contact: nameIn(ctx.contact, 'name', language) })}`}
          </p>
          {banner}
          {errorCount > 0 && <Alert>{t('owner.form.errorSummary', { count: errorCount })}</Alert>}
          {source}
          {waiting && (
            <p>
              <small>{t('owner.form.waiting', { time: timeShown(waiting.receivedAt, locale) })}</small>
            </p>
          )}
          <form method="post" action={action} class="card" novalidate>
            <input type="hidden" name="intakeKey" value={randomUUID()} />
            {baseRevisionField(baseRevision)}
            {submissionFields(locale, values, errors, ctx.actionItems, ctx.project)}
            <button type="submit">
              {saveOver !== undefined
                ? t('owner.form.saveOver', { revision: saveOver })
                : ctx.latest
                  ? t('owner.form.saveAmendment')
                  : t('owner.form.submit')}
            </button>
          </form>
          {ctx.state && !settledStates.includes(ctx.state) && <ExtensionForm action={action} t={t} days="7" heading />}
        </>,
        undefined,
        chrome(request, locale),
      );
    }

    /**
     * The link's binding and its form's context, or the answer already sent: 429 when over a limit (what was typed is
     * kept), 404 when the link is not valid, 410 when its update no longer collects.
     */
    async function resolveLink(
      request: FastifyRequest<{ Params: { token: string } }>,
      reply: FastifyReply,
      kind: 'view' | 'update' | 'extension',
    ): Promise<{ binding: OwnerLinkBinding; ctx: Context; locale: FormLocale } | { sent: FastifyReply }> {
      const { binding, limited: over } = await admit(request);
      if (over) return { sent: limited(request, reply, over.retryAfter, kind) };
      const ctx = binding && (await context(binding));
      if (!binding || !ctx) return { sent: gone(request, reply) };
      // The switch's language, else the language of the owner the link was issued to, else the browser's; times in
      // the owner's zone.
      const locale: FormLocale = {
        ...pageLanguage(request, ctx.contact?.language),
        timeZone: ownerTimeZone(ctx.mechanism, ctx.contact),
      };
      if (ctx.ended) return { sent: closed(request, reply, binding, locale) };
      return { binding, ctx, locale };
    }

    app.get<{ Params: { token: string } }>('/u/:token', { schema: { params: TokenParams } }, async (request, reply) => {
      const link = await resolveLink(request, reply, 'view');
      if ('sent' in link) return link.sent;
      const { binding, ctx, locale } = link;
      const values = valuesFromSubmission((ctx.latest ?? ctx.previous)?.body, ctx.project);
      return send(reply, 200, render(request, locale, ctx, binding, values, {}));
    });

    app.post<{ Params: { token: string }; Body: Record<string, unknown> }>(
      '/u/:token',
      { schema: { params: TokenParams } },
      async (request, reply) => {
        const link = await resolveLink(request, reply, 'update');
        if ('sent' in link) return link.sent;
        const { binding, ctx, locale } = link;
        const { t } = locale;
        const parsed = parseSubmissionForm(
          typeof request.body === 'object' && request.body ? request.body : {},
          ctx.actionItems,
          ctx.project,
          t,
        );
        if (!parsed.ok) return send(reply, 422, render(request, locale, ctx, binding, parsed.values, parsed.errors));
        try {
          const key = validIntakeKey(request.body?.intakeKey) ? request.body.intakeKey : undefined;
          const live = ctx.live && { state: ctx.live.state, cutoffAt: ctx.live.cutoffAt, revision: ctx.live.revision };
          const basedOnRevision = postedBaseRevision(request.body ?? {});
          const receipt = await submitUpdate(
            deps,
            binding,
            { submission: parsed.submission, submittedBy: binding.contactId },
            { key, basedOnRevision, ...(live && { live }) },
          );
          // Applied: the worker answers, so the form is read again live; pending: what we have is what there is.
          const fresh = receipt.status === 'applied' ? (await context(binding))! : ctx;
          const banner =
            receipt.status === 'applied'
              ? t(receipt.late ? 'owner.receipt.appliedLate' : 'owner.receipt.applied', { revision: receipt.revision })
              : t('owner.receipt.pending', {
                  reference: receipt.key.slice(0, 8),
                  time: timeShown(receipt.receivedAt, locale),
                });
          return send(
            reply,
            200,
            render(request, locale, fresh, binding, parsed.values, {}, <Notice>{banner}</Notice>),
          );
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          if (err.statusCode === 503)
            return send(reply, 503, notRecorded(request, locale, parsed.values, err, ctx.project));
          if (err instanceof StaleSubmission) {
            // Someone saved a newer revision meanwhile: both texts, the owner's still in the form, ready to save over it.
            const fresh = (await context(binding)) ?? ctx;
            const notice = conflictNotice(
              locale,
              err.current,
              parsed.values,
              err.currentRevision,
              `/u/${encodeURIComponent(request.params.token)}`,
            );
            return send(
              reply,
              409,
              render(request, locale, fresh, binding, parsed.values, {}, notice, err.currentRevision),
            );
          }
          const errors: FormErrors = {};
          for (const f of err.fields ?? [])
            errors[
              f.field.split('.').pop() === 'submission' ? 'form' : f.field.replace(/^submission\./, '').split('.')[0]
            ] = f.message;
          return send(
            reply,
            err.statusCode,
            render(
              request,
              locale,
              ctx,
              binding,
              parsed.values,
              errors,
              <Alert>{t('owner.form.notSaved', { reason: err.message })}</Alert>,
            ),
          );
        }
      },
    );

    app.post<{ Params: { token: string }; Body: Record<string, unknown> }>(
      '/u/:token/extension',
      { schema: { params: TokenParams } },
      async (request, reply) => {
        const link = await resolveLink(request, reply, 'extension');
        if ('sent' in link) return link.sent;
        const { binding, ctx, locale } = link;
        const { t, language } = locale;
        const values = valuesFromSubmission((ctx.latest ?? ctx.previous)?.body, ctx.project);
        const raw = typeof request.body?.days === 'string' ? request.body.days.trim() : '';
        const days = /^\d{1,3}$/.test(raw) ? Number(raw) : Number.NaN;
        if (!(days >= 1 && days <= 90)) {
          return send(
            reply,
            422,
            render(request, locale, ctx, binding, values, {}, <Alert>{t('owner.extension.invalid')}</Alert>),
          );
        }
        try {
          // Not audited: the owner's own request (the workflow's history keeps it), as before.
          const outcome = await decide(() =>
            deps.cycles.send(binding, requestExtension, [{ days, requestedBy: binding.contactId }], { audit: null }),
          );
          const fresh = (await context(binding))!;
          const banner =
            outcome.outcome === 'granted'
              ? t('owner.extension.granted', { due: dateShown(outcome.dueDate, language) })
              : t('owner.extension.sent', { days });
          return send(reply, 200, render(request, locale, fresh, binding, values, {}, <Notice>{banner}</Notice>));
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          return send(
            reply,
            err.statusCode,
            render(
              request,
              locale,
              ctx,
              binding,
              values,
              {},
              <Alert>{t('owner.extension.notSent', { reason: err.message })}</Alert>,
            ),
          );
        }
      },
    );
  };
}
