import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildMinutesModel, renderDocx, renderPdf, type MinutesInput } from '../../src/documents';
import { coverageOf, documentFonts } from '../../src/documents/fonts';
import { SessionPlan, SessionRecord } from '../../src/domain';
import { demoQuarter, pdfFonts, pdfText, squeeze, tempDir } from './helpers';

// Needs LibreOffice (libreoffice-writer-nogui), poppler-utils (pdftotext, pdffonts, pdftoppm, pdfinfo) and fonts-noto-cjk.

/** A quarter of the demo mechanism (mechanisms/cn-ls.yaml, with its Chinese names): a session with two decisions. */
function demoMinutesInput(): MinutesInput {
  const { mechanism, projects, records } = demoQuarter();
  return {
    mechanism,
    quarter: '2026-Q4',
    version: 1,
    generatedAt: '2026-12-01T08:00:00Z',
    projects: records,
    previousActionItems: [],
    plan: SessionPlan.parse({
      startsAt: '2026-12-01T10:00:00+02:00',
      venue: 'Maseru',
      chairs: ['chair-ls', 'chair-cn'],
      attendees: ['secretariat-ls', 'secretariat-cn', 'counsellor-cn', 'roads-director'],
    }),
    previousSession: { quarter: '2026-Q3', date: '2026-09-15' },
    record: SessionRecord.parse({
      present: ['chair-ls', 'chair-cn', 'secretariat-ls', 'secretariat-cn', 'counsellor-cn'],
      decisions: [
        {
          id: 'd-1',
          text: '会议同意设立联合窗口，统一办理援助项目设备和物资的清关手续，并请双方秘书处在下次会议前报告联合窗口的运行情况、存在的困难以及需要机制协调解决的问题。',
          projects: [projects[0].id],
          actionItems: [
            {
              id: 'a-1',
              title: 'Set up the joint customs desk',
              owner: 'chair-ls',
              side: 'ls',
              dueDate: '2027-01-31',
              projects: [projects[0].id],
            },
          ],
        },
        { id: 'd-2', text: 'The session noted the progress report with appreciation.' },
      ],
      nextMeeting: '2027-03-10',
    }),
  };
}

/** Characters of `text` that none of the installed document fonts can draw (they would print as boxes). */
function withoutGlyph(text: string): string[] {
  const f = documentFonts();
  const faces = [f.regular, f.fallback].filter((x) => x !== undefined).map(coverageOf);
  return [...new Set(Array.from(text.replace(/\s/g, '')))].filter(
    (c) => !faces.some((covers) => covers(c.codePointAt(0)!)),
  );
}

/** The section headings of the minutes in English and Chinese, in print order. */
const sections: [string, string][] = [
  ['1. Attendance', '一、出席情况'],
  ['2. Adoption of the agenda', '二、通过议程'],
  ['3. Minutes of the previous session', '三、上次会议纪要'],
  ['4. Matters arising', '四、上次会议行动事项的落实情况'],
  ['5. Project review', '五、项目审议'],
  ['6. Decisions', '六、会议决定'],
  ['7. Action items', '七、行动事项'],
  ['8. Next meeting', '八、下次会议'],
  ['Authentic texts', '作准文本'],
];

/** Asserts the printed minutes carry every section in both languages, Chinese dates, the closing formula and both signatures. */
function expectBilingual(text: string): void {
  let at = 0;
  for (const [en, zh] of sections) {
    const i = text.indexOf(en, at);
    expect({ section: en, found: i >= 0 }).toEqual({ section: en, found: true });
    const j = text.indexOf(zh, i);
    expect({ section: zh, found: j >= 0 }).toEqual({ section: zh, found: true });
    at = j;
  }
  for (const needle of [
    '2026年12月1日',
    '下次会议将于2027年3月10日举行。',
    'The next session will be held on 10 March 2027.',
    'both texts being equally authentic',
    '两种文本同等作准',
    '首席秘书',
    'Principal Secretary',
    '大使',
    'Ambassador',
    '中华人民共和国驻莱索托王国大使馆',
    '［英文原文］',
    '[original in Chinese]',
  ])
    expect({ needle, found: text.includes(needle) }).toEqual({ needle, found: true });
}

/** Lines of extracted text that start with punctuation a Chinese line may not start with (a broken line break). */
function badLineStarts(text: string): string[] {
  return text.split('\n').filter((l) => /^\s*[，。、；：！？）》」』]/.test(l));
}

describe('the bilingual minutes of a demo quarter', () => {
  it('print every section in English and Chinese, in fonts embedded as subsets that draw every character, in Word and in PDF', async () => {
    const dir = tempDir('bilingual-minutes-');
    try {
      const model = buildMinutesModel(demoMinutesInput());
      const docx = path.join(dir, 'minutes.docx');
      fs.writeFileSync(docx, await renderDocx(model));
      // The DOCX as LibreOffice prints it (own profile folder: parallel runs with a shared profile block each other).
      execFileSync(
        'soffice',
        [`-env:UserInstallation=file://${dir}/profile`, '--headless', '--convert-to', 'pdf', '--outdir', dir, docx],
        { encoding: 'utf8', timeout: 120_000 },
      );
      const office = path.join(dir, 'minutes.pdf');
      const ours = path.join(dir, 'minutes-service.pdf');
      fs.writeFileSync(ours, await renderPdf(model));

      for (const pdf of [office, ours]) {
        const raw = pdfText(fs.readFileSync(pdf));
        expectBilingual(squeeze(raw));
        expect(badLineStarts(raw)).toEqual([]);
        expect(withoutGlyph(raw)).toEqual([]);

        const fonts = pdfFonts(pdf);
        expect(fonts.filter((f) => !f.embedded || !f.subset)).toEqual([]);
        expect(fonts.some((f) => /NotoSansCJK/i.test(f.name))).toBe(true);

        // Every page renders to an image.
        const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))![1]);
        const prefix = path.join(dir, path.basename(pdf, '.pdf'));
        execFileSync('pdftoppm', ['-png', '-r', '40', pdf, prefix], { timeout: 120_000 });
        const images = fs
          .readdirSync(dir)
          .filter((f) => f.startsWith(path.basename(prefix) + '-') && f.endsWith('.png'));
        expect(images).toHaveLength(pages);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
