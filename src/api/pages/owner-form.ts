/**
 * The owner's update form at the personal link `/u/{token}`. GET only shows (a mail scanner that follows the link
 * changes nothing); POST submits or amends until collection closes; `/u/{token}/extension` asks for more time.
 * The token is a capability: it is resolved against its stored hash, bound to one cycle, project and owner,
 * expires at close, and is never logged or echoed into anything but the form's own action URLs.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { previousQuarter, settledStates } from '../../domain';
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
import { html, page, type Safe } from './html';
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

/** The owner's form routes. */
export function ownerFormRoutes(
  deps: RouteDeps,
  limits: OwnerLinkLimits = DEFAULT_OWNER_LINK_LIMITS,
): FastifyPluginAsync {
  return async (app) => {
    installPageErrorHandler(app);
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
      const action = `/u/${encodeURIComponent(request.params.token)}${kind === 'extension' ? '/extension' : ''}`;
      const body = typeof request.body === 'object' && request.body ? (request.body as Record<string, unknown>) : {};
      const values = parseSubmissionForm(body, []).values;
      const minutes = Math.max(1, Math.ceil(retryAfter / 60));
      const wait = html`<div class="alert" role="alert">Too many attempts on this link or from your network: nothing was saved. Wait ${minutes} minute${minutes === 1 ? '' : 's'} and send again${kind === 'view' ? '' : html`; what you typed is kept below`}.</div>`;
      const form =
        kind === 'update'
          ? html`<form method="post" action="${action}" class="card" novalidate>
<input type="hidden" name="intakeKey" value="${validIntakeKey(values.intakeKey) ? values.intakeKey : randomUUID()}">
${submissionFields(values, {}, [])}${Object.keys(values)
              .filter((k) => /^done-[\w-]{1,64}$/.test(k) && values[k] === 'on')
              .map((k) => html`<input type="hidden" name="${k}" value="on">`)}
<button type="submit">Send again</button></form>`
          : kind === 'extension'
            ? html`<form method="post" action="${action}" class="card"><label for="days">Extra days</label><input id="days" name="days" inputmode="numeric" value="${values.days ?? ''}">
<button type="submit" class="secondary">Request an extension</button></form>`
            : '';
      return reply
        .header('retry-after', String(retryAfter))
        .code(429)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(page('Too many attempts', html`<h1>Too many attempts</h1>${wait}${form}`));
    }
    const gone = (reply: FastifyReply) =>
      reply
        .code(404)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(
          page(
            'Link not valid',
            html`<h1>This link is not valid</h1><p>It may have expired because collection for the quarter has closed, or it was mistyped. Please contact the secretariat.</p>`,
          ),
        );

    const send = (reply: FastifyReply, status: number, body: string) =>
      reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);

    // The link is still valid but its update workflow has ended: collection for that quarter is over (410, not 404,
    // so the owner learns the link was right and the secretariat is the one to ask).
    const closed = (reply: FastifyReply, binding: OwnerLinkBinding) =>
      send(
        reply,
        410,
        page(
          'Collection closed',
          html`<h1>Collection for ${binding.quarter} has closed</h1><p>Updates for this quarter are no longer collected here, so nothing was saved. If you still have news for the secretariat, reply to their email.</p>`,
        ),
      );

    // The store could not record the submission: say so plainly and give the owner's text back, ready to send again.
    const notRecorded = (token: string, values: FormValues, reason: string, project: FormProject) =>
      page(
        'Not saved yet',
        html`<h1>Your update could not be saved just now</h1>
<div class="alert" role="alert">${reason}</div>
<p>Nothing you typed is lost: it is below. Send it again in a few minutes, or copy it and email it to the secretariat.</p>
<form method="post" action="/u/${encodeURIComponent(token)}" class="card" novalidate>
<input type="hidden" name="intakeKey" value="${values.intakeKey ?? randomUUID()}">
${submissionFields(values, {}, [], project)}
${Object.entries(values)
  .filter(([k]) => k.startsWith('done-'))
  .map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
<button type="submit">Send again</button>
</form>`,
      );

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

    function render(
      token: string,
      ctx: NonNullable<Awaited<ReturnType<typeof context>>>,
      binding: OwnerLinkBinding,
      values: FormValues,
      errors: FormErrors,
      banner?: Safe,
      // After a conflict: the newer revision the owner's text would replace (the form is then based on it).
      saveOver?: number,
    ): string {
      const baseRevision = saveOver ?? ctx.latest?.revision ?? 0;
      const action = `/u/${encodeURIComponent(token)}`;
      const source = ctx.latest
        ? html`<p><small>Showing your revision ${ctx.latest.revision} received ${ctx.latest.receivedAt.slice(0, 10)}. You can amend it until collection closes.</small></p>`
        : ctx.previous
          ? html`<p><small>Pre-filled from your update for ${ctx.previous.quarter}: change what is different this quarter.</small></p>`
          : '';
      const due = ctx.dueDate;
      const errorSummary = Object.keys(errors).length
        ? html`<div class="alert" role="alert">Please correct the ${Object.keys(errors).length === 1 ? 'field' : 'fields'} marked below; nothing was saved yet.</div>`
        : '';
      return page(
        `${ctx.project.title}: update for ${binding.quarter}`,
        html`<h1>${ctx.project.title}</h1>
<p>${ctx.mechanism.name} — quarterly update for <strong>${binding.quarter}</strong>${due ? html`, due <strong>${due}</strong>` : ''}.${ctx.contact ? html` Requested from ${ctx.contact.name}.` : ''}</p>
${banner ?? ''}${errorSummary}${source}${
          ctx.waiting.length && !banner
            ? html`<p><small>Your update sent ${ctx.waiting[ctx.waiting.length - 1].receivedAt.slice(0, 16).replace('T', ' ')} UTC is recorded and will be processed shortly.</small></p>`
            : ''
        }
<form method="post" action="${action}" class="card" novalidate>
<input type="hidden" name="intakeKey" value="${randomUUID()}">
${baseRevisionField(baseRevision)}
${submissionFields(values, errors, ctx.actionItems, ctx.project)}
<button type="submit">${saveOver !== undefined ? `Save my text over revision ${saveOver}` : ctx.latest ? 'Save amendment' : 'Submit update'}</button>
</form>
${
  ctx.state && !settledStates.includes(ctx.state)
    ? html`<form method="post" action="${action}/extension" class="card"><h2>Need more time?</h2>
<label for="days">Extra days</label><input id="days" name="days" inputmode="numeric" value="7">
<button type="submit" class="secondary">Request an extension</button></form>`
    : ''
}`,
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
    ): Promise<
      { binding: OwnerLinkBinding; ctx: NonNullable<Awaited<ReturnType<typeof context>>> } | { sent: FastifyReply }
    > {
      const { binding, limited: over } = await admit(request);
      if (over) return { sent: limited(request, reply, over.retryAfter, kind) };
      const ctx = binding && (await context(binding));
      if (!binding || !ctx) return { sent: gone(reply) };
      if (ctx.ended) return { sent: closed(reply, binding) };
      return { binding, ctx };
    }

    app.get<{ Params: { token: string } }>('/u/:token', { schema: { params: TokenParams } }, async (request, reply) => {
      const link = await resolveLink(request, reply, 'view');
      if ('sent' in link) return link.sent;
      const { binding, ctx } = link;
      const values = valuesFromSubmission((ctx.latest ?? ctx.previous)?.body, ctx.project);
      return send(reply, 200, render(request.params.token, ctx, binding, values, {}));
    });

    app.post<{ Params: { token: string }; Body: Record<string, unknown> }>(
      '/u/:token',
      { schema: { params: TokenParams } },
      async (request, reply) => {
        const link = await resolveLink(request, reply, 'update');
        if ('sent' in link) return link.sent;
        const { binding, ctx } = link;
        const parsed = parseSubmissionForm(
          typeof request.body === 'object' && request.body ? request.body : {},
          ctx.actionItems,
          ctx.project,
        );
        if (!parsed.ok)
          return send(reply, 422, render(request.params.token, ctx, binding, parsed.values, parsed.errors));
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
              ? html`<div class="notice" role="status">Thank you: revision ${receipt.revision} of your update is saved${receipt.late ? ' (received after the due date, marked late)' : ''}. A receipt is on its way by email.</div>`
              : html`<div class="notice" role="status">Thank you: your update is received and recorded (reference ${receipt.key.slice(0, 8)}, ${receipt.receivedAt.slice(0, 16).replace('T', ' ')} UTC). It will be processed shortly; a receipt with its revision number follows by email.</div>`;
          return send(reply, 200, render(request.params.token, fresh, binding, parsed.values, {}, banner));
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          if (err.statusCode === 503)
            return send(reply, 503, notRecorded(request.params.token, parsed.values, err.message, ctx.project));
          if (err instanceof StaleSubmission) {
            // Someone saved a newer revision meanwhile: both texts, the owner's still in the form, ready to save over it.
            const fresh = (await context(binding)) ?? ctx;
            const notice = conflictNotice(
              err.current,
              parsed.values,
              err.currentRevision,
              `/u/${encodeURIComponent(request.params.token)}`,
            );
            return send(
              reply,
              409,
              render(request.params.token, fresh, binding, parsed.values, {}, notice, err.currentRevision),
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
              request.params.token,
              ctx,
              binding,
              parsed.values,
              errors,
              html`<div class="alert" role="alert">Not saved: ${err.message}</div>`,
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
        const { binding, ctx } = link;
        const values = valuesFromSubmission((ctx.latest ?? ctx.previous)?.body, ctx.project);
        const raw = typeof request.body?.days === 'string' ? request.body.days.trim() : '';
        const days = /^\d{1,3}$/.test(raw) ? Number(raw) : Number.NaN;
        if (!(days >= 1 && days <= 90)) {
          return send(
            reply,
            422,
            render(
              request.params.token,
              ctx,
              binding,
              values,
              {},
              html`<div class="alert" role="alert">Extra days: enter a whole number from 1 to 90.</div>`,
            ),
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
              ? html`<div class="notice" role="status">Extension granted: the update is now due ${outcome.dueDate}.</div>`
              : html`<div class="notice" role="status">Your request for ${days} more days was sent to the secretariat, who will decide.</div>`;
          return send(reply, 200, render(request.params.token, fresh, binding, values, {}, banner));
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          return send(
            reply,
            err.statusCode,
            render(
              request.params.token,
              ctx,
              binding,
              values,
              {},
              html`<div class="alert" role="alert">Not sent: ${err.message}</div>`,
            ),
          );
        }
      },
    );
  };
}
