/** Report, agenda and minutes: content models built from records, rendered to DOCX, PDF and HTML, archived by version. */
export * from './model';
export { buildReportModel } from './build-report';
export { buildAgendaModel } from './build-agenda';
export { buildMinutesModel } from './build-minutes';
export { renderPdf } from './render-pdf';
export { renderDocx } from './render-docx';
export { renderHtml } from './render-html';
export { renderDocument } from './render';
export * from './archive';
export { createDocumentActivities, type DocumentActivityDeps } from './activities';
