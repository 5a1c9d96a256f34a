/**
 * Renders a document model to PDF with pdfkit: A4, embedded (subset) Noto Sans CJK so Chinese
 * renders anywhere, per-run fallback to DejaVu Sans for scripts the CJK face lacks, running
 * header and "page X of Y" footer on every page but the cover.
 */
import PDFDocument from 'pdfkit';
import { chartSize, rasteriseSvg, statusChartSvg } from './chart';
import { coverageOf, documentFonts, type DocumentFonts } from './fonts';
import { layout, type Block, type Run } from './layout';
import type { DocumentModel, SignatureBlock } from './model';

type Doc = PDFKit.PDFDocument;

const MARGIN = 56;
const INK = '#1a1a1a';
const ACCENT = '#1f3864';
const RULE = '#b4bccc';
const SIZE = { body: 10, table: 8.5, h1: 15, h2: 12.5, h3: 11 };

// Pages hold at most this much of one table cell; longer cells are cut with an ellipsis so a row always fits on a page.
const MAX_ROW_SHARE = 0.8;

interface Ctx {
  doc: Doc;
  fonts: DocumentFonts;
  width: number;
}

/** Splits text into runs of the main face and the fallback face, by glyph coverage. */
function segments(ctx: Ctx, text: string, bold: boolean): { font: string; text: string }[] {
  const main = bold ? 'bold' : 'regular';
  if (!ctx.fonts.fallback) return [{ font: main, text }];
  const has = coverageOf(bold ? ctx.fonts.bold : ctx.fonts.regular);
  const hasFb = coverageOf((bold ? ctx.fonts.fallbackBold : ctx.fonts.fallback)!);
  const out: { font: string; text: string }[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    // Spaces and line breaks stay with the current run so fallback text does not split words oddly.
    const font = cp <= 0x20 || has(cp) || !hasFb(cp) ? main : bold ? 'fallbackBold' : 'fallback';
    const last = out[out.length - 1];
    if (last && (last.font === font || cp <= 0x20)) last.text += ch;
    else out.push({ font, text: ch });
  }
  return out.length ? out : [{ font: main, text: '' }];
}

/** Writes runs as one flowing paragraph at the current position. */
function writeRuns(
  ctx: Ctx,
  runs: Run[],
  size: number,
  opts: PDFKit.Mixins.TextOptions & { x?: number; colour?: string } = {},
): void {
  const { doc } = ctx;
  const parts = runs.flatMap((r) => segments(ctx, r.text, Boolean(r.bold)).map((s) => ({ ...s, italic: r.italic })));
  const x = opts.x ?? doc.page.margins.left;
  const width = opts.width ?? ctx.width - (x - doc.page.margins.left);
  doc.fillColor(opts.colour ?? INK).fontSize(size);
  parts.forEach((s, i) => {
    doc.font(s.font);
    const o: PDFKit.Mixins.TextOptions = {
      ...opts,
      width,
      continued: i < parts.length - 1,
      oblique: s.italic ? 10 : false,
      lineGap: 1.5,
    };
    if (i === 0) doc.text(s.text, x, doc.y, o);
    else doc.text(s.text, o);
  });
}

function ensureSpace(ctx: Ctx, height: number): void {
  const { doc } = ctx;
  if (doc.y + height > doc.page.height - doc.page.margins.bottom) doc.addPage();
}

function heading(ctx: Ctx, level: 1 | 2 | 3, text: string): void {
  const size = level === 1 ? SIZE.h1 : level === 2 ? SIZE.h2 : SIZE.h3;
  // Keep a heading with at least a few lines of what follows it.
  ensureSpace(ctx, size * 2 + 60);
  ctx.doc.moveDown(level === 1 ? 0.9 : 0.6);
  writeRuns(ctx, [{ text, bold: true }], size, { colour: ACCENT });
  if (level === 1) {
    const y = ctx.doc.y + 2;
    ctx.doc
      .moveTo(MARGIN, y)
      .lineTo(MARGIN + ctx.width, y)
      .lineWidth(0.8)
      .strokeColor(ACCENT)
      .stroke();
    ctx.doc.y = y + 4;
  }
  ctx.doc.moveDown(0.3);
}

// The line gap is the one writeRuns draws with: measured smaller, a long cell was cut short with an ellipsis.
// A cell's lines (one per language in the report) are measured and drawn one by one: given to pdfkit with the "\n"
// inside, a line that fits the column was still wrapped before its last word.
function cellHeight(ctx: Ctx, text: string, width: number, bold: boolean): number {
  ctx.doc.font(bold ? 'bold' : 'regular').fontSize(SIZE.table);
  return (text || ' ')
    .split('\n')
    .reduce((sum, line) => sum + ctx.doc.heightOfString(line || ' ', { width, lineGap: 1.5 }), 0);
}

function table(ctx: Ctx, header: string[], rows: string[][], widths: number[]): void {
  const { doc } = ctx;
  const total = widths.reduce((a, b) => a + b, 0);
  const cols = widths.map((w) => (w / total) * ctx.width);
  const pad = 4;
  const maxRow = (doc.page.height - doc.page.margins.top - doc.page.margins.bottom) * MAX_ROW_SHARE;

  const drawRow = (cells: string[], isHeader: boolean) => {
    const heights = cells.map((c, i) =>
      cellHeight(ctx, c, cols[i] - 2 * pad, isHeader || (header.length === 0 && i === 0)),
    );
    const h = Math.min(maxRow, Math.max(...heights)) + 2 * pad;
    if (doc.y + h > doc.page.height - doc.page.margins.bottom) {
      doc.addPage();
      if (!isHeader && header.length) drawRow(header, true);
    }
    const y = doc.y;
    let x = MARGIN;
    if (isHeader) doc.rect(MARGIN, y, ctx.width, h).fill(ACCENT);
    else if (header.length === 0) doc.rect(MARGIN, y, cols[0], h).fill('#eef1f6');
    cells.forEach((c, i) => {
      const bold = isHeader || (header.length === 0 && i === 0);
      doc.y = y + pad;
      for (const line of (c || ' ').split('\n')) {
        const room = y + h - pad - doc.y;
        if (room < SIZE.table) break;
        writeRuns(ctx, [{ text: line || ' ', bold }], SIZE.table, {
          x: x + pad,
          width: cols[i] - 2 * pad,
          height: room,
          ellipsis: true,
          colour: isHeader ? '#ffffff' : INK,
        });
      }
      x += cols[i];
    });
    doc
      .moveTo(MARGIN, y + h)
      .lineTo(MARGIN + ctx.width, y + h)
      .lineWidth(0.4)
      .strokeColor(RULE)
      .stroke();
    doc.y = y + h;
  };

  doc.moveDown(0.4);
  ensureSpace(ctx, 40);
  if (header.length) drawRow(header, true);
  for (const r of rows) drawRow(r, false);
  doc.x = MARGIN;
  doc.moveDown(0.6);
}

function chart(ctx: Ctx, block: Extract<Block, { type: 'chart' }>): void {
  const { doc, fonts } = ctx;
  const files = [fonts.regular.file, fonts.bold.file];
  const png = rasteriseSvg(
    statusChartSvg(block.title, block.groups, fonts.family, block.legend),
    files,
    fonts.family,
    2,
  );
  const size = chartSize(block.groups.length);
  const w = ctx.width;
  const h = (size.height / size.width) * w;
  ensureSpace(ctx, h + 10);
  doc.moveDown(0.5);
  doc.image(png, MARGIN, doc.y, { width: w, height: h });
  doc.y += h + 8;
}

function signatures(ctx: Ctx, blocks: SignatureBlock[]): void {
  const { doc } = ctx;
  const lines = Math.max(...blocks.map((b) => b.names.length + b.lines.length));
  ensureSpace(ctx, 70 + lines * SIZE.body * 2);
  doc.moveDown(2);
  const colW = ctx.width / Math.max(1, blocks.length);
  const top = doc.y + 40;
  blocks.forEach((b, i) => {
    const x = MARGIN + i * colW;
    doc
      .moveTo(x, top)
      .lineTo(x + colW - 30, top)
      .lineWidth(0.6)
      .strokeColor(INK)
      .stroke();
    doc.y = top + 4;
    for (const name of b.names) writeRuns(ctx, [{ text: name || ' ', bold: true }], SIZE.body, { x, width: colW - 30 });
    for (const line of b.lines) writeRuns(ctx, [{ text: line }], SIZE.body, { x, width: colW - 30 });
  });
  doc.x = MARGIN;
}

function title(ctx: Ctx, block: Extract<Block, { type: 'title' }>, isCover: boolean): void {
  const { doc } = ctx;
  if (isCover) doc.y = doc.page.height * 0.3;
  writeRuns(ctx, [{ text: block.text, bold: true }], isCover ? 28 : 20, {
    colour: ACCENT,
    align: isCover ? 'center' : 'left',
  });
  doc.moveDown(0.3);
  writeRuns(ctx, [{ text: block.subtitle }], isCover ? 15 : 12, { colour: ACCENT, align: isCover ? 'center' : 'left' });
  if (isCover) {
    const y = doc.y + 16;
    doc
      .moveTo(MARGIN + ctx.width * 0.3, y)
      .lineTo(MARGIN + ctx.width * 0.7, y)
      .lineWidth(1)
      .strokeColor(ACCENT)
      .stroke();
    doc.y = y + 24;
  }
  for (const line of block.lines) {
    writeRuns(ctx, [{ text: line }], 12, { align: isCover ? 'center' : 'left' });
    doc.moveDown(0.3);
  }
  doc.moveDown(0.8);
}

function block(ctx: Ctx, b: Block, index: number, hasCover: boolean): void {
  const { doc } = ctx;
  switch (b.type) {
    case 'title':
      return title(ctx, b, hasCover && index === 0);
    case 'heading':
      return heading(ctx, b.level, b.text);
    case 'paragraph':
      ensureSpace(ctx, SIZE.body * 2);
      writeRuns(ctx, b.runs, SIZE.body, { colour: b.muted ? '#555555' : INK });
      doc.moveDown(0.35);
      return;
    case 'bullets':
      for (const item of b.items) {
        // An item that fits on a page is kept on one page rather than split at the foot of this one.
        const lines = doc
          .font('regular')
          .fontSize(SIZE.body)
          .heightOfString(item, { width: ctx.width - 18, lineGap: 1.5 });
        const page = doc.page.height - doc.page.margins.top - doc.page.margins.bottom;
        ensureSpace(ctx, lines < page / 2 ? lines : SIZE.body * 2);
        const y = doc.y;
        doc
          .font('regular')
          .fontSize(SIZE.body)
          .fillColor(INK)
          .text('•', MARGIN + 6, y);
        doc.y = y;
        writeRuns(ctx, [{ text: item }], SIZE.body, { x: MARGIN + 18 });
        doc.moveDown(0.2);
      }
      doc.x = MARGIN;
      doc.moveDown(0.3);
      return;
    case 'table':
      return table(ctx, b.header, b.rows, b.widths);
    case 'chart':
      return chart(ctx, b);
    case 'signatures':
      return signatures(ctx, b.blocks);
    case 'pageBreak':
      doc.addPage();
      return;
  }
}

/** The document as PDF bytes. The text is a function of the model alone; the PDF's own creation date is pinned to the model's generation time. */
export async function renderPdf(model: DocumentModel): Promise<Buffer> {
  const fonts = documentFonts();
  const lay = layout(model);
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN + 10, bottom: MARGIN + 10, left: MARGIN, right: MARGIN },
    bufferPages: true,
    autoFirstPage: true,
    info: {
      Title: lay.runningTitle,
      Author: model.header.mechanismName,
      Subject: model.header.title,
      Creator: 'coordination-mechanism',
      CreationDate: new Date(model.header.generatedAtIso),
    },
    lang: 'en',
    displayTitle: true,
  });
  doc.registerFont('regular', fonts.regular.file, fonts.regular.postscriptName);
  doc.registerFont('bold', fonts.bold.file, fonts.bold.postscriptName);
  if (fonts.fallback) doc.registerFont('fallback', fonts.fallback.file);
  if (fonts.fallbackBold) doc.registerFont('fallbackBold', fonts.fallbackBold.file);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const ctx: Ctx = { doc, fonts, width: doc.page.width - 2 * MARGIN };
  const hasCover = lay.blocks[1]?.type === 'pageBreak';
  lay.blocks.forEach((b, i) => block(ctx, b, i, hasCover));

  // Running header and footer, written once every page exists so the footer can say "of N".
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    if (hasCover && i === range.start) continue;
    doc.switchToPage(i);
    const { bottom, top } = doc.page.margins;
    doc.page.margins.bottom = 0;
    doc.page.margins.top = 0;
    const w = ctx.width;
    doc.y = MARGIN - 24;
    writeRuns(ctx, [{ text: lay.runningTitle }], 7.5, {
      x: MARGIN,
      width: w,
      colour: '#666666',
      lineBreak: false,
      height: 10,
      ellipsis: true,
    });
    doc.y = doc.page.height - MARGIN + 14;
    writeRuns(ctx, [{ text: `${lay.footer} · page ${i - range.start + 1} of ${range.count}` }], 7.5, {
      x: MARGIN,
      width: w,
      colour: '#666666',
      align: 'center',
      lineBreak: false,
    });
    doc.page.margins.bottom = bottom;
    doc.page.margins.top = top;
  }
  doc.end();
  return done;
}
