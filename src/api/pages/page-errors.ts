/**
 * Errors on the pages answer as pages: a person in a browser gets a short HTML explanation with the same status the
 * API would give (403 stale form, 404 unknown cycle, 413 too much text, 429 too many attempts), never a JSON blob.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ApiError } from '../errors';
import { isCsrfError } from '../web-sessions';
import { html, page } from './html';

const TITLES: Record<number, string> = {
  400: 'Something in the request is not valid',
  403: 'This form has expired',
  404: 'Not found',
  409: 'Not possible now',
  413: 'Too much text',
  429: 'Too many attempts',
};

/** Installs an HTML error handler on a page plugin (encapsulated: the API keeps its JSON errors). */
export function installPageErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    let status = err.statusCode ?? 500;
    let message: string;
    if (hasZodFastifySchemaValidationErrors(err)) {
      status = 400;
      message = `Check the address: ${err.validation.map((v) => v.instancePath.split('/').filter(Boolean).join('.') || 'the request').join(', ')} is not valid.`;
    } else if (isCsrfError(err)) {
      status = 403;
      message = 'the form is stale or forged: reload the page and try again';
    } else if (err instanceof ApiError) {
      status = err.statusCode;
      message = err.message;
    } else if (status === 413) {
      message = 'The text sent is larger than this page accepts. Shorten it and send it again.';
    } else if (status === 429) {
      message = 'Too many attempts from your address: wait a minute and try again.';
    } else if (status >= 400 && status < 500) {
      message = err.message;
    } else {
      // Never the URL: owner links carry their secret in the path.
      request.log.error({ err, route: request.routeOptions.url }, 'page failed');
      status = 500;
      message = 'Something went wrong on our side; nothing you typed is lost if you go back. Please try again later.';
    }
    const title = err instanceof ApiError && err.code === 'forbidden' ? 'Not allowed' : (TITLES[status] ?? 'Error');
    return reply
      .code(status)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(
        page(
          title,
          html`<h1>${title}</h1><div class="alert" role="alert">${message}</div><p><a href="/">Back to the start page</a></p>`,
        ),
      );
  });
}
