import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
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

/**
 * 503 `temporal-unavailable`: Temporal did not answer a cheap call within TEMPORAL_REACH_MS (every node down, network
 * cut). Commands check it first so that an outage answers at once instead of hanging in the client's retries.
 */
export class TemporalUnavailable extends ApiError {
  constructor(cause?: unknown) {
    super(
      503,
      'temporal-unavailable',
      'Temporal (the workflow service) cannot be reached right now: nothing was changed. Try again in a moment; meanwhile the cycle pages show the records.',
    );
    this.name = 'TemporalUnavailable';
    this.cause = cause;
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
      return reply.code(400).send({
        error: { code: 'invalid-input', message: `invalid ${fields.map((f) => f.field).join(', ')}`, fields },
      });
    }
    if (err instanceof ApiError) {
      if (err.statusCode === 503) void reply.header('retry-after', '10');
      return reply.code(err.statusCode).send({
        error: { code: err.code, message: err.message, ...(err.fields && { fields: err.fields }), ...err.details },
      });
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) return reply.code(status).send(frameworkError(err, status));
    if (isUnavailable(err)) {
      request.log.warn({ err, route: request.routeOptions.url }, 'a dependency did not answer');
      return reply
        .code(503)
        .header('retry-after', '30')
        .send({
          error: {
            code: 'unavailable',
            message: 'Temporal or the database did not answer; nothing was changed, try again shortly',
          },
        });
    }
    request.log.error({ err, route: request.routeOptions.url }, 'request failed');
    return reply.code(500).send({ error: { code: 'internal', message: 'internal error' } });
  });
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send({ error: { code: 'not-found', message: 'no such route' } }),
  );
}

/** The stable code of a status that Fastify (or a plugin) answers by itself. */
const FRAMEWORK_CODES: Record<number, string> = {
  400: 'bad-request',
  404: 'not-found',
  408: 'timeout',
  413: 'too-large',
  414: 'uri-too-long',
  415: 'unsupported-media-type',
  429: 'rate-limited',
  431: 'headers-too-large',
};

/** The project's error JSON for an error Fastify raised itself (malformed JSON, body too large, bad URL, ...). */
export function frameworkError(err: { code?: string; message: string }, status: number) {
  const code =
    err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
      ? 'invalid-json'
      : (FRAMEWORK_CODES[status] ?? 'bad-request');
  const message =
    err.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'a path parameter is too long'
      : err.code === 'FST_ERR_BAD_URL'
        ? 'the URL is not valid (bad percent-encoding)'
        : err.message;
  return { error: { code, message } };
}

/**
 * Fastify's `frameworkErrors`: errors raised before a route is found (a path parameter over the router's length limit:
 * 414; a URL that cannot be decoded: 400) answer with the project's error JSON too.
 */
export function onFrameworkError(err: FastifyError, _request: unknown, reply: FastifyReply): void {
  const status = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : (err.statusCode ?? 400);
  void reply.code(status).send(frameworkError(err, status));
}

/** Node's `clientError` (unparseable request, headers too large, timeout): the project's error JSON on the socket. */
export function onClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const body = JSON.stringify(
    frameworkError(
      { message: status === 431 ? 'the request headers are too large' : 'the request could not be read' },
      status,
    ),
  );
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  socket.destroy(err);
}

/** Temporal (gRPC) or the database did not answer: the request may succeed later (503, not 500). */
export function isUnavailable(err: unknown): boolean {
  const e = err as { name?: string; code?: unknown; cause?: unknown } | undefined;
  if (!e || typeof e !== 'object') return false;
  // @temporalio/client: ServiceError wraps the gRPC error (14 UNAVAILABLE, 4 DEADLINE_EXCEEDED); ConnectionError when
  // the connection cannot be made.
  if (e.name === 'ConnectionError' || e.name === 'TransportError') return true;
  if (typeof e.code === 'number' && (e.code === 14 || e.code === 4)) return true;
  if (
    typeof e.code === 'string' &&
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'SQLITE_BUSY', '57P01', '08006', '08001'].includes(e.code)
  )
    return true;
  return e.name === 'ServiceError' ? isUnavailable(e.cause) : false;
}

/** What each error status means on the API, as its response description in the OpenAPI document. */
const ERROR_MEANINGS: Record<number, string> = {
  400: "The request does not match this operation's schema (every field named in `fields`), or is malformed JSON",
  401: 'No API token, or an unknown, revoked or expired one (checked before anything else is read)',
  403: "The token's scope or its user's role does not allow this operation",
  404: 'The mechanism, cycle, project or record named in the path does not exist',
  409: 'The current state forbids it (wrong phase, already settled, the cycle has ended)',
  413: 'The request body is larger than 1 MiB',
  415: 'The request body is not `application/json`',
  422: 'The request is well-formed but breaks a rule of the mechanism (e.g. a date before today)',
  503: 'Temporal or the database did not answer (or the submission could not be recorded): nothing was changed, try again',
};

/** The error statuses every operation of the API can answer, from the shape of its schema. */
export function documentedErrorStatuses(schema: {
  params?: unknown;
  querystring?: unknown;
  body?: unknown;
  headers?: unknown;
}): number[] {
  const input = Boolean(schema.params || schema.querystring || schema.body || schema.headers);
  return [...(input ? [400] : []), 401, 403, ...(schema.params ? [404] : []), ...(schema.body ? [413, 415] : []), 503];
}

/**
 * Completes an API route's documented responses: every error status it can answer (see documentedErrorStatuses),
 * each with the one error shape and what it means. Statuses the route documents itself (409, 422) get the meaning too.
 */
export function documentErrors(schema: {
  params?: unknown;
  querystring?: unknown;
  body?: unknown;
  headers?: unknown;
  response?: Record<string | number, unknown>;
}): void {
  const response = (schema.response ??= {});
  for (const status of documentedErrorStatuses(schema)) response[status] ??= ErrorBody;
  for (const [status, body] of Object.entries(response))
    if (body === ErrorBody && ERROR_MEANINGS[Number(status)])
      response[status] = ErrorBody.describe(ERROR_MEANINGS[Number(status)]);
}
