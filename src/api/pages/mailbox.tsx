/**
 * The mailbox (administrators only): the outbox's emails. Without SMTP it is the only place an owner's link is seen,
 * so it shows working links then.
 */
import type { FastifyPluginAsync } from 'fastify';
import { materialiseOwnerLinks } from '../../store/owner-links';
import type { RouteDeps } from '../context';
import { page, Table } from './layout';
import { pageOf, sendPage } from './session';

/** GET /mailbox. */
export function mailboxPages(deps: RouteDeps): FastifyPluginAsync {
  return async (app) => {
    const outbox = deps.store.outbox;
    app.get('/mailbox', { config: { page: 'admin' } }, async (request, reply) => {
      const s = pageOf(request);
      const messages = await outbox.list({ limit: 200 });
      // Stored emails hold placeholder links. Only without SMTP (this page is then the only way an owner's link is
      // seen) does the page show the working links, and only to administrators (the page is theirs).
      const shown = (text: string) => (deps.config.SMTP_URL ? text : materialiseOwnerLinks(text, deps.linkSecret));
      const { t } = s;
      const body = (
        <>
          <h1>{t('page.mailbox.title')}</h1>
          <p>{deps.config.SMTP_URL ? t('page.mailbox.smtp') : t('page.mailbox.local')}</p>
          <Table
            head={[
              t('page.mailbox.when'),
              t('page.mailbox.to'),
              t('page.mailbox.subject'),
              t('page.mailbox.kind'),
              t('page.mailbox.status'),
            ]}
          >
            {messages.map((m) => (
              <tr>
                <td>{m.createdAt.slice(0, 16).replace('T', ' ')}</td>
                <td>
                  {m.toName} &lt;{m.toAddress}&gt;
                </td>
                <td>
                  <details>
                    <summary>{m.subject}</summary>
                    <pre style="white-space:pre-wrap">{shown(m.text)}</pre>
                  </details>
                </td>
                <td>{m.kind}</td>
                <td>{m.status}</td>
              </tr>
            ))}
          </Table>
        </>
      );
      return sendPage(reply, 200, page(t('page.mailbox.title'), body, s.nav, s.chrome));
    });
  };
}
