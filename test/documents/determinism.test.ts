import { buildMinutesModel, buildReportModel, renderDocx, renderPdf } from '../../src/documents';
import { sampleMinutesInput, sampleReportInput } from '../../src/documents/samples';
import { docxText, pdfText } from './helpers';

const withoutGenerationTime = (text: string) =>
  text
    .replace(/generated \d{1,2} \w+ \d{4}, \d\d:\d\d \([^)]*\)/g, 'generated <time>')
    .replace(/生成于\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d（[^）]*）/g, '生成于<time>');

describe('the same records give the same document', () => {
  it('prints the same report text whatever the generation time and whatever order the records come in', async () => {
    const a = sampleReportInput(30);
    const b = { ...sampleReportInput(30), generatedAt: '2026-03-28T14:12:00Z' };
    b.projects.reverse();
    b.previousActionItems.reverse();
    const [ma, mb] = [buildReportModel(a), buildReportModel(b)];
    expect(withoutGenerationTime(await docxText(await renderDocx(ma)))).toEqual(
      withoutGenerationTime(await docxText(await renderDocx(mb))),
    );
    expect(withoutGenerationTime(pdfText(await renderPdf(ma)))).toEqual(
      withoutGenerationTime(pdfText(await renderPdf(mb))),
    );
  });

  it('prints identical minutes twice from the same records', async () => {
    const input = sampleMinutesInput(8);
    expect(await docxText(await renderDocx(buildMinutesModel(input)))).toEqual(
      await docxText(await renderDocx(buildMinutesModel(input))),
    );
  });
});
