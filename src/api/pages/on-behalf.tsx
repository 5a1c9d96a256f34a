/**
 * Submitting (or amending) a project's update on its owner's behalf from the cycle page: the same form the owner
 * sees, pre-filled the same way, behind the secretariat login and CSRF token; the workflow records the officer as
 * the submitter (`user:<id>`), exactly as the API's `POST .../submission` does.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { isoQuarter, nameIn, previousQuarter, slug } from '../../domain';
import { StaleSubmission } from '../intake';
import { submitUpdate, validIntakeKey } from '../submissions';
import { userActor } from '../access';
import type { RouteDeps } from '../context';
import { requireOpenCycle } from '../cycle-view';
import { notFound } from '../errors';
import type { FormLocale } from './form-locale';
import { message, page, type Markup } from './layout';
import { pageOf, sendPage, type PageSession } from './session';
import {
  baseRevisionField,
  conflictNotice,
  parseSubmissionForm,
  postedBaseRevision,
  submissionFields,
  valuesFromSubmission,
  type FormErrors,
  type FormValues,
} from './submission-form';

const Params = z.object({ mechanismId: slug, quarter: isoQuarter, projectId: slug });
type P = z.infer<typeof Params>;

/** GET/POST /mechanisms/{m}/cycles/{q}/projects/{p}/submission. */
export function onBehalfRoutes(deps: RouteDeps): FastifyPluginAsync {
  return async (app) => {
    async function load({ mechanismId, quarter, projectId }: P) {
      await requireOpenCycle(deps, mechanismId, quarter);
      const [mechanism, project] = await Promise.all([
        deps.store.mechanisms.get(mechanismId),
        deps.store.projects.get(mechanismId, projectId),
      ]);
      if (!mechanism || !project) throw notFound(`project ${projectId} in ${mechanismId}`);
      const [actionItems, latest, previous] = await Promise.all([
        deps.store.actionItems.listOpen(mechanismId, project.owner),
        deps.store.submissions.latest(mechanismId, quarter, projectId),
        deps.store.submissions.latest(mechanismId, previousQuarter(quarter), projectId),
      ]);
      const owner = mechanism.contacts.find((c) => c.id === project.owner);
      return { mechanism, project, owner, actionItems, latest, previous };
    }
    /**
     * The officer's locale: their page language (the switch, their setting, the browser's); times in the mechanism's
     * zone, the one the secretariat's pages show first.
     */
    const localeOf = (s: PageSession, ctx: Awaited<ReturnType<typeof load>>): FormLocale => ({
      language: s.language,
      t: s.t,
      timeZone: ctx.mechanism.timeZone,
    });
    const render = (
      s: PageSession,
      p: P,
      ctx: Awaited<ReturnType<typeof load>>,
      values: FormValues,
      errors: FormErrors,
      // Another officer (or the owner) saved a newer revision meanwhile; the form is then based on it.
      conflict?: { notice: Markup; revision: number },
    ) => {
      const { t, language } = s;
      const project = nameIn(ctx.project, 'title', language);
      const owner = ctx.owner ? nameIn(ctx.owner, 'name', language) : ctx.project.owner;
      const cycle = `/mechanisms/${p.mechanismId}/cycles/${p.quarter}`;
      const errorCount = Object.keys(errors).length;
      return page(
        t('owner.onBehalf.title', { project }),
        <>
          <h1>{project}</h1>
          <p>
            {message(t, 'owner.onBehalf.intro', { quarter: <strong>{p.quarter}</strong>, owner })}{' '}
            <a href={cycle}>{t('owner.onBehalf.back')}</a>
          </p>
          {conflict?.notice}
          {errorCount > 0 && (
            <div class="alert" role="alert">
              {t('owner.form.errorSummary', { count: errorCount })}
            </div>
          )}
          {ctx.latest ? (
            <p>
              <small>{t('owner.onBehalf.showingRevision', { revision: ctx.latest.revision })}</small>
            </p>
          ) : (
            ctx.previous && (
              <p>
                <small>{t('owner.onBehalf.prefilled', { quarter: ctx.previous.quarter })}</small>
              </p>
            )
          )}
          <form method="post" action={`${cycle}/projects/${p.projectId}/submission`} class="card" novalidate>
            <input type="hidden" name="csrf" value={s.csrf} />
            <input type="hidden" name="intakeKey" value={randomUUID()} />
            {baseRevisionField(conflict?.revision ?? ctx.latest?.revision ?? 0)}
            {submissionFields(localeOf(s, ctx), values, errors, ctx.actionItems, ctx.project)}
            <button type="submit">
              {conflict ? t('owner.form.saveOver', { revision: conflict.revision }) : t('owner.onBehalf.submit')}
            </button>
          </form>
        </>,
        s.nav,
        s.chrome,
      );
    };
    app.get(
      '/mechanisms/:mechanismId/cycles/:quarter/projects/:projectId/submission',
      // Only those who may act see the form (a GET that needs write).
      { config: { page: 'write' }, schema: { params: Params } },
      async (request, reply) => {
        const s = pageOf(request);
        const p = request.params as P;
        const ctx = await load(p);
        return sendPage(
          reply,
          200,
          render(s, p, ctx, valuesFromSubmission((ctx.latest ?? ctx.previous)?.body, ctx.project), {}),
        );
      },
    );

    app.post(
      '/mechanisms/:mechanismId/cycles/:quarter/projects/:projectId/submission',
      { schema: { params: Params } },
      async (request, reply) => {
        const s = pageOf(request);
        const p = request.params as P;
        const ctx = await load(p);
        const body = (request.body ?? {}) as Record<string, unknown>;
        const parsed = parseSubmissionForm(body, ctx.actionItems, ctx.project, s.t);
        if (!parsed.ok) return sendPage(reply, 422, render(s, p, ctx, parsed.values, parsed.errors));
        const actor = userActor(s.user);
        const key = validIntakeKey(body.intakeKey) ? body.intakeKey : undefined;
        let receipt;
        try {
          receipt = await submitUpdate(
            deps,
            p,
            { submission: parsed.submission, submittedBy: actor },
            { key, basedOnRevision: postedBaseRevision(body) },
          );
        } catch (err) {
          if (!(err instanceof StaleSubmission)) throw err;
          const fresh = await load(p);
          const notice = conflictNotice(
            localeOf(s, fresh),
            err.current,
            parsed.values,
            err.currentRevision,
            `/mechanisms/${p.mechanismId}/cycles/${p.quarter}/projects/${p.projectId}/submission`,
          );
          return sendPage(
            reply,
            409,
            render(s, p, fresh, parsed.values, {}, { notice, revision: err.currentRevision }),
          );
        }
        await deps.store.audit.append({
          actor,
          action: 'update.submitUpdate',
          entityType: 'cycle',
          entityId: `${p.mechanismId}/${p.quarter}/${p.projectId}`,
          details: receipt,
          at: deps.now(),
        });
        // Said on the cycle page the officer is sent back to, in their language.
        const project = nameIn(ctx.project, 'title', s.language);
        const done =
          receipt.status === 'applied'
            ? s.t(receipt.late ? 'owner.onBehalf.savedLate' : 'owner.onBehalf.saved', {
                project,
                revision: receipt.revision,
              })
            : s.t('owner.onBehalf.recorded', { project });
        return reply.redirect(
          `/mechanisms/${p.mechanismId}/cycles/${p.quarter}?done=${encodeURIComponent(done.slice(0, 190))}`,
          303,
        );
      },
    );
  };
}
