import { buildReportModel, renderDocx, renderHtml, renderPdf } from '../../src/documents';
import { sampleReportInput } from '../../src/documents/samples';
import { docxText, documentXml, expectInOrder, flat, pdfText } from './helpers';

const headings = [
  'Quarterly progress report',
  '1. Summary',
  'Project status by pillar',
  '2. Projects needing attention and support requested',
  '3. Progress by project',
  '4. Status of the previous session',
  '5. Missing and late submissions',
];

describe('the quarterly progress report', () => {
  const model = buildReportModel(sampleReportInput(8));
  let docx: Buffer;
  let pdf: Buffer;
  beforeAll(async () => {
    docx = await renderDocx(model);
    pdf = await renderPdf(model);
  });

  it('shows the sections in the order of the product brief, in Word and in PDF', async () => {
    const wordHeadings = headings.filter((h) => h !== 'Project status by pillar'); // the chart title is inside the picture in Word
    expectInOrder(await docxText(docx), wordHeadings);
    expectInOrder(
      flat(pdfText(pdf)),
      headings.filter((h) => h !== 'Project status by pillar'),
    );
    expect(renderHtml(model)).toContain('Project status by pillar');
  });

  it('lists every project with its status, progress and Chinese text', async () => {
    for (const text of [await docxText(docx), flat(pdfText(pdf))]) {
      expectInOrder(text, [
        '3.1 Political solidarity',
        'High-level visits and consultations',
        'Status: On track',
        'Progress: 65%',
      ]);
      expect(text).toContain('Mafeteng solar power plant 马费滕光伏电站');
      expect(text).toContain('At risk — Delivery of materials delayed at the border; 材料在边境延误。');
      expect(text).toContain('第一段12公里土方工程已完成。');
      expect(text).toContain('People-to-people exchanges 人文交流');
    }
  });

  it("reports the previous session's action items with their state", async () => {
    const word = await docxText(docx);
    expectInOrder(word, [
      "4. Status of the previous session's action items",
      'Agree a fast-track customs procedure for project equipment',
      'Open',
    ]);
    expectInOrder(word, ['简化项目人员签证手续 Simplify visas for project staff', 'Done', 'Completed in February.']);
    expectInOrder(word, ['Resolve land compensation for the road corridor', 'Overdue']);
    // PDF extraction reads a table row by row but wraps within cells, so look for the start of each cell.
    const printed = flat(pdfText(pdf));
    expectInOrder(printed, [
      "4. Status of the previous session's action items",
      'Agree a fast-track customs',
      'Open',
      '简化项目人员签证手续 Simplify',
      'Done',
      'Resolve land compensation for',
      'Overdue',
    ]);
  });

  it('names the projects that sent no update and the late ones', async () => {
    const text = await docxText(docx);
    expectInOrder(text, ['5. Missing and late submissions', 'Joint positions in multilateral fora', 'Overdue']);
    expectInOrder(flat(pdfText(pdf)), ['5. Missing and late submissions', 'Joint positions in multilateral fora']);
  });

  it('sets the Chinese font on every Word run and embeds it in the PDF', async () => {
    const xml = await documentXml(docx);
    const textRuns = xml
      .split('<w:r>')
      .slice(1)
      .filter((r) => r.includes('<w:t'));
    expect(textRuns.length).toBeGreaterThan(50);
    expect(textRuns.filter((r) => !r.includes('w:eastAsia="Noto Sans CJK SC"'))).toEqual([]);
    expect(pdf.toString('latin1')).toContain('NotoSansCJKsc-Regular');
  });

  it('includes the status chart as a picture in Word', async () => {
    const xml = await documentXml(docx);
    expect(xml).toContain('<w:drawing>');
    expect(xml).toContain('name="Project status by pillar"');
  });
});

describe("the report's changes since last quarter", () => {
  it('names the projects that slipped and improved since the previous quarter, in Word and in PDF', async () => {
    const input = sampleReportInput(8);
    const answered = input.projects.filter((r) => r.submission);
    const atRisk = answered.find((r) => r.submission!.status === 'at-risk')!;
    const completed = answered.find((r) => r.submission!.status === 'completed')!;
    const steady = answered.find((r) => r.submission!.status === 'on-track')!;
    input.previousStatuses = {
      quarter: '2025-Q4',
      byProject: {
        [atRisk.project.id]: 'on-track',
        [completed.project.id]: 'at-risk',
        [steady.project.id]: 'on-track',
      },
    };
    const model = buildReportModel(input);
    expect(model.changes).toMatchObject({ since: '2025-Q4', improved: 1, slipped: 1 });
    const [docx, pdf] = await Promise.all([renderDocx(model), renderPdf(model)]);
    const word = await docxText(docx);
    const printed = flat(pdfText(pdf));
    for (const text of [word, printed]) {
      expectInOrder(text, [
        '1. Summary',
        '1.1 Changes since last quarter',
        'Since 2025-Q4: 1 project improved, 1 slipped',
        atRisk.project.title.slice(0, 12),
        'Slipped',
        completed.project.title.slice(0, 12),
        'Improved',
        '2. Projects needing attention',
      ]);
    }
    expect(renderHtml(model)).toContain('1.1 Changes since last quarter');
  });

  it('has no such section when the previous quarter has no records', () => {
    expect(buildReportModel(sampleReportInput(8)).changes).toBeUndefined();
  });
});
