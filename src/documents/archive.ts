/**
 * The document archive: every rendered version is written once under
 * `<dataDir>/archive/<mechanism>/<quarter>/<kind>/v<version>/<kind>.<ext>` and recorded (with its
 * SHA-256) through an injected callback, so the store plugs in without this module knowing it.
 * A version's file is never overwritten.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isoQuarter, slug } from '../domain';
import type { DocumentFormat, DocumentKind } from './model';

/** One archived file as the `documents` table records it. `path` is relative to the data folder. */
export interface DocumentRow {
  id: string;
  mechanismId: string;
  quarter: string;
  kind: DocumentKind;
  version: number;
  format: DocumentFormat;
  path: string;
  sha256: string;
  bytes: number;
  createdAt: string;
}

/**
 * Records a row in the database; must be idempotent on (mechanism, quarter, kind, version, format), since activities retry.
 * When it returns a row (as `store.documents.record` does), that row's id is the document's id.
 */
export type RecordDocument = (row: DocumentRow) => Promise<{ id: string } | void> | { id: string } | void;

/** What to archive. */
export interface ArchiveRequest {
  dataDir: string;
  mechanismId: string;
  quarter: string;
  kind: DocumentKind;
  version: number;
  format: DocumentFormat;
  content: Buffer;
  /**
   * What to do when this version's file already exists with different content: `error` (default) throws
   * DocumentVersionExistsError; `keep` records and returns the existing file (the first write wins, for activity retries).
   */
  ifExists?: 'error' | 'keep';
  recordDocument: RecordDocument;
  now?: () => Date;
}

/** Raised when a version's file already exists with other content: versions are never overwritten. */
export class DocumentVersionExistsError extends Error {
  constructor(readonly path: string) {
    super(`document version already archived, refusing to overwrite: ${path}`);
    this.name = 'DocumentVersionExistsError';
  }
}

/** The stable id of one archived file, e.g. `cn-ls.2026-Q1.report.v2.pdf`: readable, unique per (mechanism, quarter, kind, version, format). */
export function documentId(
  mechanismId: string,
  quarter: string,
  kind: DocumentKind,
  version: number,
  format: DocumentFormat,
): string {
  return `${mechanismId}.${quarter}.${kind}.v${version}.${format}`;
}

/** The archive path of one file, relative to the data folder; rejects ids that could escape the archive folder. */
export function archivePath(
  mechanismId: string,
  quarter: string,
  kind: DocumentKind,
  version: number,
  format: DocumentFormat,
): string {
  slug.parse(mechanismId);
  isoQuarter.parse(quarter);
  if (!Number.isInteger(version) || version < 1)
    throw new Error(`document version must be a positive integer, got ${version}`);
  return path.posix.join('archive', mechanismId, quarter, kind, `v${version}`, `${kind}.${format}`);
}

/** Hex SHA-256 of the bytes. */
export function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/**
 * Writes the file atomically (temp file, then a hard link that fails if the target exists, so two
 * writers can never both win), then records it. Returns the recorded row.
 */
export async function archiveDocument(req: ArchiveRequest): Promise<DocumentRow> {
  const rel = archivePath(req.mechanismId, req.quarter, req.kind, req.version, req.format);
  const abs = path.join(req.dataDir, ...rel.split('/'));
  await fs.promises.mkdir(path.dirname(abs), { recursive: true });
  const tmp = `${abs}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  let content = req.content;
  try {
    const fh = await fs.promises.open(tmp, 'wx');
    try {
      await fh.writeFile(content);
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await fs.promises.link(tmp, abs);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const existing = await fs.promises.readFile(abs);
      if (!existing.equals(content) && req.ifExists !== 'keep') throw new DocumentVersionExistsError(abs);
      content = existing;
    }
  } finally {
    await fs.promises.rm(tmp, { force: true });
  }
  const row: DocumentRow = {
    id: documentId(req.mechanismId, req.quarter, req.kind, req.version, req.format),
    mechanismId: req.mechanismId,
    quarter: req.quarter,
    kind: req.kind,
    version: req.version,
    format: req.format,
    path: rel,
    sha256: sha256(content),
    bytes: content.length,
    createdAt: (req.now ?? (() => new Date()))().toISOString(),
  };
  const recorded = await req.recordDocument(row);
  return recorded && typeof recorded.id === 'string' ? { ...row, id: recorded.id } : row;
}
