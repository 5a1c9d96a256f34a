/** `/api/v1/mechanisms` and their projects: read-only views of the records. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../context';
import { ErrorBody, notFound } from '../errors';
import { bearer, MechanismBody, MechanismParams, ProjectBody, ProjectParams, ProjectsBody } from '../schemas';

/** Mechanisms and their portfolios. */
export function mechanismRoutes(deps: RouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    // '' rather than '/': the path is /api/v1/mechanisms, without a trailing slash.
    app.get(
      '',
      {
        schema: {
          tags: ['mechanisms'],
          summary: 'List the mechanisms',
          security: bearer,
          response: {
            200: z.object({
              mechanisms: z.array(z.object({ id: z.string(), name: z.string(), timeZone: z.string() })),
            }),
          },
        },
      },
      async () => ({ mechanisms: await deps.store.mechanisms.list() }),
    );

    app.get(
      '/:mechanismId',
      {
        schema: {
          tags: ['mechanisms'],
          summary: 'One mechanism with its sides, pillars, contacts and policy',
          security: bearer,
          params: MechanismParams,
          response: { 200: MechanismBody, 404: ErrorBody },
        },
      },
      async (request) => {
        const m = await deps.store.mechanisms.get(request.params.mechanismId);
        if (!m) throw notFound(`mechanism ${request.params.mechanismId}`);
        return m;
      },
    );

    app.get(
      '/:mechanismId/projects',
      {
        schema: {
          tags: ['projects'],
          summary: "The mechanism's portfolio",
          security: bearer,
          params: MechanismParams,
          response: { 200: ProjectsBody, 404: ErrorBody },
        },
      },
      async (request) => {
        const { mechanismId } = request.params;
        if (!(await deps.store.mechanisms.get(mechanismId))) throw notFound(`mechanism ${mechanismId}`);
        return { projects: await deps.store.projects.list(mechanismId) };
      },
    );

    app.get(
      '/:mechanismId/projects/:projectId',
      {
        schema: {
          tags: ['projects'],
          summary: 'One project',
          security: bearer,
          params: ProjectParams,
          response: { 200: ProjectBody, 404: ErrorBody },
        },
      },
      async (request) => {
        const { mechanismId, projectId } = request.params;
        const p = await deps.store.projects.get(mechanismId, projectId);
        if (!p) throw notFound(`project ${mechanismId}/${projectId}`);
        return p;
      },
    );
  };
}
