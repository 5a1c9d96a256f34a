import fs from 'node:fs/promises';
import path from 'node:path';
import type { Store } from '../store';
import type { AttachableDocument, Directory } from './directory';

const CONTENT_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  html: 'text/html; charset=utf-8',
};

/** The notifier's directory over the records store and the document archive (`<dataDir>/archive`). Read-only. */
export function storeDirectory(store: Store, dataDir: string): Directory {
  const archiveRoot = path.resolve(dataDir, 'archive');
  return {
    mechanism: (id) => store.mechanisms.get(id),
    async project(mechanismId, projectId) {
      const p = await store.projects.get(mechanismId, projectId);
      return p && { title: p.title, owner: p.owner, supervisor: p.supervisor, translations: p.translations };
    },
    async openActionItems(mechanismId, contactId) {
      const items = await store.actionItems.listOpen(mechanismId, contactId);
      return items.map((a) => ({ title: a.title, dueDate: a.dueDate }));
    },
    async actionItem(mechanismId, actionItemId) {
      const a = await store.actionItems.get(mechanismId, actionItemId);
      return a && { title: a.title, dueDate: a.dueDate };
    },
    async session(mechanismId, quarter) {
      const s = await store.sessions.get(mechanismId, quarter);
      return (
        s && {
          startsAt: s.startsAt,
          durationMinutes: s.durationMinutes,
          venue: s.venue,
          sequence: s.sequence,
          status: s.status,
        }
      );
    },
    async reportDocumentIds(mechanismId, quarter, version) {
      const docs = await store.documents.list(mechanismId, quarter);
      return docs.filter((d) => d.kind === 'report' && d.version === version).map((d) => d.id);
    },
    async document(documentId): Promise<AttachableDocument | undefined> {
      const d = await store.documents.get(documentId);
      if (!d) return undefined;
      const file = path.resolve(dataDir, d.path); // recorded relative to the data folder: archive/<mechanism>/...
      // The archive is addressed by relative paths from the database; refuse anything that escapes it.
      if (!file.startsWith(archiveRoot + path.sep))
        throw new Error(`document ${documentId} points outside the archive`);
      return {
        filename: `${d.kind}-${d.mechanismId}-${d.quarter}-v${d.version}.${d.format}`,
        contentType: CONTENT_TYPES[d.format] ?? 'application/octet-stream',
        format: d.format,
        read: () => fs.readFile(file),
      };
    },
  };
}
