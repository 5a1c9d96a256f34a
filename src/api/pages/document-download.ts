/** A document of the archive, downloaded from the cycle page by any signed-in user. */
import fs from 'node:fs';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { RouteDeps } from '../context';
import { contentTypes, documentFile, downloadName } from '../documents';
import { ApiError } from '../errors';

/** GET /documents/{id}. */
export function documentPages(deps: RouteDeps): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/documents/:documentId',
      { schema: { params: z.object({ documentId: z.string().min(1).max(200) }) } },
      async (request, reply) => {
        const doc = await deps.store.documents.get((request.params as { documentId: string }).documentId);
        const file = doc && documentFile(deps.config.dataDir, doc);
        if (!doc || !file) throw new ApiError(404, 'not-found', 'document not found');
        return reply
          .header('content-type', contentTypes[doc.format])
          .header('content-disposition', `attachment; filename="${downloadName(doc)}"`)
          .send(fs.createReadStream(file));
      },
    );
  };
}
