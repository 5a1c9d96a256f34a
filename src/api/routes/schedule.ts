/** `/api/v1/mechanisms/{mechanismId}/schedule`: the Temporal Schedule that opens the cycles. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { singleLine } from '../../domain';
import type { RouteDeps } from '../context';
import { ErrorBody, notFound } from '../errors';
import { bearer, MechanismParams } from '../schemas';

const ScheduleBody = z.object({
  scheduleId: z.string(),
  paused: z.boolean(),
  note: z.string().optional(),
  nextActionTimes: z.array(z.string()),
});

/** Read, pause, resume and trigger the opening schedule. */
export function scheduleRoutes(deps: RouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const mechanismOr404 = async (mechanismId: string) => {
      if (!(await deps.store.mechanisms.get(mechanismId))) throw notFound(`mechanism ${mechanismId}`);
    };
    app.get(
      '/:mechanismId/schedule',
      {
        schema: {
          tags: ['schedule'],
          summary: 'The schedule that opens the cycles',
          security: bearer,
          params: MechanismParams,
          response: { 200: ScheduleBody, 404: ErrorBody },
        },
      },
      async (request) => {
        await mechanismOr404(request.params.mechanismId);
        const s = await deps.cycles.schedule(request.params.mechanismId);
        if (!s) throw notFound(`schedule of ${request.params.mechanismId}`);
        return s;
      },
    );
    for (const action of ['pause', 'resume', 'trigger'] as const) {
      app.post(
        `/:mechanismId/schedule/${action}`,
        {
          config: { scope: 'admin' },
          schema: {
            tags: ['schedule'],
            summary: `${action[0].toUpperCase()}${action.slice(1)} the schedule`,
            security: bearer,
            params: MechanismParams,
            body: z.object({ note: singleLine(300).optional() }),
            response: { 200: z.object({ accepted: z.literal(true) }), 400: ErrorBody, 404: ErrorBody },
          },
        },
        async (request) => {
          const { mechanismId } = request.params;
          await mechanismOr404(mechanismId);
          if (!(await deps.cycles.scheduleAction(mechanismId, action, request.body.note)))
            throw notFound(`schedule of ${mechanismId}`);
          await deps.store.audit.append({
            actor: request.caller!.actor,
            action: `schedule.${action}`,
            entityType: 'schedule',
            entityId: mechanismId,
            at: deps.now(),
          });
          return { accepted: true as const };
        },
      );
    }
  };
}
