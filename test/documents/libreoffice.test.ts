import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildAgendaModel, buildMinutesModel, buildReportModel, renderDocx } from '../../src/documents';
import { sampleAgendaInput, sampleMinutesInput, sampleReportInput } from '../../src/documents/samples';
import { flat, pdfText, tempDir } from './helpers';

// Needs LibreOffice (Debian package libreoffice-writer-nogui) and poppler-utils.
describe('opening the Word files in LibreOffice', () => {
  it('converts the report, agenda and minutes to PDF without error, Chinese text included', async () => {
    const dir = tempDir('libreoffice-test-');
    try {
      const files = [];
      for (const model of [
        buildReportModel(sampleReportInput(8)),
        buildAgendaModel(sampleAgendaInput(8)),
        buildMinutesModel(sampleMinutesInput(8)),
      ]) {
        const file = path.join(dir, `${model.kind}.docx`);
        fs.writeFileSync(file, await renderDocx(model));
        files.push(file);
      }
      // Own profile folder: parallel runs of LibreOffice with a shared profile block each other.
      const out = execFileSync(
        'soffice',
        [`-env:UserInstallation=file://${dir}/profile`, '--headless', '--convert-to', 'pdf', '--outdir', dir, ...files],
        {
          encoding: 'utf8',
          timeout: 120_000,
        },
      );
      expect(out.match(/using filter : writer_pdf_Export/g)).toHaveLength(3);
      const report = flat(pdfText(fs.readFileSync(path.join(dir, 'report.pdf'))));
      expect(report).toContain('Mafeteng solar power plant 马费滕光伏电站');
      expect(report).toContain('3. Progress by project');
      const minutes = flat(pdfText(fs.readFileSync(path.join(dir, 'minutes.pdf'))));
      expect(minutes).toContain('会议同意由联合窗口办理项目设备清关。');
      expect(flat(pdfText(fs.readFileSync(path.join(dir, 'agenda.pdf'))))).toContain('Adoption of the agenda');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);
});
