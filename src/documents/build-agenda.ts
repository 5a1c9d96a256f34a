/** Builds the session agenda's content from the session plan and the cycle's records. */
import type { Language } from '../domain';
import { translate } from '../i18n';
import { buildHeader, agendaItems, sessionInfo } from './build-common';
import { documentLanguages } from './languages';
import type { AgendaInput, AgendaModel, AgendaText } from './model';
import { Names } from './format';

/** The agenda in one language: a fixed order of standing items, filled with this quarter's matters. */
function agendaText(input: AgendaInput, language: Language): AgendaText {
  const mechanism = new Names(input.mechanism, language).mechanismName();
  return {
    language,
    header: buildHeader(
      input,
      translate(language, 'document.agenda.title'),
      translate(language, 'document.session.subtitle', { quarter: input.quarter, mechanism }),
      language,
    ),
    session: sessionInfo(input, language),
    items: agendaItems(input, language),
  };
}

/** The agenda's content in every language of the document (English and Chinese). */
export function buildAgendaModel(input: AgendaInput): AgendaModel {
  const texts = documentLanguages.map((language) => agendaText(input, language));
  return { kind: 'agenda', header: texts[0].header, texts };
}
