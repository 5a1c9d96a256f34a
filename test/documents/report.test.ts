import fs from 'node:fs';
import path from 'node:path';
import { buildReportModel, renderDocx, renderHtml, renderPdf, type ReportInput } from '../../src/documents';
import { sampleReportInput } from '../../src/documents/samples';
import {
  demoQuarter,
  docxText,
  documentXml,
  expectInOrder,
  flat,
  pdfFonts,
  pdfText,
  squeeze,
  tempDir,
} from './helpers';

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

/** A quarter of the demo mechanism (Chinese names) whose first update has text written in Chinese and in English. */
function demoReportInput(): ReportInput {
  const { mechanism, records } = demoQuarter();
  const [road, solar] = records;
  road.submission = {
    ...road.submission!,
    achievements: '首批12公里路基已完成验收。\nThe access bridge was rebuilt in January.',
    nextSteps: '',
  };
  return {
    mechanism,
    quarter: '2026-Q1',
    version: 1,
    generatedAt: '2026-03-27T08:00:00Z',
    projects: records,
    previousActionItems: [
      {
        item: {
          id: 'ai-visas',
          title: '简化项目人员签证手续',
          owner: 'chair-cn',
          side: 'cn',
          dueDate: '2026-02-15',
          projects: [road.project.id],
        },
        state: 'done',
        note: 'Visas now issued within five working days.',
      },
    ],
    previousStatuses: { quarter: '2025-Q4', byProject: { [solar.project.id]: 'on-track' } },
  };
}

/** The headings of the report in English and Chinese, in print order. */
const bilingualHeadings: [string, string][] = [
  ['Quarterly progress report', '季度进展报告'],
  ['1. Summary', '一、概况'],
  ['1.1 Changes since last quarter', '（一）与上季度相比的变化'],
  ['2. Projects needing attention and support requested', '二、需要关注的项目和请求的支持'],
  ['3. Progress by project', '三、各项目进展情况'],
  ["4. Status of the previous session's action items", '四、上次会议行动事项的落实情况'],
  ['5. Missing and late submissions', '五、未报送和逾期报送情况'],
];

/** How many times `needle` occurs in `text`. */
const occurrences = (text: string, needle: string) => text.split(needle).length - 1;

/** Asserts every needle is in the text (both read through `squeeze`), naming the format and the needle when one is not. */
function expectAll(format: string, text: string, needles: string[]): void {
  for (const needle of needles)
    expect({ format, needle, found: text.includes(squeeze(needle)) }).toEqual({ format, needle, found: true });
}

describe('the bilingual progress report of a demo quarter', () => {
  const model = buildReportModel(demoReportInput());
  let word: string;
  let printed: string;
  let pdf: Buffer;
  beforeAll(async () => {
    pdf = await renderPdf(model);
    word = squeeze(await docxText(await renderDocx(model)));
    printed = squeeze(pdfText(pdf));
  });

  it('prints every section in English then in Chinese, in Word and in PDF', () => {
    for (const text of [word, printed]) expectInOrder(text, bilingualHeadings.flat().map(squeeze));
  });

  it('labels statuses, names and dates in Chinese too, and every table in both languages', () => {
    const paragraphs = [
      '中国—莱索托双边合作协调机制（2026-Q1）',
      '报告期：2026-Q1',
      '2026-Q1共有',
      '与2025-Q4相比：0个项目状况改善，1个项目状况下滑',
      'Economic transformation / 经济转型',
      'Ramarothole solar power plant / 马费腾光伏电站',
      '状态：存在风险',
      '负责人：道路局局长（道路局）',
      '收到更新：2026年3月16日 09:30',
      'Achievements / 主要成果',
      '中华人民共和国驻莱索托王国大使馆',
    ];
    expectAll('pdf', printed, paragraphs);
    // A table cell has a line per language. pdftotext reads a table line by line across its columns, so a cell's
    // text is whole in Word only.
    expectAll('docx', word, [
      ...paragraphs,
      'Planned\n计划',
      'Final design approved\n最终设计获批',
      'Owner\n负责人',
      'Ambassador\n大使',
      '15 February 2026\n2026年2月15日',
      'Done\n已完成',
    ]);
  });

  it("prints the owners' text once, as written, marked with its language for the other language's readers", () => {
    const achievements = [
      '首批12公里路基已完成验收。 [original in Chinese]',
      'The access bridge was rebuilt in January. ［英文原文］',
    ];
    const actionItem = [
      '简化项目人员签证手续 [original in Chinese]',
      'Visas now issued within five working days. ［英文原文］',
    ];
    expectAll('docx', word, [...achievements, ...actionItem]);
    expectAll('pdf', printed, achievements);
    const written = (needle: string) => squeeze(needle.replace(/ \S+$/, ''));
    for (const needle of [...achievements, ...actionItem])
      expect({ needle, times: occurrences(word, written(needle)) }).toEqual({ needle, times: 1 });
    for (const needle of [...achievements, actionItem[0]])
      expect({ needle, times: occurrences(printed, written(needle)) }).toEqual({ needle, times: 1 });
  });

  it('draws the chart with its title and legend in each language', async () => {
    const xml = await documentXml(await renderDocx(model));
    expect(xml).toContain('name="Project status by pillar"');
    expect(xml).toContain('name="各合作领域项目状态"');
    const html = renderHtml(model);
    for (const needle of ['Project status by pillar', '各合作领域项目状态', '进展顺利', '未收到进展更新', '经济转型'])
      expect({ needle, found: html.includes(needle) }).toEqual({ needle, found: true });
  });

  it('embeds the Chinese font as a subset in the PDF', () => {
    const dir = tempDir('bilingual-report-');
    try {
      const file = path.join(dir, 'report.pdf');
      fs.writeFileSync(file, pdf);
      const fonts = pdfFonts(file);
      expect(fonts.filter((f) => !f.embedded || !f.subset)).toEqual([]);
      expect(fonts.some((f) => /NotoSansCJK/i.test(f.name))).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
