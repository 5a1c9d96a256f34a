/**
 * The document activities the cycle workflow calls (`compileReport`, `renderAgenda`, `renderMinutes`).
 * They load records through injected loaders, render every format, archive each file and return
 * document ids only: bytes never travel through Temporal.
 */
import { buildAgendaModel } from './build-agenda';
import { buildMinutesModel } from './build-minutes';
import { buildReportModel } from './build-report';
import { archiveDocument, type RecordDocument } from './archive';
import { documentFormats, type AgendaInput, type DocumentModel, type MinutesInput, type ReportInput } from './model';
import { renderInChildProcess } from './render-process';

/** What the activities need from the rest of the service. */
export interface DocumentActivityDeps {
  dataDir: string;
  /** Records for the report of one cycle; `version` and `generatedAt` are filled in by the activity. */
  loadReportInput(mechanismId: string, quarter: string): Promise<Omit<ReportInput, 'version' | 'generatedAt'>>;
  loadAgendaInput(mechanismId: string, quarter: string): Promise<Omit<AgendaInput, 'version' | 'generatedAt'>>;
  loadMinutesInput(mechanismId: string, quarter: string): Promise<Omit<MinutesInput, 'version' | 'generatedAt'>>;
  recordDocument: RecordDocument;
  now?: () => Date;
}

/** Result of every document activity: ids of the archived files (DOCX, PDF, HTML). */
export interface DocumentIds {
  documentIds: string[];
}

/** The three document activities, bound to their dependencies. */
export function createDocumentActivities(deps: DocumentActivityDeps) {
  const now = deps.now ?? (() => new Date());

  async function archiveAll(
    model: DocumentModel,
    mechanismId: string,
    quarter: string,
    version: number,
  ): Promise<DocumentIds> {
    const documentIds: string[] = [];
    const files = await renderInChildProcess(model, [...documentFormats]);
    for (const [i, format] of documentFormats.entries()) {
      const content = files[i];
      // `keep`: a retried activity finds the files of its first attempt and records those instead of failing.
      const row = await archiveDocument({
        dataDir: deps.dataDir,
        mechanismId,
        quarter,
        kind: model.kind,
        version,
        format,
        content,
        ifExists: 'keep',
        recordDocument: deps.recordDocument,
        now,
      });
      documentIds.push(row.id);
    }
    return { documentIds };
  }

  return {
    /** Renders and archives version `version` of the quarter's progress report. */
    async compileReport(args: { mechanismId: string; quarter: string; version: number }): Promise<DocumentIds> {
      const input = await deps.loadReportInput(args.mechanismId, args.quarter);
      const model = buildReportModel({ ...input, version: args.version, generatedAt: now().toISOString() });
      return archiveAll(model, args.mechanismId, args.quarter, args.version);
    },
    /** Renders and archives the agenda; its version is the session's sequence (the cycle numbers convenings from 1). */
    async renderAgenda(args: { mechanismId: string; quarter: string; sessionSequence: number }): Promise<DocumentIds> {
      const version = Math.max(1, args.sessionSequence);
      const input = await deps.loadAgendaInput(args.mechanismId, args.quarter);
      const model = buildAgendaModel({ ...input, version, generatedAt: now().toISOString() });
      return archiveAll(model, args.mechanismId, args.quarter, version);
    },
    /** Renders and archives the minutes (version 1; a retry keeps the first rendering). */
    async renderMinutes(args: { mechanismId: string; quarter: string }): Promise<DocumentIds> {
      const input = await deps.loadMinutesInput(args.mechanismId, args.quarter);
      const model = buildMinutesModel({ ...input, version: 1, generatedAt: now().toISOString() });
      return archiveAll(model, args.mechanismId, args.quarter, 1);
    },
  };
}
