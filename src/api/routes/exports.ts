/** `/api/v1/mechanisms/{m}/portfolio/export` and `.../cycles/{q}/export`: the records as CSV or XLSX (read scope). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { RouteDeps } from '../context';
import { ErrorBody } from '../errors';
import { cycleTable, ExportQuery, portfolioTable, sendExport } from '../exports';
import { bearer, CycleParams, FileDownload, MechanismParams } from '../schemas';

const described = (what: string) =>
  `${what}, as \`text/csv\` (UTF-8 with a byte-order mark) or an XLSX workbook (\`?format=xlsx\`). Text cells that ` +
  'start with `=`, `+`, `-` or `@` get a leading apostrophe, so that no spreadsheet runs them as formulas.';

/** The exports of the API. */
export function exportRoutes(deps: RouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/:mechanismId/portfolio/export',
      {
        schema: {
          tags: ['projects'],
          summary: 'The portfolio as a spreadsheet',
          description: described("Each project's records, with its state and reported status in the latest cycle"),
          security: bearer,
          params: MechanismParams,
          querystring: ExportQuery,
          response: { 200: FileDownload, 400: ErrorBody, 404: ErrorBody },
        },
      },
      async (request, reply) =>
        sendExport(reply, await portfolioTable(deps.store, request.params.mechanismId), request.query.format),
    );

    app.get(
      '/:mechanismId/cycles/:quarter/export',
      {
        schema: {
          tags: ['cycles'],
          summary: "A cycle's status as a spreadsheet",
          description: described("Each project's update state, latest revision, reported status and emails' times"),
          security: bearer,
          params: CycleParams,
          querystring: ExportQuery,
          response: { 200: FileDownload, 400: ErrorBody, 404: ErrorBody },
        },
      },
      async (request, reply) =>
        sendExport(
          reply,
          await cycleTable(deps.store, request.params.mechanismId, request.params.quarter),
          request.query.format,
        ),
    );
  };
}
