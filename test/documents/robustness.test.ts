import JSZip from 'jszip';
import { buildReportModel, renderDocx, renderHtml, renderPdf, type ReportInput } from '../../src/documents';
import { sampleReportInput } from '../../src/documents/samples';
import { docxText, documentXml, flat, pdfText } from './helpers';

function withText(fields: { title?: string; achievements?: string; challenges?: string }): ReportInput {
  const input = sampleReportInput(3);
  const first = input.projects[0];
  // Records bypassing validation (an old row, an import): documents must still come out right.
  first.project = { ...first.project, title: fields.title ?? first.project.title };
  first.submission = {
    ...first.submission!,
    achievements: fields.achievements ?? '',
    challenges: fields.challenges ?? '',
  };
  return input;
}

describe('documents built from messy real-world text', () => {
  it('drops control characters that would make the Word file unreadable, and keeps the words around them', async () => {
    const input = withText({
      title: 'Road\u0001 upgrade\u000b phase\u0000 2\uFFFF',
      achievements: 'Bridge\u0007 opened\u001f on time\uD800.',
    });
    const model = buildReportModel(input);
    const xml = await documentXml(await renderDocx(model));
    // eslint-disable-next-line no-control-regex
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
    expect(xml).toContain('Road upgrade phase 2');
    expect(xml).toContain('Bridge opened on time.');
    expect(flat(pdfText(await renderPdf(model)))).toContain('Road upgrade phase 2');
    expect(renderHtml(model)).toContain('Road upgrade phase 2');
  });

  it('keeps emoji, right-to-left and Chinese text', async () => {
    const achievements = 'Ribbon cut 🎉✅ — مرحبا بالعالم — שלום — 竣工仪式圆满举行';
    const model = buildReportModel(withText({ achievements }));
    expect(await docxText(await renderDocx(model))).toContain(achievements);
    expect(renderHtml(model)).toContain(achievements);
    const printed = pdfText(await renderPdf(model));
    expect(printed).toContain('竣工仪式圆满举行');
    expect(printed).toContain('Ribbon cut');
  });

  it('wraps a very long word instead of running off the page', async () => {
    const word = 'x'.repeat(600);
    const model = buildReportModel(withText({ achievements: `Reference ${word} end`, title: 'T'.repeat(200) }));
    const printed = pdfText(await renderPdf(model));
    const wrapped = /Reference\s+(x[x\s]*x)\s*end/.exec(printed)?.[1] ?? '';
    expect(wrapped.split('\n').length).toBeGreaterThan(3); // broken over several lines
    expect(wrapped.replace(/\s/g, '')).toBe(word); // and nothing lost
    expect(await docxText(await renderDocx(model))).toContain(word);
    expect(renderHtml(model)).toContain('overflow-wrap:anywhere');
  });

  it('escapes markup typed into free text in every format', async () => {
    const model = buildReportModel(withText({ title: 'Clinic <script>alert(1)</script> & "lab"' }));
    const html = renderHtml(model);
    expect(html).not.toContain('<script>');
    // Preact's renderer escapes what can open markup or close an attribute (& < "), which is all HTML needs.
    expect(html).toContain('Clinic &lt;script>alert(1)&lt;/script> &amp; &quot;lab&quot;');
    expect(await docxText(await renderDocx(model))).toContain('Clinic <script>alert(1)</script> & "lab"');
  });

  it('still produces a valid report for a portfolio of 1,000 projects', async () => {
    const model = buildReportModel(sampleReportInput(1000));
    const docx = await renderDocx(model);
    const zip = await JSZip.loadAsync(docx);
    expect(Object.keys(zip.files)).toContain('word/document.xml');
    const text = await docxText(docx);
    expect(text).toContain('Government scholarships 政府奖学金 — phase 125');
    const pdf = await renderPdf(model);
    const printed = pdfText(pdf);
    expect(printed).toContain('Government scholarships 政府奖学金 — phase 125');
    expect(printed).toMatch(/page \d+ of \d+/);
  }, 180_000);
});
