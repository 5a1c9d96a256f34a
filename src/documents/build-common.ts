/** Pieces every document builder shares: header, action item lines, session logistics, agenda items. */
import type { ActionItemRecord, AgendaInput, AgendaItem, DocumentHeader, ActionItemLine, SessionInfo } from './model';
import { nameIn, type Language, type Mechanism, type Project, type Quarter } from '../domain';
import { translate } from '../i18n';
import { actionItemStateIn, asWritten, byKey, formatDate, formatInstant, Names } from './format';
import { cleanLine } from './text';

/** The header lines of a document (mechanism name and generation time in `language`). */
export function buildHeader(
  input: { mechanism: Mechanism; quarter: Quarter; version: number; generatedAt: string },
  title: string,
  subtitle: string,
  language: Language = 'en',
): DocumentHeader {
  return {
    mechanismName: cleanLine(nameIn(input.mechanism, 'name', language)),
    quarter: input.quarter,
    title,
    subtitle: cleanLine(subtitle),
    version: input.version,
    generatedAt: formatInstant(input.generatedAt, input.mechanism.timeZone, true, language),
    generatedAtIso: input.generatedAt,
  };
}

/** Project titles by id in `language`. */
export function projectTitles(projects: { project: Project }[], language: Language = 'en'): Map<string, string> {
  return new Map(projects.map((p) => [p.project.id, cleanLine(nameIn(p.project, 'title', language))]));
}

/**
 * Action items as lines, ordered by due date then title so the order never depends on the store. Titles and notes are
 * as written, marked by `written` (by default, when their language is not `language`).
 */
export function actionItemLines(
  mechanism: Mechanism,
  items: ActionItemRecord[],
  projectTitles: Map<string, string>,
  language: Language = 'en',
  written: (text: string) => string = (text) => asWritten(text, language),
): ActionItemLine[] {
  const names = new Names(mechanism, language);
  return [...items]
    .sort(
      byKey(
        (a) => `${a.item.dueDate} ${a.item.title}`,
        (a) => a.item.id,
      ),
    )
    .map((a) => ({
      title: written(cleanLine(a.item.title)),
      owner: names.person(a.item.owner),
      side: names.side(a.item.side),
      due: formatDate(a.item.dueDate, language),
      state: actionItemStateIn(a.state, language),
      note: written(cleanLine(a.note) || ''),
      projects: a.item.projects.map((p) => projectTitles.get(p) ?? p).join(language === 'zh' ? '；' : '; '),
    }));
}

/** Date, venue and co-chairs of the session. */
export function sessionInfo(input: AgendaInput, language: Language = 'en'): SessionInfo {
  const names = new Names(input.mechanism, language);
  return {
    when: formatInstant(input.plan.startsAt, input.mechanism.timeZone, true, language),
    venue: cleanLine(input.plan.venue),
    chairs: input.plan.chairs.map((c) => names.personWithOrganisation(c)),
  };
}

/** The standing agenda of a quarterly session, with this quarter's matters arising and projects needing attention. */
export function agendaItems(input: AgendaInput, language: Language = 'en'): AgendaItem[] {
  const t = (key: Parameters<typeof translate>[1], values?: Parameters<typeof translate>[2]) =>
    translate(language, key, values);
  const titles = projectTitles(input.projects, language);
  const titleOf = (p: { project: Project }) => titles.get(p.project.id) ?? p.project.id;
  const open = input.previousActionItems.filter((a) => a.state === 'open' || a.state === 'overdue');
  const attention = input.projects
    .filter((p) => p.submission && (p.submission.status === 'at-risk' || p.submission.status === 'off-track'))
    .sort(
      byKey(
        (p) => p.project.title,
        (p) => p.project.id,
      ),
    );
  const support = input.projects
    .filter((p) => p.submission && p.submission.supportRequested.trim() !== '')
    .sort(
      byKey(
        (p) => p.project.title,
        (p) => p.project.id,
      ),
    );
  const prev = input.previousSession;
  const items: Omit<AgendaItem, 'number'>[] = [
    { title: t('document.agenda.opening'), details: [] },
    { title: t('document.agenda.adoptAgenda'), details: [] },
    {
      title: t('document.agenda.adoptMinutes'),
      details: prev
        ? [
            t('document.agenda.previousMinutes', {
              quarter: prev.quarter,
              date: prev.date ? formatDate(prev.date, language) : 'none',
            }),
          ]
        : [t('document.agenda.firstSession')],
    },
    {
      title: t('document.agenda.mattersArising'),
      details: open.length
        ? actionItemLines(input.mechanism, open, titles, language).map((a) =>
            t('document.agenda.mattersArisingItem', {
              title: a.title,
              owner: a.owner,
              due: a.due,
              state: language === 'en' ? a.state.toLowerCase() : a.state,
            }),
          )
        : [t('document.agenda.noOpenItems')],
    },
    {
      title: t('document.agenda.reviewReport', { quarter: input.quarter }),
      details: attention.length
        ? attention.map((p) =>
            t('document.agenda.attentionItem', {
              project: titleOf(p),
              status:
                language === 'en'
                  ? p.submission!.status.replace('-', ' ')
                  : translate(language, `document.status.${p.submission!.status}`),
            }),
          )
        : [t('document.agenda.allOnTrack')],
    },
    {
      title: t('document.agenda.support'),
      details: support.length
        ? support.map((p) =>
            t('document.agenda.supportItem', {
              project: titleOf(p),
              support: asWritten(cleanLine(p.submission!.supportRequested), language),
            }),
          )
        : [t('document.agenda.noSupport')],
    },
    { title: t('document.agenda.decisions'), details: [] },
    { title: t('document.agenda.aob'), details: [] },
    { title: t('document.agenda.nextSession'), details: [] },
    { title: t('document.agenda.closing'), details: [] },
  ];
  return items.map((it, i) => ({ number: i + 1, ...it }));
}
