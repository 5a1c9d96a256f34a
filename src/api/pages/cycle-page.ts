/** The cycle page: phase, each project's state with last and next send, the actions, documents and Temporal UI links. */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  checkMechanismSessionDate,
  endOfDay,
  isoInstant,
  isoQuarter,
  settledStates,
  slug,
  type SessionDateCheck,
} from '../../domain';
import type { RouteDeps } from '../context';
import { within } from '../../temporal/bounded';
import { loadCycleView, type CycleView } from '../cycle-view';
import { downloadLinks } from './exports';
import { html, page } from './html';
import type { PageSession } from './secretariat';
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
 * after the other do not each wait PAGE_LIVE_WAIT_MS for an answer that comes late.
 */
const BUSY_KEPT_MS = 5000;

type SessionOf = (request: FastifyRequest, reply: FastifyReply) => Promise<PageSession | undefined>;
const when = (iso?: string) => (iso ? iso.slice(0, 16).replace('T', ' ') : '');

/** GET /mechanisms/{m}/cycles/{q}. */
export function cyclePage(deps: RouteDeps, session: SessionOf): FastifyPluginAsync {
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
        const s = await session(request, reply);
        if (!s) return reply;
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
        // fan-out (its query queues behind the workflow tasks): past PAGE_LIVE_WAIT_MS the records answer.
        const key = `${mechanismId}/${quarter}`;
        const polling = within((signal) => deps.cycles.workersPolling(signal), WORKERS_CHECK_WAIT_MS);
        const [view, [mechanism, projects, documents, decisions, stored, record, emails]] = await Promise.all([
          loadCycleView(deps, mechanismId, quarter, (busyUntil.get(key) ?? 0) > Date.now() ? 0 : PAGE_LIVE_WAIT_MS),
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
        // A cycle that did not answer in time while a worker polls its queue is busy: its records are current to
        // the last step, and its commands still go to the workflow, which checks them. Without a worker, or without
        // Temporal, nothing would act on a command: the page says so and offers none.
        const reached = view.unanswered ? await polling : undefined;
        const busy = reached?.answered === true && reached.value !== false;
        if (busy) busyUntil.set(key, Date.now() + BUSY_KEPT_MS);
        else busyUntil.delete(key);
        const zone = viewerZone(mechanism!, askedZone);
        const local = inZone(zone);
        // Looked up once per row: maps, so that a 1,000-project cycle's page is not a million comparisons.
        const titles = new Map(projects.map((p) => [p.id, p.title]));
        const names = new Map(mechanism!.contacts.map((c) => [c.id, c.name]));
        const title = (id: string) => titles.get(id) ?? id;
        const contactName = (id?: string) => (id && names.get(id)) ?? id ?? '';
        const base = `/mechanisms/${mechanismId}/cycles/${quarter}`;
        const csrf = html`<input type="hidden" name="csrf" value="${s.csrf}">`;
        // Forms only for those who may act: an observer sees the same page without them.
        const open = s.canAct && (view.source === 'workflow' || busy) && view.phase !== 'closed';
        const collecting = open && view.phase === 'collecting';
        // Each form appears only in the phase where the workflow accepts it (convene while convening, decisions once the
        // session has started), so the officer is not offered buttons that can only be refused; close is always there.
        const rows = view.projects.map((p) => {
          const settled = settledStates.includes(p.state);
          return html`<tr id="project-${p.projectId}"><td>${title(p.projectId)}<br><small><a href="${deps.cycles.workflowUiUrl(p.workflowId)}">workflow in Temporal UI</a></small></td>
<td><span class="state state-${p.state}">${p.state}</span>${p.late ? html` <span class="state state-overdue">late</span>` : ''}${p.revision ? html`<br><small>revision ${p.revision}</small>` : ''}</td>
<td>${contactName(p.ownerId)}</td><td>${local(p.lastSendAt)}</td><td>${local(p.nextSendAt)}</td>
<td>${
            open && !settled
              ? html`<form method="post" action="${base}/projects/${p.projectId}/extend" class="inline">${csrf}<input name="dueDate" aria-label="New due date for ${title(p.projectId)}" placeholder="YYYY-MM-DD" style="width:8.5rem"><button>Extend</button></form>
${collecting ? html`<a href="${base}/projects/${p.projectId}/submission">Submit on behalf</a><br>` : ''}<form method="post" action="${base}/projects/${p.projectId}/waive" class="inline">${csrf}<button class="secondary">Waive</button></form>
<form method="post" action="${base}/projects/${p.projectId}/reassign" class="inline">${csrf}<input name="ownerId" list="contacts" placeholder="${p.ownerId ?? 'contact id'}" aria-label="New owner for ${title(p.projectId)} (contact id)" style="width:10rem"><button class="secondary">Reassign</button></form>`
              : ''
          }</td></tr>`;
        });
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
        const body = html`<h1>${mechanism!.name}: cycle ${quarter}</h1>
${done ? html`<div class="notice" role="status">${done}</div>` : ''}
<p>Phase <span class="state" id="phase">${view.phase}</span>${view.waitingFor ? html` — waiting for ${view.waitingFor}` : ''}. Due ${view.dueDate ?? '—'}, collection closes ${view.cutoffAt ? html`${local(lastMinuteBefore(view.cutoffAt))} (${zone})` : '—'}.
<a href="${deps.cycles.workflowUiUrl(view.workflowId)}">Open the cycle workflow in Temporal UI</a>.</p>
${
  busy
    ? html`<p class="notice" role="status" id="busy">The cycle's workflow is busy and did not answer at once: each project's state is as its update last recorded it, and what the cycle's commands still do shows once it answers. Reload for the live view.</p>`
    : view.unanswered
      ? html`<div class="alert" role="alert" id="unanswered">Temporal or the worker is not answering right now: this page shows the records as last saved, which may be behind. Actions are unavailable until it is back.</div>`
      : view.source === 'store'
        ? html`<p><small>The workflow has ended; this page shows the records.</small></p>`
        : ''
}
${timelineSection(
  {
    now: deps.now().toISOString(),
    openedAt: view.openedAt ?? record?.openedAt,
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
      p.nextSendAt && !settledStates.includes(p.state) ? [{ projectId: p.projectId, at: p.nextSendAt }] : [],
    ),
  },
  { zone, zones: viewerZones(mechanism!), base, title },
)}
<h2>Project updates</h2>
${downloadLinks(`${base}/export`, s.t)}
${
  // The contacts a project can be reassigned to, once for every row's field (a list per row would make a 1,000-project
  // page a million options).
  open
    ? html`<datalist id="contacts">${mechanism!.contacts.map((c) => html`<option value="${c.id}">${c.name}</option>`)}</datalist>`
    : ''
}
<table><thead><tr><th>Project</th><th>State</th><th>Owner</th><th>Last send (${zone})</th><th>Next send (${zone})</th><th>Actions</th></tr></thead><tbody>${rows}</tbody></table>
${
  view.pendingSubmissions.length
    ? html`<h2 id="pending">Recorded, not yet applied</h2>
<p><small>These submissions are safely recorded; they reach their workflow as soon as the worker and Temporal answer.</small></p>
<table><thead><tr><th>Project</th><th>Received (${zone})</th><th>By</th><th>Attempts</th><th>Last error</th></tr></thead><tbody>${view.pendingSubmissions.map(
        (p) =>
          html`<tr><td>${title(p.projectId)}</td><td>${local(p.receivedAt)}</td><td>${contactName(p.submittedBy)}</td><td>${p.attempts}</td><td>${p.lastError ?? ''}</td></tr>`,
      )}</tbody></table>`
    : ''
}

<h2>Session</h2>
<p>${session_ ? html`Session ${session_.status} for ${local(session_.startsAt)} ${zone} (invitation sequence ${session_.sequence}).` : 'Not convened yet.'}</p>
${check ? sessionCheckSection(check, base) : ''}
${followUpsSection(view)}
${
  open && view.phase === 'convening'
    ? html`<form method="post" action="${base}/convene" class="card">${csrf}<div class="row">
<div><label for="startsAt">Starts at (ISO, with offset; empty = proposed date)</label><input id="startsAt" name="startsAt" placeholder="2026-03-20T09:00:00+02:00" value="${checkAt ?? session_?.startsAt ?? ''}"></div>
<div><label for="venue">Venue</label><input id="venue" name="venue" maxlength="200" value="${current?.venue ?? mechanism!.venue ?? ''}"></div></div>
<div class="row"><div><label for="chairs">Chairs (contact ids, comma-separated)</label><input id="chairs" name="chairs" value="${(current?.chairs ?? mechanism!.sides.map((sd) => sd.chair).filter(Boolean)).join(', ')}"></div>
<div><label for="attendees">Attendees (contact ids, comma-separated)</label><input id="attendees" name="attendees" value="${(current?.attendees ?? mechanism!.contacts.map((c) => c.id)).join(', ')}"></div></div>
${check?.needsConfirmation ? html`<label><input type="checkbox" name="holidayConfirmed" value="yes" id="holidayConfirmed"> Convene on this date although it is a holiday on a side (the invitation will say so)</label>` : ''}
<button type="submit">${session_?.status === 'scheduled' ? 'Reschedule session' : 'Convene session'}</button></form>
${session_?.status === 'scheduled' ? html`<form method="post" action="${base}/cancel-session">${csrf}<button class="secondary">Cancel the session</button></form>` : ''}`
    : ''
}
${
  open && (view.phase === 'in-session' || view.phase === 'recording')
    ? html`<form method="post" action="${base}/decisions" class="card">${csrf}<h2>Record decisions</h2>
<label for="decisions">Decisions, one per line</label><textarea id="decisions" name="decisions" maxlength="20000"></textarea>
<label for="actions">Action items, one per line: title | owner contact id | due date YYYY-MM-DD</label><textarea id="actions" name="actions" maxlength="20000"></textarea>
<button type="submit">Record decisions</button></form>`
    : ''
}
${
  open
    ? html`<form method="post" action="${base}/close">${csrf}<button class="secondary">Close the cycle</button></form>`
    : ''
}
<h2>Decisions</h2>${decisions.length ? html`<ol>${decisions.map((d) => html`<li>${d.text}</li>`)}</ol>` : html`<p>None recorded.</p>`}
<h2>Documents</h2>
${
  documents.length
    ? html`<table><thead><tr><th>Document</th><th>Version</th><th>Format</th><th>Created (${zone})</th></tr></thead><tbody>${documents.map(
        (d) =>
          html`<tr><td>${d.kind}</td><td>${d.version}</td><td><a href="/documents/${encodeURIComponent(d.id)}">${d.format.toUpperCase()}</a></td><td>${local(d.createdAt)}</td></tr>`,
      )}</tbody></table>`
    : html`<p>No documents yet.</p>`
}`;
        return reply
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(page(`Cycle ${mechanismId} ${quarter}`, body, s.nav));
      },
    );
  };
}

/** The session date check: warnings for holidays on either side, and dates both sides work (links re-check them). */
function sessionCheckSection(check: SessionDateCheck, base: string) {
  const sides = check.sides
    .map((c) => html`${c.sideId}: ${c.localDate} ${String(c.localHour).padStart(2, '0')}:00 ${c.timeZone}`)
    .map(String)
    .join('; ');
  return html`<section class="card" id="session-check"${check.needsConfirmation ? html` role="alert"` : ''}>
<h3>Session date check: ${when(check.startsAt)} UTC</h3>
<p>${sides}</p>
${
  check.needsConfirmation
    ? html`<ul class="warnings">${check.warnings.map((w) => html`<li class="state state-overdue">${w}</li>`)}</ul><p>Convening on this date needs your confirmation below.</p>`
    : html`<p>A working day on every side.</p>`
}
<p>Next dates both sides work: ${check.alternatives.map((a, i) => html`${i ? ', ' : ''}<a href="${base}?startsAt=${encodeURIComponent(a)}">${when(a)} UTC</a>`)}</p>
</section>`;
}

/**
 * What the cycle's commands still do after they answered, and how far the cycle's own emails are: "invitation-s1: 5
 * of 7 sent". Shown while something is pending or has failed, or once the cycle has sent emails of its own.
 */
function followUpsSection(view: CycleView) {
  const { followUps = [], deliveries } = view;
  if (followUps.length === 0 && deliveries.length === 0) return '';
  const doing = { waiting: 'waiting', running: 'under way', failed: 'failed' } as const;
  return html`<h2 id="sending">Sending</h2>
${
  followUps.length
    ? html`<ul>${followUps.map(
        (f) => html`<li><code>${f.step}</code>: ${doing[f.state]}${f.reason ? html` — ${f.reason}` : ''}</li>`,
      )}</ul>`
    : ''
}
<table><thead><tr><th>Step</th><th>Sent</th><th>Undeliverable</th></tr></thead><tbody>${deliveries.map(
    (d) =>
      html`<tr><td><code>${d.step}</code></td><td>${d.sent} of ${d.total}</td><td>${d.undeliverable || ''}</td></tr>`,
  )}</tbody></table>`;
}
