import fs from 'node:fs';
import path from 'node:path';
import {
  archiveDocument,
  createDocumentActivities,
  DocumentVersionExistsError,
  sha256,
  type DocumentRow,
} from '../../src/documents';
import { sampleMinutesInput } from '../../src/documents/samples';
import { tempDir } from './helpers';

describe('the document archive', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = tempDir('archive-test-')));
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const request = (content: Buffer, rows: DocumentRow[], version = 1) => ({
    dataDir,
    mechanismId: 'cn-ls',
    quarter: '2026-Q1',
    kind: 'report' as const,
    version,
    format: 'pdf' as const,
    content,
    recordDocument: (r: DocumentRow) => void rows.push(r),
  });

  it('stores a version under mechanism, quarter, kind and version with its SHA-256 recorded', async () => {
    const rows: DocumentRow[] = [];
    const content = Buffer.from('%PDF-1.7 first version');
    const row = await archiveDocument(request(content, rows));
    expect(row.path).toBe('archive/cn-ls/2026-Q1/report/v1/report.pdf');
    expect(fs.readFileSync(path.join(dataDir, row.path))).toEqual(content);
    expect(rows).toEqual([row]);
    expect(row).toMatchObject({
      id: 'cn-ls.2026-Q1.report.v1.pdf',
      sha256: sha256(content),
      bytes: content.length,
      version: 1,
      format: 'pdf',
    });
    expect(fs.readdirSync(path.dirname(path.join(dataDir, row.path)))).toEqual(['report.pdf']); // no temp files left behind
  });

  it('never overwrites a version: a different file for the same version is refused and the first one stays', async () => {
    const rows: DocumentRow[] = [];
    await archiveDocument(request(Buffer.from('first'), rows));
    await expect(archiveDocument(request(Buffer.from('second'), rows))).rejects.toBeInstanceOf(
      DocumentVersionExistsError,
    );
    expect(fs.readFileSync(path.join(dataDir, 'archive/cn-ls/2026-Q1/report/v1/report.pdf'), 'utf8')).toBe('first');
    expect(rows).toHaveLength(1);
    const v2 = await archiveDocument(request(Buffer.from('second'), rows, 2));
    expect(v2.path).toBe('archive/cn-ls/2026-Q1/report/v2/report.pdf');
  });

  it('lets exactly one of two simultaneous writers of the same version win', async () => {
    const rows: DocumentRow[] = [];
    const results = await Promise.allSettled([
      archiveDocument(request(Buffer.from('A'), rows)),
      archiveDocument(request(Buffer.from('B'), rows)),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const kept = fs.readFileSync(path.join(dataDir, 'archive/cn-ls/2026-Q1/report/v1/report.pdf'), 'utf8');
    expect(rows.map((r) => r.sha256)).toEqual([sha256(Buffer.from(kept))]);
  });

  it('refuses ids that would write outside the archive folder', async () => {
    await expect(archiveDocument({ ...request(Buffer.from('x'), []), mechanismId: '../etc' })).rejects.toThrow();
    await expect(archiveDocument({ ...request(Buffer.from('x'), []), quarter: '2026-Q1/../../x' })).rejects.toThrow();
  });
});

describe('the document activities', () => {
  it('archive the report, agenda and minutes in DOCX, PDF and HTML and return only document ids, keeping the first rendering when retried', async () => {
    const dataDir = tempDir('activities-test-');
    try {
      const rows: DocumentRow[] = [];
      const { mechanism, projects, previousActionItems, quarter, plan, previousSession, record } =
        sampleMinutesInput(8);
      const activities = createDocumentActivities({
        dataDir,
        loadReportInput: async () => ({ mechanism, quarter, projects, previousActionItems }),
        loadAgendaInput: async () => ({ mechanism, quarter, projects, previousActionItems, plan, previousSession }),
        loadMinutesInput: async () => ({
          mechanism,
          quarter,
          projects,
          previousActionItems,
          plan,
          previousSession,
          record,
        }),
        recordDocument: (r) => void rows.push(r),
        now: () => new Date('2026-03-27T08:00:00Z'),
      });
      expect(await activities.compileReport({ mechanismId: 'cn-ls', quarter: '2026-Q1', version: 2 })).toEqual({
        documentIds: ['cn-ls.2026-Q1.report.v2.docx', 'cn-ls.2026-Q1.report.v2.pdf', 'cn-ls.2026-Q1.report.v2.html'],
      });
      expect(
        (await activities.renderAgenda({ mechanismId: 'cn-ls', quarter: '2026-Q1', sessionSequence: 0 })).documentIds,
      ).toContain('cn-ls.2026-Q1.agenda.v1.pdf');
      expect((await activities.renderMinutes({ mechanismId: 'cn-ls', quarter: '2026-Q1' })).documentIds).toContain(
        'cn-ls.2026-Q1.minutes.v1.docx',
      );
      for (const row of rows) expect(sha256(fs.readFileSync(path.join(dataDir, row.path)))).toBe(row.sha256);

      const first = rows.find((r) => r.id === 'cn-ls.2026-Q1.minutes.v1.pdf')!;
      await activities.renderMinutes({ mechanismId: 'cn-ls', quarter: '2026-Q1' }); // a retry after a crash
      const again = rows.filter((r) => r.id === 'cn-ls.2026-Q1.minutes.v1.pdf');
      expect(again.map((r) => r.sha256)).toEqual([first.sha256, first.sha256]);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
