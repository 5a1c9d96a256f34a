/** Builds the minutes' content from the session plan, the session record and the cycle's records. */
import { DateTime } from 'luxon';
import { nameIn, type Language } from '../domain';
import { translate } from '../i18n';
import { actionItemLines, agendaItems, buildHeader, projectTitles, sessionInfo } from './build-common';
import { asWritten, byKey, formatDate, Names, statusLabelIn, statusOf } from './format';
import { documentLanguages, inEvery } from './languages';
import type { MinutesInput, MinutesModel, MinutesText, SignatureBlock } from './model';
import { cleanLine, paragraphsOf } from './text';

/** The minutes in one language: attendance, agenda, matters arising, project review, decisions, actions, closing formula. */
function minutesText(input: MinutesInput, language: Language): MinutesText {
  const { mechanism, plan, record } = input;
  const t = (key: Parameters<typeof translate>[1], values?: Parameters<typeof translate>[2]) =>
    translate(language, key, values);
  const names = new Names(mechanism, language);
  const titles = projectTitles(input.projects, language);
  const presentIds = new Set(record.present);
  const invited = [...new Set([...plan.chairs, ...plan.attendees])];
  const present = [...new Set([...plan.chairs.filter((c) => presentIds.has(c)), ...record.present])].map((id) =>
    names.contactColumns(id),
  );
  const apologies = invited.filter((id) => !presentIds.has(id)).map((id) => names.contactColumns(id));

  const projectReview = mechanism.pillars
    .map((pillar) => ({
      pillar: names.pillar(pillar.id),
      projects: input.projects
        .filter((r) => r.project.pillar === pillar.id)
        .sort(
          byKey(
            (r) => r.project.title,
            (r) => r.project.id,
          ),
        )
        .map((r) => ({
          title: cleanLine(nameIn(r.project, 'title', language)),
          statusLabel: statusLabelIn(statusOf(r), language),
          summary: r.submission
            ? asWritten(cleanLine(r.submission.statusReason), language) ||
              t('document.minutes.percentComplete', { percent: r.submission.progressPercent })
            : t('document.minutes.noUpdate'),
        })),
    }))
    .filter((g) => g.projects.length > 0);

  const actions = record.decisions.flatMap((d, di) =>
    actionItemLines(
      mechanism,
      d.actionItems.map((item) => ({ item, state: 'open' as const })),
      titles,
      language,
    ).map((line, ai) => ({ number: `${di + 1}.${ai + 1}`, ...line })),
  );
  const sessionDate = DateTime.fromISO(plan.startsAt, { setZone: true }).setZone(mechanism.timeZone).toISODate() ?? '';
  const prev = input.previousSession;

  return {
    language,
    header: buildHeader(
      input,
      t('document.minutes.title'),
      t('document.session.subtitle', { quarter: input.quarter, mechanism: names.mechanismName() }),
      language,
    ),
    session: sessionInfo(input, language),
    present,
    apologies,
    agenda: agendaItems(input, language),
    previousMinutes: prev
      ? t('document.minutes.previousAdopted', {
          quarter: prev.quarter,
          date: prev.date ? formatDate(prev.date, language) : 'none',
        })
      : t('document.minutes.firstSession'),
    mattersArising: actionItemLines(mechanism, input.previousActionItems, titles, language),
    projectReview,
    decisions: record.decisions.map((d, i) => ({
      number: i + 1,
      text: paragraphsOf(d.text).map((para) => asWritten(para, language)),
      projects: d.projects.map((p) => titles.get(p) ?? p).join(language === 'zh' ? '；' : '; '),
    })),
    actions,
    nextMeeting: record.nextMeeting
      ? t('document.minutes.nextMeeting', { date: formatDate(record.nextMeeting, language) })
      : t('document.minutes.nextMeetingOpen'),
    notes: paragraphsOf(record.notes).map((para) => asWritten(para, language)),
    closing: t('document.minutes.closing', {
      venue: cleanLine(plan.venue),
      date: formatDate(sessionDate, language),
    }),
  };
}

/**
 * The minutes' content: every section in English and in Chinese, one after the other, the closing formula that both
 * texts are equally authentic, and a signature block for each side's co-chair with name, title and side in both languages.
 */
export function buildMinutesModel(input: MinutesInput): MinutesModel {
  const { mechanism, plan } = input;
  const texts = documentLanguages.map((language) => minutesText(input, language));

  // Signature blocks: one per side, the side's chair if it names one, else the session chair from that side.
  const signatures: SignatureBlock[] = mechanism.sides.map((side) => {
    const chair = side.chair ?? plan.chairs.find((c) => mechanism.contacts.find((x) => x.id === c)?.side === side.id);
    const names = (language: Language) => new Names(mechanism, language);
    return {
      names: chair ? inEvery((l) => names(l).person(chair)) : [' '],
      lines: [
        ...(chair ? inEvery((l) => names(l).organisation(chair) ?? '').filter((o) => o !== '') : []),
        ...documentLanguages.map((l) => translate(l, 'document.minutes.coChair', { side: names(l).side(side.id) })),
        ...documentLanguages.map((l) => translate(l, 'document.minutes.signatureDate')),
      ],
    };
  });

  return { kind: 'minutes', header: texts[0].header, texts, signatures };
}
