/** Pieces every document builder shares: header, action item lines, session logistics, agenda items. */
import type { ActionItemRecord, AgendaInput, AgendaItem, DocumentHeader, ActionItemLine, SessionInfo } from './model';
import type { Mechanism, Quarter } from '../domain';
import { actionItemStateLabels, byKey, formatDate, formatInstant, Names } from './format';
import { cleanLine } from './text';

/** The header lines of a document. */
export function buildHeader(
  input: { mechanism: Mechanism; quarter: Quarter; version: number; generatedAt: string },
  title: string,
  subtitle: string,
): DocumentHeader {
  return {
    mechanismName: cleanLine(input.mechanism.name),
    quarter: input.quarter,
    title,
    subtitle: cleanLine(subtitle),
    version: input.version,
    generatedAt: formatInstant(input.generatedAt, input.mechanism.timeZone),
    generatedAtIso: input.generatedAt,
  };
}

/** Action items as lines, ordered by due date then title so the order never depends on the store. */
export function actionItemLines(
  mechanism: Mechanism,
  items: ActionItemRecord[],
  projectTitles: Map<string, string>,
): ActionItemLine[] {
  const names = new Names(mechanism);
  return [...items]
    .sort(
      byKey(
        (a) => `${a.item.dueDate} ${a.item.title}`,
        (a) => a.item.id,
      ),
    )
    .map((a) => ({
      title: cleanLine(a.item.title),
      owner: names.person(a.item.owner),
      side: names.side(a.item.side),
      due: formatDate(a.item.dueDate),
      state: actionItemStateLabels[a.state] ?? a.state,
      note: cleanLine(a.note) || '',
      projects: a.item.projects.map((p) => projectTitles.get(p) ?? p).join('; '),
    }));
}

/** Date, venue and co-chairs of the session. */
export function sessionInfo(input: AgendaInput): SessionInfo {
  const names = new Names(input.mechanism);
  return {
    when: formatInstant(input.plan.startsAt, input.mechanism.timeZone),
    venue: cleanLine(input.plan.venue),
    chairs: input.plan.chairs.map((c) => names.personWithOrganisation(c)),
  };
}

/** The standing agenda of a quarterly session, with this quarter's matters arising and projects needing attention. */
export function agendaItems(input: AgendaInput): AgendaItem[] {
  const titles = new Map(input.projects.map((p) => [p.project.id, cleanLine(p.project.title)]));
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
    { title: 'Opening remarks by the co-chairs', details: [] },
    { title: 'Adoption of the agenda', details: [] },
    {
      title: 'Adoption of the minutes of the previous session',
      details: prev
        ? [`Minutes of the ${prev.quarter} session${prev.date ? ` held on ${formatDate(prev.date)}` : ''}.`]
        : ['First session: no previous minutes.'],
    },
    {
      title: 'Matters arising: action items of the previous session',
      details: open.length
        ? actionItemLines(input.mechanism, open, titles).map(
            (a) => `${a.title} (${a.owner}, due ${a.due}, ${a.state.toLowerCase()})`,
          )
        : ['No open action items.'],
    },
    {
      title: `Review of the quarterly progress report (${input.quarter})`,
      details: attention.length
        ? attention.map(
            (p) => `${cleanLine(p.project.title)}: ${p.submission!.status === 'at-risk' ? 'at risk' : 'off track'}`,
          )
        : ['All reporting projects are on track.'],
    },
    {
      title: 'Support requested from the mechanism',
      details: support.length
        ? support.map((p) => `${cleanLine(p.project.title)}: ${cleanLine(p.submission!.supportRequested)}`)
        : ['None requested.'],
    },
    { title: 'Decisions and action items', details: [] },
    { title: 'Any other business', details: [] },
    { title: 'Date of the next session', details: [] },
    { title: 'Closing remarks', details: [] },
  ];
  return items.map((it, i) => ({ number: i + 1, ...it }));
}
