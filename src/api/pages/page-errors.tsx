/**
 * Errors on the pages answer as pages: a person in a browser gets a short HTML explanation with the same status the
 * API would give (403 stale form, 404 unknown cycle, 413 too much text, 429 too many attempts), never a JSON blob.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ApiError } from '../errors';
import { isCsrfError } from '../web-sessions';
import type { MessageKey } from '../../i18n';
import { page } from './layout';
import { pageLanguage, switchAddress } from './language';

/** The title of an error page by status (others read "Error"). */
const TITLES: Record<number, MessageKey> = {
  400: 'owner.errorPage.title.400',
  403: 'owner.errorPage.title.403',
  404: 'owner.errorPage.title.404',
  409: 'owner.errorPage.title.409',
  413: 'owner.errorPage.title.413',
  429: 'owner.errorPage.title.429',
};

/**
 * Installs an HTML error handler on a page plugin (encapsulated: the API keeps its JSON errors). The page is in the
 * reader's language as far as the request tells (the switch, else the browser's: no user or contact is looked up
 * for an error); the API's own explanations (ApiError messages) stay as the API words them.
 */
export function installPageErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const lang = pageLanguage(request);
    const { t } = lang;
    let status = err.statusCode ?? 500;
    let message: string;
    if (hasZodFastifySchemaValidationErrors(err)) {
      status = 400;
      const fields = err.validation.map(
        (v) => v.instancePath.split('/').filter(Boolean).join('.') || t('owner.errorPage.theRequest'),
      );
      message = t('owner.errorPage.address', { fields: fields.join(', ') });
    } else if (isCsrfError(err)) {
      status = 403;
      message = t('owner.errorPage.stale');
    } else if (err instanceof ApiError) {
      status = err.statusCode;
      message = err.message;
    } else if (status === 413) {
      message = t('owner.errorPage.tooLarge');
    } else if (status === 429) {
      message = t('owner.errorPage.tooMany');
    } else if (status >= 400 && status < 500) {
      message = err.message;
    } else {
      // Never the URL: owner links carry their secret in the path.
      request.log.error({ err, route: request.routeOptions.url }, 'page failed');
      status = 500;
      message = t('owner.errorPage.failed');
    }
    const title = t(
      err instanceof ApiError && err.code === 'forbidden'
        ? 'owner.errorPage.title.forbidden'
        : (TITLES[status] ?? 'owner.errorPage.title.other'),
    );
    return reply
      .code(status)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(
        page(
          title,
          <>
            <h1>{title}</h1>
            <div class="alert" role="alert">
              {message}
            </div>
            <p>
              <a href="/">{t('owner.errorPage.back')}</a>
            </p>
          </>,
          undefined,
          { ...lang, url: switchAddress(request) },
        ),
      );
  });
}
