/**
 * The quarterly update as an HTML form: fields in and out, validated by the domain's Submission schema so the
 * form, the API and the workflow apply one rule set. What the owner typed is always echoed back on errors.
 */
import { StatusRating, Submission, type SubmissionInput } from '../../domain';
import type { ActionItemRecord } from '../../store';
import { html, type Safe } from './html';

/** Raw form values by field name (strings as typed). */
export type FormValues = Record<string, string>;
/** Error messages by form field name. */
export type FormErrors = Record<string, string>;

const TEXT_FIELDS = [
  ['achievements', 'Achievements this quarter', 5000],
  ['challenges', 'Challenges', 5000],
  ['supportRequested', 'Support requested from the mechanism (leave empty if none)', 3000],
  ['nextSteps', 'Next steps', 3000],
] as const;

const STATUS_LABELS: Record<StatusRating, string> = {
  'on-track': 'On track',
  'at-risk': 'At risk',
  'off-track': 'Off track',
  completed: 'Completed',
  'not-started': 'Not started',
};

/** Form values from a stored submission (to pre-fill from last quarter or the latest revision). */
export function valuesFromSubmission(s: Partial<Submission> | undefined): FormValues {
  if (!s) return {};
  return {
    status: s.status ?? '',
    statusReason: s.statusReason ?? '',
    progressPercent: s.progressPercent === undefined ? '' : String(s.progressPercent),
    achievements: s.achievements ?? '',
    challenges: s.challenges ?? '',
    supportRequested: s.supportRequested ?? '',
    nextSteps: s.nextSteps ?? '',
    // Action items reported done stay ticked when the owner comes back to amend.
    ...Object.fromEntries(
      (s.actionItemUpdates ?? []).filter((u) => u.done).map((u) => [`done-${u.actionItemId}`, 'on']),
    ),
  };
}

/** Parses posted form fields into a submission, or the per-field errors (keyed by form field name). */
export function parseSubmissionForm(
  body: Record<string, unknown>,
  actionItems: ActionItemRecord[],
):
  | { ok: true; submission: SubmissionInput; values: FormValues }
  | { ok: false; errors: FormErrors; values: FormValues } {
  const values: FormValues = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string') values[k] = v;
  const progress = (values.progressPercent ?? '').trim();
  const input = {
    status: values.status || undefined,
    statusReason: values.statusReason?.trim() ? values.statusReason : undefined,
    progressPercent: progress === '' ? undefined : /^-?\d+$/.test(progress) ? Number(progress) : Number.NaN,
    achievements: values.achievements ?? '',
    challenges: values.challenges ?? '',
    supportRequested: values.supportRequested ?? '',
    nextSteps: values.nextSteps ?? '',
    actionItemUpdates: actionItems
      .filter((a) => values[`done-${a.id}`] === 'on')
      .map((a) => ({ actionItemId: a.id, done: true })),
  };
  const parsed = Submission.safeParse(input);
  if (parsed.success) return { ok: true, submission: input as SubmissionInput, values };
  const errors: FormErrors = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? 'form');
    const message =
      // One plain sentence for every progress mistake (empty, not a number, out of range) rather than zod's wording.
      field === 'progressPercent'
        ? 'enter a whole number from 0 to 100'
        : field === 'status' && !input.status
          ? 'choose a status'
          : issue.message;
    errors[field] ??= message;
  }
  return { ok: false, errors, values };
}

const fieldError = (errors: FormErrors, name: string) =>
  errors[name] && html`<div class="error" id="${name}-error" role="alert">${errors[name]}</div>`;
const cls = (errors: FormErrors, name: string) => (errors[name] ? 'field-error' : '');
// Screen readers announce the error with the field it belongs to.
const invalid = (errors: FormErrors, name: string) =>
  errors[name] && html` aria-invalid="true" aria-describedby="${name}-error"`;

/** The update form's fields (status, progress, texts, action items), filled with `values`, errors next to fields. */
export function submissionFields(values: FormValues, errors: FormErrors, actionItems: ActionItemRecord[]): Safe {
  return html`
  <div class="${cls(errors, 'status')}"><label for="status">Status this quarter</label>
  <select id="status" name="status" required${invalid(errors, 'status')}><option value="">Choose...</option>${StatusRating.options.map(
    (s) => html`<option value="${s}"${values.status === s ? html` selected` : ''}>${STATUS_LABELS[s]}</option>`,
  )}</select>${fieldError(errors, 'status')}</div>
  <div class="${cls(errors, 'statusReason')}"><label for="statusReason">Reason for this status <small>(required unless on track or completed)</small></label>
  <textarea id="statusReason" name="statusReason" maxlength="1000"${invalid(errors, 'statusReason')}>${values.statusReason ?? ''}</textarea>${fieldError(errors, 'statusReason')}</div>
  <div class="${cls(errors, 'progressPercent')}"><label for="progressPercent">Progress (%)</label>
  <input id="progressPercent" name="progressPercent" inputmode="numeric" value="${values.progressPercent ?? ''}"${invalid(errors, 'progressPercent')}>${fieldError(errors, 'progressPercent')}</div>
  ${TEXT_FIELDS.map(
    ([name, label, max]) => html`<div class="${cls(errors, name)}"><label for="${name}">${label}</label>
  <textarea id="${name}" name="${name}" maxlength="${max}"${invalid(errors, name)}>${values[name] ?? ''}</textarea>${fieldError(errors, name)}</div>`,
  )}
  ${
    actionItems.length
      ? html`<h2>Your open action items</h2>${actionItems.map(
          (a) =>
            html`<label><input type="checkbox" style="width:auto" name="done-${a.id}"${values[`done-${a.id}`] === 'on' ? html` checked` : ''}> ${a.title} <small>(due ${a.dueDate}) — tick when done</small></label>`,
        )}`
      : ''
  }`;
}

/** The revision a form was based on, as posted in its hidden `baseRevision` field (absent in forms from before). */
export function postedBaseRevision(body: Record<string, unknown>): number | undefined {
  const raw = body.baseRevision;
  return typeof raw === 'string' && /^\d{1,6}$/.test(raw) ? Number(raw) : undefined;
}

/** The hidden field that carries the revision a form shows, so that a newer revision saved meanwhile is noticed. */
export const baseRevisionField = (revision: number): Safe =>
  html`<input type="hidden" name="baseRevision" value="${revision}" />`;

const READ_FIELDS = [
  ['status', 'Status'],
  ['statusReason', 'Reason for this status'],
  ['progressPercent', 'Progress (%)'],
  ['achievements', 'Achievements'],
  ['challenges', 'Challenges'],
  ['supportRequested', 'Support requested'],
  ['nextSteps', 'Next steps'],
] as const;

const readOnly = (values: FormValues): Safe =>
  html`<dl>
    ${READ_FIELDS.map(
      ([name, label]) =>
        html`<dt>${label}</dt>
          <dd style="white-space:pre-wrap">${(name === 'status' ? STATUS_LABELS[values.status as StatusRating] : values[name]) || '—'}</dd>`,
    )}
  </dl>`;

/**
 * Two people edited at once: the text saved meanwhile (`stored`, newer than the one the sender's form showed) next
 * to the sender's own, which is nothing lost: it stays in the form below, ready to save over the newer revision.
 * `keepStoredHref` reloads the form with the stored text.
 */
export function conflictNotice(
  stored: { revision: number; submittedBy: string; receivedAt: string; body: Partial<Submission> } | undefined,
  mine: FormValues,
  currentRevision: number,
  keepStoredHref: string,
): Safe {
  const storedValues = valuesFromSubmission(stored?.body);
  return html`<div class="alert" role="alert">
      <strong>Not saved yet: someone saved revision ${currentRevision} of this update while you were editing.</strong>
      Your text is not lost: compare both below, then either save yours over revision ${currentRevision}, or keep the
      saved one.
    </div>
    <div class="card conflict">
      <h2>
        Saved meanwhile: revision
        ${currentRevision}${stored ? html` (${stored.receivedAt.slice(0, 16).replace('T', ' ')} UTC)` : ''}
      </h2>
      ${stored ? readOnly(storedValues) : html`<p>The saved text is being processed; reload in a moment to read it.</p>`}
      <p><a href="${keepStoredHref}">Keep revision ${currentRevision} and discard my text</a></p>
    </div>
    <div class="card conflict">
      <h2>Your text (not saved)</h2>
      ${readOnly(mine)}
    </div>`;
}
