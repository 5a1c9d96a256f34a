/**
 * Renders a document model to DOCX (for editing) with the `docx` library: A4, Arial for Latin and
 * Noto Sans CJK SC for East Asian text on every run (Word falls back to its own Chinese font where
 * Noto is not installed), running header, "page X of Y" footer, chart as a PNG.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  Header,
  HeadingLevel,
  ImageRun,
  LineRuleType,
  Packer,
  PageBreak,
  PageNumber,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type IRunOptions,
} from 'docx';
import { chartSize, rasteriseSvg, statusChartSvg } from './chart';
import { docxFonts, documentFonts } from './fonts';
import { layout, type Block, type Run } from './layout';
import type { DocumentModel, SignatureBlock } from './model';

const FONT = { ascii: docxFonts.latin, hAnsi: docxFonts.latin, cs: docxFonts.latin, eastAsia: docxFonts.eastAsia };
const LANG = { value: 'en-GB', eastAsia: 'zh-CN' };
const ACCENT = '1F3864';
const CONTENT_TWIPS = 11906 - 2 * 1134; // A4 width minus 2 cm margins

function run(text: string, o: Omit<IRunOptions, 'text' | 'font' | 'language'> = {}): TextRun {
  return new TextRun({ text, font: FONT, language: LANG, ...o });
}

function runsOf(rs: Run[], size?: number, color?: string): TextRun[] {
  return rs.map((r) => run(r.text, { bold: r.bold, italics: r.italic, size, color }));
}

const thin = { style: BorderStyle.SINGLE, size: 4, color: 'B4BCCC' };
const none = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };

function table(header: string[], rows: string[][], widths: number[]): Table {
  const total = widths.reduce((a, b) => a + b, 0);
  const cols = widths.map((w) => Math.round((w / total) * CONTENT_TWIPS));
  const cell = (text: string, i: number, isHeader: boolean, keyColumn: boolean) =>
    new TableCell({
      width: { size: cols[i], type: WidthType.DXA },
      shading: isHeader
        ? { type: ShadingType.CLEAR, fill: ACCENT, color: 'auto' }
        : keyColumn
          ? { type: ShadingType.CLEAR, fill: 'EEF1F6', color: 'auto' }
          : undefined,
      margins: { top: 40, bottom: 40, left: 80, right: 80 },
      // A line of its own per language (the report's cells), a paragraph of its own in Word.
      children: text.split('\n').map(
        (line) =>
          new Paragraph({
            children: [run(line, { bold: isHeader || keyColumn, size: 17, color: isHeader ? 'FFFFFF' : undefined })],
          }),
      ),
    });
  const out: TableRow[] = [];
  if (header.length)
    out.push(
      new TableRow({ tableHeader: true, cantSplit: true, children: header.map((h, i) => cell(h, i, true, false)) }),
    );
  for (const r of rows)
    out.push(
      new TableRow({
        cantSplit: r.join('').length < 1500,
        children: r.map((c, i) => cell(c, i, false, header.length === 0 && i === 0)),
      }),
    );
  return new Table({
    width: { size: CONTENT_TWIPS, type: WidthType.DXA },
    columnWidths: cols,
    borders: { top: thin, bottom: thin, left: none, right: none, insideHorizontal: thin, insideVertical: none },
    rows: out,
  });
}

function chart(b: Extract<Block, { type: 'chart' }>): Paragraph {
  const fonts = documentFonts();
  const png = rasteriseSvg(
    statusChartSvg(b.title, b.groups, fonts.family, b.legend),
    [fonts.regular.file, fonts.bold.file],
    fonts.family,
    2,
  );
  const size = chartSize(b.groups.length);
  const width = 620; // pixels at 96 dpi: about the text width of an A4 page
  return new Paragraph({
    spacing: { before: 200, after: 200, line: 240, lineRule: LineRuleType.AUTO },
    children: [
      new ImageRun({
        type: 'png',
        data: png,
        transformation: { width, height: Math.round((size.height / size.width) * width) },
        altText: { name: b.title, description: b.title, title: b.title },
      }),
    ],
  });
}

function signatures(blocks: SignatureBlock[]): Table {
  const w = Math.round(CONTENT_TWIPS / Math.max(1, blocks.length));
  const cell = (s: SignatureBlock) =>
    new TableCell({
      width: { size: w, type: WidthType.DXA },
      margins: { right: 400 },
      borders: { top: none, left: none, right: none, bottom: none },
      children: [
        ...s.names.map(
          (name, i) =>
            new Paragraph({
              ...(i === 0 && {
                spacing: { before: 900 },
                border: { top: { style: BorderStyle.SINGLE, size: 6, color: '1A1A1A', space: 4 } },
              }),
              children: [run(name || ' ', { bold: true })],
            }),
        ),
        ...s.lines.map((line) => new Paragraph({ children: [run(line)] })),
      ],
    });
  return new Table({
    width: { size: CONTENT_TWIPS, type: WidthType.DXA },
    columnWidths: blocks.map(() => w),
    borders: { top: none, bottom: none, left: none, right: none, insideHorizontal: none, insideVertical: none },
    rows: [new TableRow({ cantSplit: true, children: blocks.map(cell) })],
  });
}

const headingLevels = { 1: HeadingLevel.HEADING_1, 2: HeadingLevel.HEADING_2, 3: HeadingLevel.HEADING_3 } as const;

function blocks(b: Block, isCover: boolean): (Paragraph | Table)[] {
  switch (b.type) {
    case 'title': {
      const align = isCover ? AlignmentType.CENTER : AlignmentType.LEFT;
      return [
        new Paragraph({
          alignment: align,
          spacing: { before: isCover ? 3600 : 0, after: 120 },
          children: [run(b.text, { bold: true, size: isCover ? 56 : 40, color: ACCENT })],
        }),
        new Paragraph({
          alignment: align,
          spacing: { after: 360 },
          children: [run(b.subtitle, { size: isCover ? 30 : 24, color: ACCENT })],
        }),
        ...b.lines.map(
          (l) => new Paragraph({ alignment: align, spacing: { after: 120 }, children: [run(l, { size: 24 })] }),
        ),
      ];
    }
    case 'heading':
      return [new Paragraph({ heading: headingLevels[b.level], keepNext: true, children: [run(b.text)] })];
    case 'paragraph':
      return [
        new Paragraph({ spacing: { after: 100 }, children: runsOf(b.runs, undefined, b.muted ? '555555' : undefined) }),
      ];
    case 'bullets':
      return b.items.map((i) => new Paragraph({ bullet: { level: 0 }, spacing: { after: 60 }, children: [run(i)] }));
    case 'table':
      return [table(b.header, b.rows, b.widths), new Paragraph({ spacing: { after: 120 }, children: [] })];
    case 'chart':
      return [chart(b)];
    case 'signatures':
      return [signatures(b.blocks)];
    case 'pageBreak':
      return [new Paragraph({ children: [new PageBreak()] })];
  }
}

/** The document as DOCX bytes; East Asian text carries the CJK font and zh-CN language on every run. */
export async function renderDocx(model: DocumentModel): Promise<Buffer> {
  const lay = layout(model);
  const hasCover = lay.blocks[1]?.type === 'pageBreak';
  const small = { size: 15, color: '666666' };
  const doc = new Document({
    creator: 'coordination-mechanism',
    title: lay.runningTitle,
    description: lay.footer,
    styles: {
      default: {
        document: {
          run: { font: FONT, size: 20, language: LANG },
          paragraph: { spacing: { line: 276, lineRule: LineRuleType.AUTO } },
        },
        heading1: {
          run: { font: FONT, size: 30, bold: true, color: ACCENT },
          paragraph: {
            spacing: { before: 360, after: 120 },
            border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: ACCENT, space: 2 } },
          },
        },
        heading2: {
          run: { font: FONT, size: 25, bold: true, color: ACCENT },
          paragraph: { spacing: { before: 240, after: 100 } },
        },
        heading3: {
          run: { font: FONT, size: 22, bold: true, color: ACCENT },
          paragraph: { spacing: { before: 200, after: 80 } },
        },
      },
    },
    sections: [
      {
        properties: {
          titlePage: hasCover,
          page: { size: { width: 11906, height: 16838 }, margin: { top: 1134, bottom: 1134, left: 1134, right: 1134 } },
        },
        headers: {
          default: new Header({ children: [new Paragraph({ children: [run(lay.runningTitle, small)] })] }),
          first: new Header({ children: [] }),
        },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [
                  run(`${lay.footer} · page `, small),
                  new TextRun({ children: [PageNumber.CURRENT], font: FONT, ...small }),
                  run(' of ', small),
                  new TextRun({ children: [PageNumber.TOTAL_PAGES], font: FONT, ...small }),
                ],
              }),
            ],
          }),
          first: new Footer({ children: [] }),
        },
        children: lay.blocks.flatMap((b, i) => blocks(b, hasCover && i === 0)),
      },
    ],
  });
  return Packer.toBuffer(doc);
}
