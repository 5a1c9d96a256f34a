/** Builds the minutes' content from the session plan, the session record and the cycle's records. */
import { actionItemLines, agendaItems, buildHeader, sessionInfo } from './build-common';
import { byKey, formatDate, Names, statusLabels, statusOf } from './format';
import type { MinutesInput, MinutesModel } from './model';
import { cleanLine, paragraphsOf } from './text';

/** The minutes' content: attendance, agenda, matters arising, project review, decisions, actions and signature blocks for every co-chair. */
export function buildMinutesModel(input: MinutesInput): MinutesModel {
  const { mechanism, plan, record } = input;
  const names = new Names(mechanism);
  const titles = new Map(input.projects.map((p) => [p.project.id, cleanLine(p.project.title)]));
  const presentIds = new Set(record.present);
  const invited = [...new Set([...plan.chairs, ...plan.attendees])];
  const present = [...new Set([...plan.chairs.filter((c) => presentIds.has(c)), ...record.present])].map((id) =>
    names.contactColumns(id),
  );
  const apologies = invited.filter((id) => !presentIds.has(id)).map((id) => names.contactColumns(id));

  const projectReview = mechanism.pillars
    .map((pillar) => ({
      pillar: cleanLine(pillar.name),
      projects: input.projects
        .filter((r) => r.project.pillar === pillar.id)
        .sort(
          byKey(
            (r) => r.project.title,
            (r) => r.project.id,
          ),
        )
        .map((r) => ({
          title: cleanLine(r.project.title),
          statusLabel: statusLabels[statusOf(r)],
          summary: r.submission
            ? cleanLine(r.submission.statusReason) || `${r.submission.progressPercent}% complete`
            : 'No update was received this quarter.',
        })),
    }))
    .filter((g) => g.projects.length > 0);

  const actions = record.decisions.flatMap((d, di) =>
    actionItemLines(
      mechanism,
      d.actionItems.map((item) => ({ item, state: 'open' as const })),
      titles,
    ).map((line, ai) => ({ number: `${di + 1}.${ai + 1}`, ...line })),
  );

  // Signature blocks: one per side, the side's chair if it names one, else the session chair from that side.
  const signatures = mechanism.sides.map((side) => {
    const chair = side.chair ?? plan.chairs.find((c) => mechanism.contacts.find((x) => x.id === c)?.side === side.id);
    return { side: cleanLine(side.name), name: chair ? names.person(chair) : '' };
  });

  return {
    kind: 'minutes',
    header: buildHeader(input, 'Minutes', `${input.quarter} session — ${mechanism.name}`),
    session: sessionInfo(input),
    present,
    apologies,
    agenda: agendaItems(input),
    previousMinutes: input.previousSession
      ? `The minutes of the ${input.previousSession.quarter} session${input.previousSession.date ? ` held on ${formatDate(input.previousSession.date)}` : ''} were adopted without amendment.`
      : 'This was the first session of the mechanism; there were no previous minutes to adopt.',
    mattersArising: actionItemLines(mechanism, input.previousActionItems, titles),
    projectReview,
    decisions: record.decisions.map((d, i) => ({
      number: i + 1,
      text: paragraphsOf(d.text),
      projects: d.projects.map((p) => titles.get(p) ?? p).join('; '),
    })),
    actions,
    nextMeeting: record.nextMeeting
      ? `The next session will be held on ${formatDate(record.nextMeeting)}.`
      : 'The date of the next session will be set by the secretariat.',
    notes: paragraphsOf(record.notes),
    signatures,
  };
}
