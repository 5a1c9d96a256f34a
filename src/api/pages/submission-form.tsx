/**
 * The quarterly update as an HTML form: fields in and out, validated by the domain's Submission schema so the
 * form, the API and the workflow apply one rule set. What the owner typed is always echoed back on errors.
 */
import type { z } from 'zod';
import { nameIn, StatusRating, Submission, type Project, type SubmissionInput } from '../../domain';
import type { MessageKey } from '../../i18n';
import type { ActionItemRecord } from '../../store';
import { dateShown, timeShown, type FormLocale } from './form-locale';
import { written, type Markup } from './layout';
import type { PageLanguage } from './language';

/** Raw form values by field name (strings as typed). */
export type FormValues = Record<string, string>;
/** Error messages by form field name. */
export type FormErrors = Record<string, string>;

const TEXT_FIELDS = [
  ['achievements', 'owner.field.achievements', 5000],
  ['challenges', 'owner.field.challenges', 5000],
  ['supportRequested', 'owner.field.supportRequested', 3000],
  ['nextSteps', 'owner.field.nextSteps', 3000],
] as const;

/** A status rating's name in the page's language (the same words as the report's). */
const statusLabel = (t: PageLanguage['t'], status: StatusRating) => t(`document.status.${status}`);

/** What the form asks about one project besides the common fields: its dates, milestones and indicators. */
export type FormProject = Pick<Project, 'milestones' | 'indicators'> &
  Partial<Pick<Project, 'plannedStart' | 'plannedEnd' | 'actualStart' | 'actualEnd'>>;

/** Form field names of a milestone's actual date and note, and of an indicator's current value. */
export const milestoneField = (milestoneId: string, part: 'actual' | 'note') => `milestone-${milestoneId}-${part}`;
export const indicatorField = (indicatorId: string) => `indicator-${indicatorId}`;
// The project-specific fields, recognised without the project (a page that keeps what was typed but looks nothing up).
const PROJECT_FIELD = /^(?:milestone-[a-z0-9-]{1,64}-(?:actual|note)|indicator-[a-z0-9-]{1,64}|actualStart|actualEnd)$/;
// A plain decimal number: what the owner types into an indicator's field (a point for decimals, no thousands separator).
const DECIMAL = /^-?\d{1,15}(?:\.\d{1,6})?$/;

/** Milestone, indicator and project-date values: the submission's where it gives them, else the project's records. */
function projectValues(s: Partial<Submission> | undefined, project: FormProject | undefined): FormValues {
  if (!project) return {};
  const milestoneUpdates = new Map((s?.milestoneUpdates ?? []).map((u) => [u.milestoneId, u]));
  const indicatorUpdates = new Map((s?.indicatorUpdates ?? []).map((u) => [u.indicatorId, u.current]));
  const values: FormValues = {};
  const actualStart = s?.actualStart ?? project.actualStart;
  const actualEnd = s?.actualEnd ?? project.actualEnd;
  if (actualStart) values.actualStart = actualStart;
  if (actualEnd) values.actualEnd = actualEnd;
  for (const m of project.milestones) {
    const u = milestoneUpdates.get(m.id);
    const actual = u?.actualDate ?? m.actualDate;
    if (actual) values[milestoneField(m.id, 'actual')] = actual;
    if (u?.note) values[milestoneField(m.id, 'note')] = u.note;
  }
  for (const i of project.indicators) {
    const current = indicatorUpdates.get(i.id) ?? i.current;
    if (current !== undefined) values[indicatorField(i.id)] = String(current);
  }
  return values;
}

/**
 * Form values from a stored submission (to pre-fill from last quarter or the latest revision); with the project, its
 * milestones' actual dates, indicators' values and actual dates too (from the portfolio when no submission gives them).
 */
export function valuesFromSubmission(s: Partial<Submission> | undefined, project?: FormProject): FormValues {
  if (!s) return projectValues(undefined, project);
  return {
    ...projectValues(s, project),
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

// Form fields that take a calendar date: their format mistakes read as one sentence about dates.
const DATE_FIELD = /^(?:actualStart|actualEnd|milestone-[a-z0-9-]{1,64}-actual)$/;

/**
 * What the form says about one of the schema's issues, in the page's language: one plain sentence per kind of
 * mistake (the schema stays the API's and the workflow's; only its wording is the form's).
 */
function issueMessage(issue: z.core.$ZodIssue, field: string, t: PageLanguage['t']): string {
  // One plain sentence for every progress mistake (empty, not a number, out of range) rather than zod's wording.
  if (field === 'progressPercent') return t('owner.error.progress');
  if (field === 'status') return t('owner.error.chooseStatus');
  if (field.startsWith('indicator-')) return t('owner.error.decimal');
  if (field === 'statusReason' && issue.code === 'custom') return t('owner.error.reason');
  if (DATE_FIELD.test(field)) return t('owner.error.date');
  switch (issue.code) {
    case 'too_big':
      return t('owner.error.tooLong', { max: Number(issue.maximum) });
    case 'too_small':
      return t('owner.error.empty');
    case 'invalid_format':
      return t('owner.error.controlCharacters');
    case 'custom':
      return t('owner.error.singleLine');
    default:
      return t('owner.error.invalid');
  }
}

/** Parses posted form fields into a submission, or the per-field errors (keyed by form field name). */
export function parseSubmissionForm(
  body: Record<string, unknown>,
  actionItems: ActionItemRecord[],
  project: FormProject | undefined,
  t: PageLanguage['t'],
):
  | { ok: true; submission: SubmissionInput; values: FormValues }
  | { ok: false; errors: FormErrors; values: FormValues } {
  const values: FormValues = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string') values[k] = v;
  const progress = (values.progressPercent ?? '').trim();
  const given = (name: string) => values[name]?.trim() || undefined;
  // Only what the owner filled in: an empty milestone or indicator is "no news", not a change.
  const milestoneUpdates = (project?.milestones ?? [])
    .map((m) => ({
      milestoneId: m.id,
      actualDate: given(milestoneField(m.id, 'actual')),
      note: given(milestoneField(m.id, 'note')),
    }))
    .filter((u) => u.actualDate !== undefined || u.note !== undefined);
  const indicatorUpdates = (project?.indicators ?? []).flatMap((i) => {
    const raw = given(indicatorField(i.id));
    return raw === undefined ? [] : [{ indicatorId: i.id, current: DECIMAL.test(raw) ? Number(raw) : Number.NaN }];
  });
  const input = {
    status: values.status || undefined,
    statusReason: values.statusReason?.trim() ? values.statusReason : undefined,
    progressPercent: progress === '' ? undefined : /^-?\d+$/.test(progress) ? Number(progress) : Number.NaN,
    achievements: values.achievements ?? '',
    challenges: values.challenges ?? '',
    supportRequested: values.supportRequested ?? '',
    nextSteps: values.nextSteps ?? '',
    milestoneUpdates,
    indicatorUpdates,
    ...(given('actualStart') && { actualStart: given('actualStart') }),
    ...(given('actualEnd') && { actualEnd: given('actualEnd') }),
    actionItemUpdates: actionItems
      .filter((a) => values[`done-${a.id}`] === 'on')
      .map((a) => ({ actionItemId: a.id, done: true })),
  };
  const parsed = Submission.safeParse(input);
  if (parsed.success) return { ok: true, submission: input as SubmissionInput, values };
  const errors: FormErrors = {};
  for (const issue of parsed.error.issues) {
    const [top, index, part] = issue.path;
    const field =
      top === 'milestoneUpdates' && typeof index === 'number'
        ? milestoneField(milestoneUpdates[index].milestoneId, part === 'note' ? 'note' : 'actual')
        : top === 'indicatorUpdates' && typeof index === 'number'
          ? indicatorField(indicatorUpdates[index].indicatorId)
          : String(top ?? 'form');
    errors[field] ??= issueMessage(issue, field, t);
  }
  return { ok: false, errors, values };
}

/** The message under a field that has an error; its id ties it to the field for screen readers. */
function FieldError({ errors, name }: { errors: FormErrors; name: string }) {
  return errors[name] ? (
    <div class="error" id={`${name}-error`} role="alert">
      {errors[name]}
    </div>
  ) : null;
}

// Screen readers announce the error with the field it belongs to.
const invalid = (errors: FormErrors, name: string) =>
  errors[name] ? { 'aria-invalid': true, 'aria-describedby': `${name}-error` } : {};

/** A field of the form: its label, its control (`children`), its error; marked when it has one. */
function Field({
  name,
  label,
  errors,
  children,
}: {
  name: string;
  label: Markup;
  errors: FormErrors;
  children: Markup;
}) {
  return (
    <div class={errors[name] ? 'field-error' : undefined}>
      <label for={name}>{label}</label>
      {children}
      <FieldError errors={errors} name={name} />
    </div>
  );
}

const shown = (v: string | number | undefined) => (v === undefined || v === '' ? '—' : String(v));

/** What sets a project field's input apart: a date, a short note or a decimal number. */
type InputKind = { type: 'date'; placeholder: string } | { maxlength: number } | { inputmode: 'decimal' };
const DATE_INPUT: InputKind = { type: 'date', placeholder: 'YYYY-MM-DD' };

/** The project's actual dates, each milestone's actual date and note, each indicator's current value (with its unit, baseline and target). */
function projectFields(locale: FormLocale, values: FormValues, errors: FormErrors, project: FormProject): Markup {
  const { t, language } = locale;
  const input = (name: string, label: string, kind: InputKind) => (
    <Field name={name} label={label} errors={errors}>
      <input id={name} name={name} value={values[name] ?? ''} {...kind} {...invalid(errors, name)} />
    </Field>
  );
  const indicatorLabel = (i: FormProject['indicators'][number]) => {
    const name = nameIn(i, 'name', language);
    return t('owner.indicators.valueNow', {
      indicator: i.unit ? t('owner.indicators.withUnit', { name, unit: i.unit }) : name,
      baseline: shown(i.baseline),
      target: shown(i.target),
    });
  };
  const planned = {
    start: dateShown(project.plannedStart, language),
    end: dateShown(project.plannedEnd, language),
  };
  return (
    <>
      <h2>{t('owner.dates.heading')}</h2>
      <p>
        <small>{t('owner.dates.planned', planned)}</small>
      </p>
      <div class="row">
        {input('actualStart', t('owner.dates.actualStart'), DATE_INPUT)}
        {input('actualEnd', t('owner.dates.actualEnd'), DATE_INPUT)}
      </div>
      {project.milestones.length > 0 && (
        <>
          <h2>{t('owner.milestones.heading')}</h2>
          {project.milestones.map((m) => (
            <fieldset class="card">
              <legend>
                {nameIn(m, 'title', language)}{' '}
                <small>{t('owner.milestones.planned', { date: dateShown(m.plannedDate, language) })}</small>
              </legend>
              <div class="row">
                {input(milestoneField(m.id, 'actual'), t('owner.milestones.actualDate'), DATE_INPUT)}
                {input(milestoneField(m.id, 'note'), t('owner.milestones.note'), { maxlength: 500 })}
              </div>
            </fieldset>
          ))}
        </>
      )}
      {project.indicators.length > 0 && (
        <>
          <h2>{t('owner.indicators.heading')}</h2>
          {project.indicators.map((i) => input(indicatorField(i.id), indicatorLabel(i), { inputmode: 'decimal' }))}
        </>
      )}
    </>
  );
}

/** What was typed into the project's fields, kept in hidden fields by a page that does not show them. */
const carriedProjectFields = (values: FormValues): Markup =>
  Object.entries(values)
    .filter(([k]) => PROJECT_FIELD.test(k))
    .map(([k, v]) => <input type="hidden" name={k} value={v} />);

/**
 * The update form's fields (status, progress, texts; with the project, its dates, milestones and indicators; action
 * items) in the locale's language, filled with `values`, errors next to fields. Without the project, what was typed
 * into its fields is carried in hidden fields, so that sending the page again loses nothing.
 */
export function submissionFields(
  locale: FormLocale,
  values: FormValues,
  errors: FormErrors,
  actionItems: ActionItemRecord[],
  project?: FormProject,
): Markup {
  const { t, language } = locale;
  return (
    <>
      <Field name="status" label={t('owner.field.status')} errors={errors}>
        <select id="status" name="status" required {...invalid(errors, 'status')}>
          <option value="">{t('owner.field.chooseStatus')}</option>
          {StatusRating.options.map((s) => (
            <option value={s} selected={values.status === s}>
              {statusLabel(t, s)}
            </option>
          ))}
        </select>
      </Field>
      <Field
        name="statusReason"
        label={
          <>
            {t('owner.field.statusReason')} <small>{t('owner.field.statusReasonHint')}</small>
          </>
        }
        errors={errors}
      >
        <textarea id="statusReason" name="statusReason" maxlength={1000} {...invalid(errors, 'statusReason')}>
          {values.statusReason ?? ''}
        </textarea>
      </Field>
      <Field name="progressPercent" label={t('owner.field.progress')} errors={errors}>
        <input
          id="progressPercent"
          name="progressPercent"
          inputmode="numeric"
          value={values.progressPercent ?? ''}
          {...invalid(errors, 'progressPercent')}
        />
      </Field>
      {TEXT_FIELDS.map(([name, label, max]) => (
        <Field name={name} label={t(label)} errors={errors}>
          <textarea id={name} name={name} maxlength={max} {...invalid(errors, name)}>
            {values[name] ?? ''}
          </textarea>
        </Field>
      ))}
      {project ? projectFields(locale, values, errors, project) : carriedProjectFields(values)}
      {actionItems.length > 0 && (
        <>
          <h2>{t('owner.actionItems.heading')}</h2>
          {actionItems.map((a) => (
            <label>
              <input
                type="checkbox"
                style="width:auto"
                name={`done-${a.id}`}
                checked={values[`done-${a.id}`] === 'on'}
              />{' '}
              {written(a.title, language)}{' '}
              <small>{t('owner.actionItems.due', { due: dateShown(a.dueDate, language) })}</small>
            </label>
          ))}
        </>
      )}
    </>
  );
}

/** The revision a form was based on, as posted in its hidden `baseRevision` field (absent in forms from before). */
export function postedBaseRevision(body: Record<string, unknown>): number | undefined {
  const raw = body.baseRevision;
  return typeof raw === 'string' && /^\d{1,6}$/.test(raw) ? Number(raw) : undefined;
}

/** The hidden field that carries the revision a form shows, so that a newer revision saved meanwhile is noticed. */
export const baseRevisionField = (revision: number): Markup => (
  <input type="hidden" name="baseRevision" value={revision} />
);

const READ_FIELDS: [keyof FormValues, MessageKey][] = [
  ['status', 'owner.field.statusShort'],
  ['statusReason', 'owner.field.statusReason'],
  ['progressPercent', 'owner.field.progress'],
  ['achievements', 'owner.field.achievementsShort'],
  ['challenges', 'owner.field.challenges'],
  ['supportRequested', 'owner.field.supportRequestedShort'],
  ['nextSteps', 'owner.field.nextSteps'],
];

/** A value as the read-only view shows it: the texts as written; the status, a word of the form's, translated. */
function readValue(t: PageLanguage['t'], values: FormValues, name: keyof FormValues): string {
  if (name !== 'status') return values[name] || '—';
  const status = StatusRating.safeParse(values.status);
  return status.success ? statusLabel(t, status.data) : '—';
}

/** The form's values, read only: a label and its value for each field. */
const readOnly = (t: PageLanguage['t'], values: FormValues): Markup => (
  <dl>
    {READ_FIELDS.map(([name, label]) => (
      <>
        <dt>{t(label)}</dt>
        <dd style="white-space:pre-wrap">{readValue(t, values, name)}</dd>
      </>
    ))}
  </dl>
);

/**
 * Two people edited at once: the text saved meanwhile (`stored`, newer than the one the sender's form showed) next
 * to the sender's own, which is nothing lost: it stays in the form below, ready to save over the newer revision.
 * `keepStoredHref` reloads the form with the stored text. Words in the locale's language, the time in its zone.
 */
export function conflictNotice(
  locale: FormLocale,
  stored: { revision: number; submittedBy: string; receivedAt: string; body: Partial<Submission> } | undefined,
  mine: FormValues,
  currentRevision: number,
  keepStoredHref: string,
): Markup {
  const { t } = locale;
  const revision = currentRevision;
  return (
    <>
      <div class="alert" role="alert">
        <strong>{t('owner.conflict.heading', { revision })}</strong> {t('owner.conflict.text', { revision })}
      </div>
      <div class="card conflict">
        <h2>
          {stored
            ? t('owner.conflict.savedMeanwhileAt', { revision, time: timeShown(stored.receivedAt, locale) })
            : t('owner.conflict.savedMeanwhile', { revision })}
        </h2>
        {stored ? readOnly(t, valuesFromSubmission(stored.body)) : <p>{t('owner.conflict.processing')}</p>}
        <p>
          <a href={keepStoredHref}>{t('owner.conflict.keepStored', { revision })}</a>
        </p>
      </div>
      <div class="card conflict">
        <h2>{t('owner.conflict.yours')}</h2>
        {readOnly(t, mine)}
      </div>
    </>
  );
}
