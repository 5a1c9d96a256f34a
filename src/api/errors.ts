import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** One field-level problem: `field` is the path of the field in the request (`submission.statusReason`). */
export interface FieldProblem {
  field: string;
  message: string;
}

/** The one error shape of the API: `{"error": {"code", "message", "fields"?}}`. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    currentRevision: z
      .number()
      .optional()
      .describe('With 409 `stale-revision`: the revision now stored, newer than the `baseRevision` sent'),
  }),
});

/** An error the API answers with as it is: status, stable code, human message and optional field problems. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldProblem[],
    /** More of the answer, kept in the error object (e.g. `currentRevision` of a stale submission). */
    readonly details?: { currentRevision?: number },
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** 404 naming what was not found. */
export const notFound = (what: string): ApiError => new ApiError(404, 'not-found', `${what} not found`);

/** The field problems of a zod error, paths joined with dots. */
export function zodFields(error: z.ZodError, prefix = ''): FieldProblem[] {
  return error.issues.map((i) => ({
    field: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(body)',
    message: i.message,
  }));
}

/**
 * Installs the one error handler: validation errors become 400 with every field named, ApiErrors keep their
 * status, oversized bodies 413, anything else 500 without internals (the log gets the details, never the URL).
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = err.validationContext && err.validationContext !== 'body' ? err.validationContext : '';
      const fields = err.validation.map((v) => ({
        field:
          [where === 'querystring' ? 'query' : where, ...v.instancePath.split('/').filter(Boolean)]
            .filter(Boolean)
            .join('.') || '(body)',
        message: v.message ?? 'is invalid',
      }));
      return reply
        .code(400)
        .send({
          error: { code: 'invalid-input', message: `invalid ${fields.map((f) => f.field).join(', ')}`, fields },
        });
    }
    if (err instanceof ApiError) {
      return reply
        .code(err.statusCode)
        .send({
          error: { code: err.code, message: err.message, ...(err.fields && { fields: err.fields }), ...err.details },
        });
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code =
        status === 413
          ? 'too-large'
          : status === 429
            ? 'rate-limited'
            : status === 415
              ? 'unsupported-media-type'
              : 'bad-request';
      return reply.code(status).send({ error: { code, message: err.message } });
    }
    request.log.error({ err, route: request.routeOptions.url }, 'request failed');
    return reply.code(500).send({ error: { code: 'internal', message: 'internal error' } });
  });
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send({ error: { code: 'not-found', message: 'no such route' } }),
  );
}
