import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, DocumentsTable } from './schema';
import { toIso } from './steps';

/** Kinds of generated documents. */
export const documentKinds = ['report', 'agenda', 'minutes'] as const;
export type DocumentKind = (typeof documentKinds)[number];
/** Formats a document is rendered in. */
export const documentFormats = ['docx', 'pdf', 'html'] as const;
export type DocumentFormat = (typeof documentFormats)[number];

/** One archived document version; never updated or deleted. */
export interface DocumentRecord {
  id: string;
  mechanismId: string;
  quarter: string;
  kind: DocumentKind;
  version: number;
  format: DocumentFormat;
  /** Relative to the archive root. */
  path: string;
  sha256: string;
  bytes: number;
  createdAt: string;
}

function fromRow(r: DocumentsTable): DocumentRecord {
  return {
    id: r.id,
    mechanismId: r.mechanism_id,
    quarter: r.quarter,
    kind: r.kind as DocumentKind,
    version: r.version,
    format: r.format as DocumentFormat,
    path: r.path,
    sha256: r.sha256,
    bytes: r.bytes,
    createdAt: r.created_at,
  };
}

/** Raised when a document version is recorded again with different content: versions are never overwritten. */
export class DocumentConflictError extends Error {
  constructor(readonly existing: DocumentRecord) {
    super(
      `document ${existing.mechanismId} ${existing.quarter} ${existing.kind} v${existing.version} ${existing.format} already exists with other content`,
    );
    this.name = 'DocumentConflictError';
  }
}

/** The document archive's index. Only inserts: a version, once recorded, stays as it is. */
export function createDocumentRepository(db: Kysely<Database>) {
  const byKey = (m: string, q: string, kind: string, version: number, format: string) =>
    db
      .selectFrom('documents')
      .selectAll()
      .where('mechanism_id', '=', m)
      .where('quarter', '=', q)
      .where('kind', '=', kind)
      .where('version', '=', version)
      .where('format', '=', format)
      .executeTakeFirst();
  return {
    /**
     * Records a document version. Recording the same (mechanism, quarter, kind, version, format)
     * with the same sha256 again returns the existing row (a retried activity); with another
     * sha256 it throws DocumentConflictError.
     */
    async record(
      input: Omit<DocumentRecord, 'id' | 'createdAt'> & { createdAt?: string | Date },
    ): Promise<DocumentRecord> {
      await db
        .insertInto('documents')
        .values({
          id: randomUUID(),
          mechanism_id: input.mechanismId,
          quarter: input.quarter,
          kind: input.kind,
          version: input.version,
          format: input.format,
          path: input.path,
          sha256: input.sha256,
          bytes: input.bytes,
          created_at: toIso(input.createdAt),
        })
        .onConflict((oc) => oc.columns(['mechanism_id', 'quarter', 'kind', 'version', 'format']).doNothing())
        .execute();
      const doc = fromRow((await byKey(input.mechanismId, input.quarter, input.kind, input.version, input.format))!);
      if (doc.sha256 !== input.sha256) throw new DocumentConflictError(doc);
      return doc;
    },
    /** The next free version number (1 for the first) of a kind of document in a cycle. */
    async nextVersion(mechanismId: string, quarter: string, kind: DocumentKind): Promise<number> {
      const r = await db
        .selectFrom('documents')
        .select((eb) => eb.fn.max('version').as('max'))
        .where('mechanism_id', '=', mechanismId)
        .where('quarter', '=', quarter)
        .where('kind', '=', kind)
        .executeTakeFirst();
      return Number(r?.max ?? 0) + 1;
    },
    /** One document by id. */
    async get(id: string): Promise<DocumentRecord | undefined> {
      const r = await db.selectFrom('documents').selectAll().where('id', '=', id).executeTakeFirst();
      return r && fromRow(r);
    },
    /** The highest version of a kind and format in a cycle. */
    async latest(
      mechanismId: string,
      quarter: string,
      kind: DocumentKind,
      format: DocumentFormat,
    ): Promise<DocumentRecord | undefined> {
      const r = await db
        .selectFrom('documents')
        .selectAll()
        .where('mechanism_id', '=', mechanismId)
        .where('quarter', '=', quarter)
        .where('kind', '=', kind)
        .where('format', '=', format)
        .orderBy('version', 'desc')
        .limit(1)
        .executeTakeFirst();
      return r && fromRow(r);
    },
    /** Every document of a cycle: by kind, then version, then format. */
    async list(mechanismId: string, quarter: string): Promise<DocumentRecord[]> {
      const rows = await db
        .selectFrom('documents')
        .selectAll()
        .where('mechanism_id', '=', mechanismId)
        .where('quarter', '=', quarter)
        .orderBy('kind')
        .orderBy('version')
        .orderBy('format')
        .execute();
      return rows.map(fromRow);
    },
  };
}

/** The document repository's interface. */
export type DocumentRepository = ReturnType<typeof createDocumentRepository>;
