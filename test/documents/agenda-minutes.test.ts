import { buildAgendaModel, buildMinutesModel, renderDocx, renderPdf } from '../../src/documents';
import { sampleAgendaInput, sampleMinutesInput } from '../../src/documents/samples';
import { docxText, expectInOrder, flat, pdfText } from './helpers';

describe('the agenda', () => {
  it('lists the standing items with matters arising and the projects needing attention, in Word and PDF', async () => {
    const model = buildAgendaModel(sampleAgendaInput(8));
    const word = await docxText(await renderDocx(model));
    const printed = flat(pdfText(await renderPdf(model)));
    for (const text of [word, printed]) {
      expectInOrder(text, [
        'Provisional agenda',
        '14 April 2026, 10:00 (Africa/Maseru)',
        'Ministry of Foreign Affairs, Maseru',
        '1. Opening remarks by the co-chairs',
        '2. Adoption of the agenda',
        '3. Adoption of the minutes of the previous session',
        '4. Matters arising',
        'Agree a fast-track customs procedure for project equipment',
        '5. Review of the quarterly progress report (2026-Q1)',
        'Mafeteng solar power plant 马费滕光伏电站: at risk',
        '6. Support requested from the mechanism',
        'Facilitation of customs clearance for imported equipment (海关清关协助).',
        '10. Closing remarks',
      ]);
      // A done action item is no longer a matter arising.
      expect(text).not.toContain('Simplify visas for project staff');
    }
  });
});

describe('the minutes', () => {
  const model = buildMinutesModel(sampleMinutesInput(8));

  it('records attendance, agenda, matters arising, review, decisions, actions, next meeting and both signatures in order', async () => {
    const word = await docxText(await renderDocx(model));
    expectInOrder(word, [
      'Minutes',
      '1. Attendance',
      'Principal Secretary',
      'Apologies',
      'Energy Project Manager',
      '2. Adoption of the agenda',
      '3. Minutes of the previous session',
      'The minutes of the 2025-Q4 session held on 20 January 2026 were adopted without amendment.',
      '4. Matters arising',
      '5. Project review',
      '6. Decisions',
      'Decision 1. ',
      '会议同意由联合窗口办理项目设备清关。',
      '7. Action items',
      '1.1',
      '提供设备清单 Provide the equipment list',
      '李参赞 Counsellor Li',
      '15 May 2026',
      '1.2',
      'Set up the joint customs desk',
      'Principal Secretary',
      'Kingdom of Lesotho',
      '31 May 2026',
      '8. Next meeting',
      'The next session will be held on 14 July 2026.',
      'Principal Secretary',
      'Co-chair, Kingdom of Lesotho',
      'Ambassador 大使',
      "Co-chair, People's Republic of China 中华人民共和国",
    ]);
  });

  it('prints the same sections and Chinese decisions in the PDF', async () => {
    const printed = flat(pdfText(await renderPdf(model)));
    expectInOrder(printed, [
      '1. Attendance',
      '2. Adoption of the agenda',
      '4. Matters arising',
      '5. Project review',
      '6. Decisions',
      '会议同意由联合窗口办理项目设备清关。',
      '7. Action items',
      '提供设备清单 Provide',
      '8. Next meeting',
      'Ambassador 大使',
    ]);
  });
});
