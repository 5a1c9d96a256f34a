/** The cycle page: phase, each project's state with last and next send, the actions, documents and Temporal UI links. */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import {
  checkMechanismSessionDate,
  endOfDay,
  isoInstant,
  isoQuarter,
  nameIn,
  settledStates,
  slug,
  type Language,
  type Mechanism,
  type SessionDateCheck,
} from '../../domain';
import type { DocumentRecord, StoredSession } from '../../store';
import type { PendingSubmission } from '../../temporal/cycle-status';
import type { RouteDeps } from '../context';
import { within } from '../../temporal/bounded';
import { loadCycleView, type CycleProjectView, type CycleView } from '../cycle-view';
import { downloadLinks } from './exports';
import { page, written, type Markup, Table } from './layout';
import { dateShown } from './form-locale';
import { documentKindKey, phaseKey, stateKey } from './language';
import { pageOf, type PageSession } from './session';
import { inZone, lastMinuteBefore, timelineSection, viewerZone, viewerZones } from './timeline';

/**
 * How long the page waits for the running cycle's own answer (waiting for, follow-ups, the proposed session date)
 * before drawing itself from the records: a cycle busy with a 1,000-project fan-out answers its query late, and the
 * page must not wait for it.
 */
const PAGE_LIVE_WAIT_MS = 100;
/** How long the page waits to learn whether a worker polls the task queue (busy, or not answering at all). */
const WORKERS_CHECK_WAIT_MS = 1000;
/**
 * How long a cycle found busy is drawn from the records without asking it again: during a fan-out, pages read one
 * after the other do not each wait PAGE_LIVE_WAIT_MS for an answer that comes late. Counted from the page that asked
 * and found it busy; the first page after that asks again.
 */
const BUSY_KEPT_MS = 15_000;

const when = (iso?: string) => (iso ? iso.slice(0, 16).replace('T', ' ') : '');

/** GET /mechanisms/{m}/cycles/{q}. */
export function cyclePage(deps: RouteDeps): FastifyPluginAsync {
  return async (app) => {
    /** Cycles found busy, by workflow id, until when they are drawn from the records without asking. */
    const busyUntil = new Map<string, number>();
    app.get(
      '/mechanisms/:mechanismId/cycles/:quarter',
      {
        schema: {
          params: z.object({ mechanismId: slug, quarter: isoQuarter }),
          querystring: z.object({
            done: z.string().max(200).optional(),
            startsAt: z.string().max(40).optional(),
            zone: z.string().max(64).optional(),
          }),
        },
      },
      async (request, reply) => {
        const s = pageOf(request);
        const { mechanismId, quarter } = request.params as { mechanismId: string; quarter: string };
        const {
          done,
          startsAt: checkAt,
          zone: askedZone,
        } = request.query as {
          done?: string;
          startsAt?: string;
          zone?: string;
        };
        // The records and the cycle's own answer at once; the page does not wait for a cycle that is busy with its
        // fan-out (its query queues behind the workflow tasks): past PAGE_LIVE_WAIT_MS the records answer, and a cycle
        // found busy is not asked again until BUSY_KEPT_MS have passed.
        const key = `${mechanismId}/${quarter}`;
        const now = deps.now().getTime();
        const ask = (busyUntil.get(key) ?? 0) <= now;
        const [view, [mechanism, projects, documents, decisions, stored, record, emails]] = await Promise.all([
          loadCycleView(deps, mechanismId, quarter, ask ? PAGE_LIVE_WAIT_MS : 0),
          Promise.all([
            deps.store.mechanisms.get(mechanismId),
            deps.store.projects.list(mechanismId),
            deps.store.documents.list(mechanismId, quarter),
            deps.store.decisions.listForCycle(mechanismId, quarter),
            deps.store.sessions.get(mechanismId, quarter),
            deps.store.cycles.get(mechanismId, quarter),
            deps.store.outbox.countByKind(mechanismId, quarter),
          ]),
        ]);
        // A cycle that did not answer while a worker polls its queue is busy: its records are current to the last
        // step, and its commands still go to the workflow, which checks them. Without a worker, or without Temporal,
        // nothing would act on a command: the page says so and offers none.
        const reached = view.unanswered
          ? await within((signal) => deps.cycles.workersPolling(signal), WORKERS_CHECK_WAIT_MS)
          : undefined;
        const busy = reached?.answered === true && reached.value !== false;
        if (!busy) busyUntil.delete(key);
        else if (ask) busyUntil.set(key, now + BUSY_KEPT_MS);
        const { t, language } = s;
        const zone = viewerZone(mechanism!, askedZone);
        // Looked up once per row: maps, so that a 1,000-project cycle's page is not a million comparisons.
        const titles = new Map(projects.map((p) => [p.id, nameIn(p, 'title', language)]));
        const names = new Map(mechanism!.contacts.map((c) => [c.id, nameIn(c, 'name', language)]));
        // Forms only for those who may act: an observer sees the same page without them.
        const open = s.canAct && (view.source === 'workflow' || busy) && view.phase !== 'closed';
        const parts: PageParts = {
          t,
          language,
          base: `/mechanisms/${mechanismId}/cycles/${quarter}`,
          zone,
          local: inZone(zone, language),
          title: (id) => titles.get(id) ?? id,
          contactName: (id) => (id && names.get(id)) ?? id ?? '',
          csrf: () => <input type="hidden" name="csrf" value={s.csrf} />,
          open,
          collecting: open && view.phase === 'collecting',
        };
        const { base, local, title, contactName } = parts;
        // Once the workflow has ended only the records know the session: fall back to the stored one.
        // Rescheduling starts from the session as convened (same venue, chairs and attendees), not from the defaults.
        const current = stored?.status === 'scheduled' ? stored : undefined;
        const session_ =
          view.session ?? (stored && { sequence: stored.sequence, startsAt: stored.startsAt, status: stored.status });
        // The date shown in the convene form, checked against both sides' calendars before anyone presses the button.
        const proposed =
          checkAt && isoInstant.safeParse(checkAt).success ? checkAt : (session_?.startsAt ?? view.proposedSessionAt);
        const check =
          open && view.phase === 'convening' && proposed ? checkMechanismSessionDate(mechanism!, proposed) : undefined;
        const heading = t('page.cycle.title', { mechanism: nameIn(mechanism!, 'name', language), quarter });
        // Each form appears only in the phase where the workflow accepts it (convene while convening, decisions once the
        // session has started), so the officer is not offered buttons that can only be refused; close is always there.
        const body = (
          <>
            <h1>{heading}</h1>
            {done && (
              <div class="notice" role="status" id="done">
                {done}
              </div>
            )}
            <p>
              {t('page.cycle.phase')}{' '}
              <span class="state" id="phase">
                {t(phaseKey(view.phase))}
              </span>
              {view.waitingFor && (
                <>
                  {t('page.cycle.waitingFor')}
                  {written(view.waitingFor, language)}
                </>
              )}
              {t('page.sentenceEnd')} {t('page.cycle.due', { date: dateShown(view.dueDate, language) })}
              {t('page.listSeparator')}
              {t('page.cycle.cutoff', {
                at: view.cutoffAt ? `${local(lastMinuteBefore(view.cutoffAt))} (${zone})` : '—',
              })}{' '}
              <a href={deps.cycles.workflowUiUrl(view.workflowId)}>{t('page.cycle.cycleWorkflowLink')}</a>
              {t('page.sentenceEnd')}
            </p>
            {busy ? (
              <p class="notice" role="status" id="busy">
                {t('page.cycle.busy')}
              </p>
            ) : view.unanswered ? (
              <div class="alert" role="alert" id="unanswered">
                {t('page.cycle.unanswered')}
              </div>
            ) : (
              view.source === 'store' && (
                <p>
                  <small>{t('page.cycle.ended')}</small>
                </p>
              )
            )}
            {timelineSection(
              {
                now: deps.now().toISOString(),
                openedAt: view.openedAt,
                closedAt: record?.closedAt,
                dueAt: view.dueDate ? endOfDay(view.dueDate, mechanism!.timeZone) : undefined,
                cutoffAt: view.cutoffAt,
                emails,
                reports: [
                  ...new Map(
                    documents
                      .filter((d) => d.kind === 'report')
                      .map((d) => [d.version, { version: d.version, createdAt: d.createdAt }]),
                  ).values(),
                ],
                session: session_ && { startsAt: session_.startsAt, status: session_.status },
                minutesAt: documents.find((d) => d.kind === 'minutes')?.createdAt,
                nextSends: view.projects.flatMap((p) =>
                  p.nextSendAt && !settledStates.includes(p.state)
                    ? [{ projectId: p.projectId, at: p.nextSendAt }]
                    : [],
                ),
              },
              { zone, zones: viewerZones(mechanism!), base, title, language, t },
            )}
            <h2>{t('page.cycle.updates')}</h2>
            {downloadLinks(`${base}/export`, t)}
            {
              // The contacts a project can be reassigned to, once for every row's field (a list per row would make a
              // 1,000-project page a million options).
              open && (
                <datalist id="contacts">
                  {mechanism!.contacts.map((c) => (
                    <option value={c.id}>{contactName(c.id)}</option>
                  ))}
                </datalist>
              )
            }
            <Table
              head={[
                t('page.cycle.project'),
                t('page.cycle.state'),
                t('page.cycle.owner'),
                t('page.cycle.lastSend', { zone }),
                t('page.cycle.nextSend', { zone }),
                t('page.cycle.actions'),
              ]}
            >
              {view.projects.map((p) => projectRow(p, deps.cycles.workflowUiUrl(p.workflowId), parts))}
            </Table>
            {view.pendingSubmissions.length > 0 && pendingSection(view.pendingSubmissions, parts)}
            <h2>{t('page.cycle.session')}</h2>
            <p>
              {session_
                ? t('page.cycle.sessionAt', {
                    status: session_.status,
                    at: `${local(session_.startsAt)} ${zone}`,
                    sequence: session_.sequence,
                  })
                : t('page.cycle.notConvened')}
            </p>
            {check && sessionCheckSection(check, parts)}
            {followUpsSection(view, parts)}
            {open &&
              view.phase === 'convening' &&
              conveneForms(parts, {
                mechanism: mechanism!,
                current,
                startsAt: checkAt ?? session_?.startsAt ?? '',
                scheduled: session_?.status === 'scheduled',
                needsConfirmation: check?.needsConfirmation === true,
              })}
            {open && (view.phase === 'in-session' || view.phase === 'recording') && decisionsForm(parts)}
            {open && (
              <form method="post" action={`${base}/close`}>
                {parts.csrf()}
                <button class="secondary">{t('page.cycle.close')}</button>
              </form>
            )}
            <h2>{t('page.cycle.decisions')}</h2>
            {decisions.length ? (
              <ol>
                {decisions.map((d) => (
                  <li>{written(d.text, language)}</li>
                ))}
              </ol>
            ) : (
              <p>{t('page.cycle.noDecisions')}</p>
            )}
            <h2>{t('page.cycle.documents')}</h2>
            {documentsSection(documents, parts)}
          </>
        );
        return reply
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(page(heading, body, s.nav, s.chrome));
      },
    );
  };
}

/** What the parts of one cycle page share, built once per page. */
interface PageParts {
  t: PageSession['t'];
  language: Language;
  /** The cycle page's path. */
  base: string;
  /** The zone the page shows times in. */
  zone: string;
  /** An instant in that zone (memoised per minute: a page shows thousands). */
  local: (iso: string | undefined) => string;
  /** A project's title, a contact's name, in the page's language (the id when unknown). */
  title: (projectId: string) => string;
  contactName: (contactId?: string) => string;
  /** The hidden CSRF field, a new element for each form. */
  csrf: () => Markup;
  /** Whether the officer is offered the forms (they may act and the cycle takes commands), and the submission link. */
  open: boolean;
  collecting: boolean;
}

/**
 * One project's row: its state, owner, last and next send, and its actions while it is not settled. A plain function,
 * not a component: a 1,000-project page builds a thousand of them.
 */
function projectRow(p: CycleProjectView, workflowLink: string, parts: PageParts): Markup {
  const { t, title, csrf } = parts;
  const project = `${parts.base}/projects/${p.projectId}`;
  return (
    <tr id={`project-${p.projectId}`}>
      <td>
        {title(p.projectId)}
        <br />
        <small>
          <a href={workflowLink}>{t('page.cycle.workflowLink')}</a>
        </small>
      </td>
      <td>
        <span class={`state state-${p.state}`}>{t(stateKey(p.state))}</span>
        {p.late && (
          <>
            {' '}
            <span class="state state-overdue">{t('page.cycle.late')}</span>
          </>
        )}
        {!!p.revision && (
          <>
            <br />
            <small>{t('page.cycle.revision', { revision: p.revision })}</small>
          </>
        )}
      </td>
      <td>{parts.contactName(p.ownerId)}</td>
      <td>{parts.local(p.lastSendAt)}</td>
      <td>{parts.local(p.nextSendAt)}</td>
      <td>
        {parts.open && !settledStates.includes(p.state) && (
          <>
            <form method="post" action={`${project}/extend`} class="inline">
              {csrf()}
              <input
                name="dueDate"
                aria-label={t('page.cycle.newDueDateFor', { project: title(p.projectId) })}
                placeholder="YYYY-MM-DD"
                style="width:8.5rem"
              />
              <button>{t('page.cycle.extend')}</button>
            </form>{' '}
            {parts.collecting && (
              <>
                <a href={`${project}/submission`}>{t('page.cycle.submitOnBehalf')}</a>
                <br />
              </>
            )}
            <form method="post" action={`${project}/waive`} class="inline">
              {csrf()}
              <button class="secondary">{t('page.cycle.waive')}</button>
            </form>{' '}
            <form method="post" action={`${project}/reassign`} class="inline">
              {csrf()}
              <input
                name="ownerId"
                list="contacts"
                placeholder={p.ownerId ?? t('page.cycle.contactId')}
                aria-label={t('page.cycle.newOwnerFor', { project: title(p.projectId) })}
                style="width:10rem"
              />
              <button class="secondary">{t('page.cycle.reassign')}</button>
            </form>
          </>
        )}
      </td>
    </tr>
  );
}

/** Submissions recorded by the intake that their workflow has not applied yet, with the last error. */
function pendingSection(pending: PendingSubmission[], { t, language, zone, local, title, contactName }: PageParts) {
  return (
    <>
      <h2 id="pending">{t('page.cycle.pending')}</h2>
      <p>
        <small>{t('page.cycle.pendingNote')}</small>
      </p>
      <Table
        head={[
          t('page.cycle.project'),
          t('page.cycle.received', { zone }),
          t('page.cycle.by'),
          t('page.cycle.attempts'),
          t('page.cycle.lastError'),
        ]}
      >
        {pending.map((p) => (
          <tr>
            <td>{title(p.projectId)}</td>
            <td>{local(p.receivedAt)}</td>
            <td>{contactName(p.submittedBy)}</td>
            <td>{p.attempts}</td>
            <td>{p.lastError && written(p.lastError, language)}</td>
          </tr>
        ))}
      </Table>
    </>
  );
}

/**
 * The convene (or reschedule) form, filled from the session as convened or the mechanism's defaults, and the cancel
 * form once a session is scheduled. A date that is a holiday on a side asks for its confirmation.
 */
function conveneForms(
  { t, base, csrf }: PageParts,
  session: {
    mechanism: Mechanism;
    current: StoredSession | undefined;
    startsAt: string;
    scheduled: boolean;
    needsConfirmation: boolean;
  },
) {
  const { mechanism, current } = session;
  return (
    <>
      <form method="post" action={`${base}/convene`} class="card">
        {csrf()}
        <div class="row">
          <div>
            <label for="startsAt">{t('page.cycle.startsAt')}</label>
            <input id="startsAt" name="startsAt" placeholder="2026-03-20T09:00:00+02:00" value={session.startsAt} />
          </div>
          <div>
            <label for="venue">{t('page.cycle.venue')}</label>
            <input id="venue" name="venue" maxlength={200} value={current?.venue ?? mechanism.venue ?? ''} />
          </div>
        </div>
        <div class="row">
          <div>
            <label for="chairs">{t('page.cycle.chairs')}</label>
            <input
              id="chairs"
              name="chairs"
              value={(current?.chairs ?? mechanism.sides.map((sd) => sd.chair).filter(Boolean)).join(', ')}
            />
          </div>
          <div>
            <label for="attendees">{t('page.cycle.attendees')}</label>
            <input
              id="attendees"
              name="attendees"
              value={(current?.attendees ?? mechanism.contacts.map((c) => c.id)).join(', ')}
            />
          </div>
        </div>
        {session.needsConfirmation && (
          <label>
            <input type="checkbox" name="holidayConfirmed" value="yes" id="holidayConfirmed" />{' '}
            {t('page.cycle.holidayConfirm')}
          </label>
        )}
        <button type="submit">{session.scheduled ? t('page.cycle.reschedule') : t('page.cycle.convene')}</button>
      </form>
      {session.scheduled && (
        <form method="post" action={`${base}/cancel-session`}>
          {csrf()}
          <button class="secondary">{t('page.cycle.cancelSession')}</button>
        </form>
      )}
    </>
  );
}

/** The form that records the session's decisions and action items (one per line). */
function decisionsForm({ t, base, csrf }: PageParts) {
  return (
    <form method="post" action={`${base}/decisions`} class="card">
      {csrf()}
      <h2>{t('page.cycle.recordDecisions')}</h2>
      <label for="decisions">{t('page.cycle.decisionsLabel')}</label>
      <textarea id="decisions" name="decisions" maxlength={20000}></textarea>
      <label for="actions">{t('page.cycle.actionsLabel')}</label>
      <textarea id="actions" name="actions" maxlength={20000}></textarea>
      <button type="submit">{t('page.cycle.recordDecisions')}</button>
    </form>
  );
}

/** The cycle's documents, each version and format a download link. */
function documentsSection(documents: DocumentRecord[], { t, zone, local }: PageParts) {
  if (documents.length === 0) return <p>{t('page.cycle.noDocuments')}</p>;
  return (
    <Table
      head={[
        t('page.cycle.document'),
        t('page.cycle.version'),
        t('page.cycle.format'),
        t('page.cycle.created', { zone }),
      ]}
    >
      {documents.map((d) => (
        <tr>
          <td>{t(documentKindKey(d.kind))}</td>
          <td>{d.version}</td>
          <td>
            <a href={`/documents/${encodeURIComponent(d.id)}`}>{d.format.toUpperCase()}</a>
          </td>
          <td>{local(d.createdAt)}</td>
        </tr>
      ))}
    </Table>
  );
}

/** The session date check: warnings for holidays on either side, and dates both sides work (links re-check them). */
function sessionCheckSection(check: SessionDateCheck, { t, language, base }: PageParts): Markup {
  const sides = check.sides
    .map((c) => `${c.sideId}: ${c.localDate} ${String(c.localHour).padStart(2, '0')}:00 ${c.timeZone}`)
    .join('; ');
  return (
    <section class="card" id="session-check" role={check.needsConfirmation ? 'alert' : undefined}>
      <h3>{t('page.check.title', { at: `${when(check.startsAt)} UTC` })}</h3>
      <p>{sides}</p>
      {check.needsConfirmation ? (
        <>
          <ul class="warnings">
            {check.warnings.map((w) => (
              <li class="state state-overdue">{written(w, language)}</li>
            ))}
          </ul>
          <p>{t('page.check.confirm')}</p>
        </>
      ) : (
        <p>{t('page.check.workingDay')}</p>
      )}
      <p>
        {t('page.check.alternatives')}{' '}
        {check.alternatives.map((a, i) => (
          <>
            {i > 0 && t('page.listSeparator')}
            <a href={`${base}?startsAt=${encodeURIComponent(a)}`}>{when(a)} UTC</a>
          </>
        ))}
      </p>
    </section>
  );
}

/**
 * What the cycle's commands still do after they answered, and how far the cycle's own emails are: "invitation-s1: 5
 * of 7 sent". Shown while something is pending or has failed, or once the cycle has sent emails of its own.
 */
function followUpsSection(view: CycleView, { t, language }: PageParts): Markup {
  const { followUps = [], deliveries } = view;
  if (followUps.length === 0 && deliveries.length === 0) return null;
  return (
    <>
      <h2 id="sending">{t('page.sending.title')}</h2>
      {followUps.length > 0 && (
        <ul>
          {followUps.map((f) => (
            <li>
              <code>{f.step}</code>: {t(`page.sending.${f.state}`)}
              {f.reason && <> — {written(f.reason, language)}</>}
            </li>
          ))}
        </ul>
      )}
      <Table head={[t('page.sending.step'), t('page.sending.sent'), t('page.sending.undeliverable')]}>
        {deliveries.map((d) => (
          <tr>
            <td>
              <code>{d.step}</code>
            </td>
            <td>{t('page.sending.sentOf', { sent: d.sent, total: d.total })}</td>
            <td>{d.undeliverable || ''}</td>
          </tr>
        ))}
      </Table>
    </>
  );
}
