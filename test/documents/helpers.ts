/** Reads the text a person would see in generated DOCX and PDF files. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import type { ProjectRecord } from '../../src/documents';
import { sampleProjects } from '../../src/documents/samples';
import type { Mechanism, Project } from '../../src/domain';
import { DEMO_MECHANISM_FILE } from '../../src/store/import/demo';
import { parseMechanismFile } from '../../src/store/import/mechanism-file';

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

/**
 * Extracted text with whitespace collapsed, and removed next to Chinese characters: LibreOffice sets a little space
 * between Chinese and Latin text (digits included), which pdftotext reads as a space ("2026 年 12 月").
 */
export function squeeze(text: string): string {
  return flat(text).replace(/\s*([\p{Script=Han}\u3000-\u303F\uFF00-\uFFEF])\s*/gu, '$1');
}

/** Fonts of a PDF file as pdffonts lists them: name, embedded, subset. */
export function pdfFonts(file: string): { name: string; embedded: boolean; subset: boolean }[] {
  const out = execFileSync('pdffonts', [file], { encoding: 'utf8' }).split('\n');
  const start = out.findIndex((l) => l.startsWith('-----')) + 1;
  return out
    .slice(start)
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const t = l.trim().split(/\s+/);
      return { name: t[0], embedded: t[t.length - 5] === 'yes', subset: t[t.length - 4] === 'yes' };
    });
}

/** The demo mechanism (mechanisms/cn-ls.yaml, with its Chinese names), its projects, and sample records for them. */
export function demoQuarter(): { mechanism: Mechanism; projects: Project[]; records: ProjectRecord[] } {
  const { projects, ...mechanism } = parseMechanismFile(fs.readFileSync(DEMO_MECHANISM_FILE, 'utf8'));
  const records = sampleProjects(projects.length).map((r, i) => ({
    ...r,
    project: projects[i],
    submission: r.submission && { ...r.submission, projectId: projects[i].id },
  }));
  return { mechanism, projects, records };
}
