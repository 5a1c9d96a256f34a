/** Builds the session agenda's content from the session plan and the cycle's records. */
import { buildHeader, agendaItems, sessionInfo } from './build-common';
import type { AgendaInput, AgendaModel } from './model';

/** The agenda's content: a fixed order of standing items, filled with this quarter's matters. */
export function buildAgendaModel(input: AgendaInput): AgendaModel {
  const session = sessionInfo(input);
  return {
    kind: 'agenda',
    header: buildHeader(input, 'Provisional agenda', `${input.quarter} session — ${input.mechanism.name}`),
    session,
    items: agendaItems(input),
  };
}
