/** Documents, action items and the mailbox (outbox): what the cycles leave behind, read from the store. */
import fs from 'node:fs';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actionItemStates, isoQuarter, slug } from '../../domain';
import type { RouteDeps } from '../context';
import { contentTypes, documentFile, downloadName } from '../documents';
import { ErrorBody, notFound } from '../errors';
import {
  ActionItemBody,
  ActionItemsBody,
  bearer,
  FileDownload,
  CycleParams,
  DocumentsBody,
  MechanismParams,
  OutboxBody,
} from '../schemas';

/** Documents, action items and the outbox. */
export function recordRoutes(deps: RouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const outbox = deps.store.outbox;
    const mechanismOr404 = async (mechanismId: string) => {
      if (!(await deps.store.mechanisms.get(mechanismId))) throw notFound(`mechanism ${mechanismId}`);
    };

    app.get(
      '/mechanisms/:mechanismId/cycles/:quarter/documents',
      {
        schema: {
          tags: ['documents'],
          summary: 'Every archived document version of a cycle',
          security: bearer,
          params: CycleParams,
          response: { 200: DocumentsBody, 404: ErrorBody },
        },
      },
      async (request) => {
        const { mechanismId, quarter } = request.params;
        await mechanismOr404(mechanismId);
        const docs = await deps.store.documents.list(mechanismId, quarter);
        return {
          documents: docs.map((d) => ({ ...d, download: `/api/v1/documents/${encodeURIComponent(d.id)}/content` })),
        };
      },
    );

    app.get(
      '/documents/:documentId/content',
      {
        schema: {
          tags: ['documents'],
          summary: 'Download one archived document version',
          security: bearer,
          params: z.object({ documentId: z.string().min(1).max(200) }),
          response: { 200: FileDownload, 404: ErrorBody },
        },
      },
      async (request, reply) => {
        const doc = await deps.store.documents.get(request.params.documentId);
        const file = doc && documentFile(deps.config.dataDir, doc);
        if (!doc || !file) throw notFound(`document ${request.params.documentId}`);
        return reply
          .header('content-type', contentTypes[doc.format])
          .header('content-disposition', `attachment; filename="${downloadName(doc)}"`)
          .header('x-content-sha256', doc.sha256)
          .send(fs.createReadStream(file));
      },
    );

    app.get(
      '/mechanisms/:mechanismId/action-items',
      {
        schema: {
          tags: ['action items'],
          summary: "The mechanism's action items (open ones by default, or of one cycle)",
          security: bearer,
          params: MechanismParams,
          querystring: z.object({
            quarter: isoQuarter.optional(),
            owner: slug.optional(),
            state: z.enum(actionItemStates).optional(),
          }),
          response: { 200: ActionItemsBody, 400: ErrorBody, 404: ErrorBody },
        },
      },
      async (request) => {
        const { mechanismId } = request.params;
        await mechanismOr404(mechanismId);
        const { quarter, owner, state } = request.query;
        let items = quarter
          ? await deps.store.actionItems.listForCycle(mechanismId, quarter)
          : await deps.store.actionItems.listOpen(mechanismId, owner);
        if (quarter && owner) items = items.filter((i) => i.owner === owner);
        if (state) items = items.filter((i) => i.state === state);
        return { actionItems: items };
      },
    );

    app.get(
      '/mechanisms/:mechanismId/action-items/:actionItemId',
      {
        schema: {
          tags: ['action items'],
          summary: 'One action item',
          security: bearer,
          params: MechanismParams.extend({ actionItemId: slug }),
          response: { 200: ActionItemBody, 404: ErrorBody },
        },
      },
      async (request) => {
        const item = await deps.store.actionItems.get(request.params.mechanismId, request.params.actionItemId);
        if (!item) throw notFound(`action item ${request.params.actionItemId}`);
        return item;
      },
    );

    app.get(
      '/outbox',
      {
        // Email addresses and what was sent to whom: for administrators.
        config: { scope: 'admin' },
        schema: {
          tags: ['mailbox'],
          summary: 'Emails the service sent or kept in its outbox, newest first',
          security: bearer,
          querystring: z.object({
            mechanismId: slug.optional(),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          }),
          response: { 200: OutboxBody, 400: ErrorBody },
        },
      },
      async (request) => {
        const messages = await outbox.list({
          ...(request.query.mechanismId && { mechanismId: request.query.mechanismId }),
          limit: request.query.limit,
        });
        return {
          messages: messages.map((m) => ({
            id: m.id,
            workflowId: m.workflowId,
            step: m.step,
            kind: m.kind,
            mechanismId: m.mechanismId,
            quarter: m.quarter,
            projectId: m.projectId,
            to: m.toAddress,
            subject: m.subject,
            status: m.status,
            createdAt: m.createdAt,
            sentAt: m.sentAt,
          })),
        };
      },
    );
  };
}
