/** One entry point for rendering a model to any format. */
import type { DocumentFormat, DocumentModel } from './model';
import { renderDocx } from './render-docx';
import { renderHtml } from './render-html';
import { renderPdf } from './render-pdf';

/** The document in the given format, as bytes (HTML as UTF-8). */
export async function renderDocument(model: DocumentModel, format: DocumentFormat): Promise<Buffer> {
  switch (format) {
    case 'docx':
      return renderDocx(model);
    case 'pdf':
      return renderPdf(model);
    case 'html':
      return Buffer.from(renderHtml(model), 'utf8');
  }
}
