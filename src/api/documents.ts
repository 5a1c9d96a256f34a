/** Reading archived documents for download: the file must lie inside the archive and match its recorded size. */
import fs from 'node:fs';
import path from 'node:path';
import type { DocumentRecord } from '../store';

/** Content types of the archived formats. */
export const contentTypes: Record<DocumentRecord['format'], string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  html: 'text/html; charset=utf-8',
};

/** The file of an archived document, or undefined when it is missing or its path points outside the data folder. */
export function documentFile(dataDir: string, doc: DocumentRecord): string | undefined {
  const root = path.resolve(dataDir);
  const file = path.resolve(root, doc.path);
  if (!file.startsWith(root + path.sep) || !fs.existsSync(file)) return undefined;
  return file;
}

/** A download file name such as `cn-ls-2026-Q1-minutes-v1.pdf`. */
export const downloadName = (doc: DocumentRecord): string =>
  `${doc.mechanismId}-${doc.quarter}-${doc.kind}-v${doc.version}.${doc.format}`;
