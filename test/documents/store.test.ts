import fs from 'node:fs';
import path from 'node:path';
import { archiveDocument, sha256 } from '../../src/documents';
import { openStore, type Store } from '../../src/store';
import { tempDir } from './helpers';

describe('archiving into the real records store (SQLite)', () => {
  let dataDir: string;
  let store: Store;
  beforeEach(async () => {
    dataDir = tempDir('documents-store-');
    store = await openStore({ dataDir });
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('records each archived version with its SHA-256 and finds it again by the id it returns', async () => {
    const content = Buffer.from('%PDF-1.7 report v1');
    const req = {
      dataDir,
      mechanismId: 'cn-ls',
      quarter: '2026-Q1',
      kind: 'report' as const,
      version: 1,
      format: 'pdf' as const,
      content,
      recordDocument: store.documents.record,
    };
    const row = await archiveDocument(req);
    const stored = await store.documents.get(row.id);
    expect(stored).toMatchObject({
      mechanismId: 'cn-ls',
      quarter: '2026-Q1',
      kind: 'report',
      version: 1,
      format: 'pdf',
      sha256: sha256(content),
      bytes: content.length,
    });
    expect(fs.readFileSync(path.join(dataDir, stored!.path))).toEqual(content);
    // A retried activity that finds its first file keeps it and gets the same row back.
    const retried = await archiveDocument({ ...req, content: Buffer.from('%PDF-1.7 re-rendered'), ifExists: 'keep' });
    expect(retried.id).toBe(row.id);
    expect(await store.documents.nextVersion('cn-ls', '2026-Q1', 'report')).toBe(2);
  });
});
