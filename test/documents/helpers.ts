/** Reads the text a person would see in generated DOCX and PDF files. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';

/** `word/document.xml` of a DOCX. */
export async function documentXml(docx: Buffer): Promise<string> {
  const zip = await JSZip.loadAsync(docx);
  const file = zip.file('word/document.xml');
  if (!file) throw new Error('no word/document.xml in the DOCX');
  return file.async('string');
}

/** The visible text of a DOCX, one line per paragraph (XML entities decoded). */
export async function docxText(docx: Buffer): Promise<string> {
  const xml = await documentXml(docx);
  return xml
    .split('</w:p>')
    .map((p) => [...p.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join(''))
    .join('\n')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** A fresh temporary folder, removed by the caller. */
export function tempDir(prefix = 'documents-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The text of a PDF as poppler's pdftotext extracts it (Debian package poppler-utils). */
export function pdfText(pdf: Buffer): string {
  const dir = tempDir('pdf-text-');
  try {
    const file = path.join(dir, 'doc.pdf');
    fs.writeFileSync(file, pdf);
    return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Asserts that every needle appears in the text, in this order. */
export function expectInOrder(text: string, needles: string[]): void {
  let at = 0;
  for (const n of needles) {
    const i = text.indexOf(n, at);
    if (i < 0)
      throw new Error(
        `expected "${n}" after position ${at}${text.includes(n) ? ' (it appears earlier, out of order)' : ' (not found at all)'}`,
      );
    at = i + n.length;
  }
}

/** Collapses whitespace, since PDF extraction breaks lines where the layout wrapped them. */
export function flat(text: string): string {
  return text.replace(/\s+/g, ' ');
}
