/**
 * The cycle page's actions (extend, waive, reassign, convene/reschedule/cancel, record decisions, close): each
 * is the same workflow update the API sends; the page then shows what the workflow decided.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isoQuarter, nameIn, slug } from '../../domain';
import { command, type CommandTarget } from '../../temporal/cycles';
import * as messages from '../../workflows/messages';
import { runCommand } from '../commands';
import { userActor } from '../access';
import type { RouteDeps } from '../context';
import { requireOpenCycle } from '../cycle-view';
import { ApiError } from '../errors';
import { pageOf, type PageSession } from './session';

type Form = Record<string, string>;

const ids = (s: string | undefined) =>
  (s ?? '')
    .split(/[\s,]+/)
    .map((x) => x.trim())
    .filter(Boolean);
const idOf = (text: string, i: number, prefix: string) =>
  `${prefix}-${i + 1}-${
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'x'
  }`.replace(/-+$/, '');

/** Decisions and action items from the page's two textareas (one per line; `title | owner | due date`). */
export function decisionsFromForm(form: Form, quarter: string): unknown {
  const decisions = (form.decisions ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const actions = (form.actions ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line, i) => {
      const [title, owner, dueDate] = line.split('|').map((x) => x.trim());
      return { id: idOf(`${quarter}-${title}`, i, 'ai'), title, owner, dueDate };
    });
  return {
    decisions: decisions.map((text, i) => ({ id: idOf(text, i, 'd'), text, ...(i === 0 && { actionItems: actions }) })),
  };
}

/** POST routes of the cycle page. */
export function cycleActions(deps: RouteDeps): FastifyPluginAsync {
  return async (app) => {
    const Params = z.object({ mechanismId: slug, quarter: isoQuarter });
    const ProjectParams = Params.extend({ projectId: slug });

    const act = async (
      request: FastifyRequest,
      reply: FastifyReply,
      run: (actor: string, form: Form, t: PageSession['t'], language: PageSession['language']) => Promise<string>,
    ) => {
      const s = pageOf(request);
      const { mechanismId, quarter } = request.params as { mechanismId: string; quarter: string };
      const form: Form = {};
      for (const [k, v] of Object.entries((request.body ?? {}) as Record<string, unknown>))
        if (typeof v === 'string') form[k] = v;
      let message: string;
      try {
        await requireOpenCycle(deps, mechanismId, quarter);
        message = await run(userActor(s.user), form, s.t, s.language);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        // The workflow's or the API's reason, as it gave it (English).
        message = s.t('page.notice.refused', { reason: err.message });
      }
      return reply.redirect(
        `/mechanisms/${mechanismId}/cycles/${quarter}?done=${encodeURIComponent(message.slice(0, 190))}`,
        303,
      );
    };
    // The command's target is the route's own ids: the cycle, or one project's update when the path names one.
    const target = (request: FastifyRequest): CommandTarget => {
      const { mechanismId, quarter, projectId } = request.params as CommandTarget;
      return { mechanismId, quarter, ...(projectId && { projectId }) };
    };

    app.post(
      '/mechanisms/:mechanismId/cycles/:quarter/projects/:projectId/extend',
      { schema: { params: ProjectParams } },
      (request, reply) =>
        act(request, reply, async (actor, form, t) => {
          const r = await runCommand(
            deps,
            actor,
            target(request),
            command(messages.grantExtension, { dueDate: (form.dueDate ?? '').trim(), grantedBy: actor }),
          );
          return t('page.notice.extended', { dueDate: r.dueDate });
        }),
    );
    app.post(
      '/mechanisms/:mechanismId/cycles/:quarter/projects/:projectId/waive',
      { schema: { params: ProjectParams } },
      (request, reply) =>
        act(request, reply, async (actor, _form, t) => {
          await runCommand(deps, actor, target(request), command(messages.waive, { waivedBy: actor }));
          return t('page.notice.waived');
        }),
    );
    app.post(
      '/mechanisms/:mechanismId/cycles/:quarter/projects/:projectId/reassign',
      { schema: { params: ProjectParams } },
      (request, reply) =>
        act(request, reply, async (actor, form, t, language) => {
          const { mechanismId, projectId } = request.params as { mechanismId: string; projectId: string };
          const [m, p] = await Promise.all([
            deps.store.mechanisms.get(mechanismId),
            deps.store.projects.get(mechanismId, projectId),
          ]);
          const ownerId = form.ownerId?.trim();
          const contact = m?.contacts.find((c) => c.id === ownerId);
          if (!m || !p || !contact)
            throw new ApiError(422, 'invalid-input', 'ownerId: choose a contact of the mechanism');
          await runCommand(
            deps,
            actor,
            target(request),
            command(messages.reassignOwner, {
              ownerId: contact.id,
              ownerTimeZone: contact.timeZone ?? m.timeZone,
              ...(p.supervisor && { supervisorId: p.supervisor }),
              reassignedBy: actor,
            }),
          );
          return t('page.notice.reassigned', { name: nameIn(contact, 'name', language) });
        }),
    );
    app.post('/mechanisms/:mechanismId/cycles/:quarter/convene', { schema: { params: Params } }, (request, reply) =>
      act(request, reply, async (actor, form, t) => {
        const input = {
          ...(form.startsAt?.trim() && { startsAt: form.startsAt.trim() }),
          venue: (form.venue ?? '').trim(),
          chairs: ids(form.chairs),
          attendees: ids(form.attendees),
          ...(form.holidayConfirmed === 'yes' && { holidayConfirmed: true }),
        };
        const r = await runCommand(deps, actor, target(request), command(messages.convene, input));
        return t('page.notice.convened', {
          convened: r.sequence > 0 ? 'yes' : 'no',
          at: r.startsAt,
          sequence: r.sequence,
        });
      }),
    );
    app.post(
      '/mechanisms/:mechanismId/cycles/:quarter/cancel-session',
      { schema: { params: Params } },
      (request, reply) =>
        act(request, reply, async (actor, _form, t) => {
          await runCommand(deps, actor, target(request), command(messages.cancelSession));
          return t('page.notice.sessionCancelled');
        }),
    );
    app.post('/mechanisms/:mechanismId/cycles/:quarter/decisions', { schema: { params: Params } }, (request, reply) =>
      act(request, reply, async (actor, form, t) => {
        const record = decisionsFromForm(form, (request.params as { quarter: string }).quarter);
        const r = await runCommand(deps, actor, target(request), command(messages.recordDecisions, record));
        return t('page.notice.decisions', { items: r.actionItemIds.length });
      }),
    );
    app.post('/mechanisms/:mechanismId/cycles/:quarter/close', { schema: { params: Params } }, (request, reply) =>
      act(request, reply, async (actor, _form, t) => {
        await runCommand(deps, actor, target(request), command(messages.close, { closedBy: actor }));
        return t('page.notice.closing');
      }),
    );
  };
}
