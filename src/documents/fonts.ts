/**
 * The fonts documents are set in. Body text is Noto Sans CJK SC (Debian package `fonts-noto-cjk`),
 * which covers Latin, Greek, Cyrillic and Chinese in one face, so English and Chinese names sit on
 * the same baseline. Scripts it lacks (Arabic, Hebrew, many symbols) fall back per run to DejaVu
 * Sans (`fonts-dejavu-core`). Paths can be overridden with DOCUMENT_FONT_DIR.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as fontkit from 'fontkit';

/** A font file and, for a collection (.ttc), the face inside it. */
export interface FontFace {
  file: string;
  /** PostScript name of the face inside a .ttc collection. */
  postscriptName?: string;
}

/** The faces the PDF renderer and the chart use. */
export interface DocumentFonts {
  regular: FontFace;
  bold: FontFace;
  /** Fallback for characters the main face lacks; absent when DejaVu is not installed. */
  fallback?: FontFace;
  fallbackBold?: FontFace;
  /** Family name the chart rasteriser and DOCX use for the main face. */
  family: string;
}

/** Font family names written into DOCX runs: Latin text in Arial (Liberation Sans on Linux), East Asian text in Noto Sans CJK SC. */
export const docxFonts = { latin: 'Arial', eastAsia: 'Noto Sans CJK SC' } as const;

const CJK_DIRS = ['/usr/share/fonts/opentype/noto', '/usr/share/fonts/noto-cjk', '/usr/share/fonts/google-noto-cjk'];
const DEJAVU_DIRS = ['/usr/share/fonts/truetype/dejavu', '/usr/share/fonts/dejavu'];

function find(dirs: string[], file: string): string | undefined {
  for (const d of dirs) {
    const p = path.join(d, file);
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

let cached: DocumentFonts | undefined;

/** The installed fonts; throws a message naming the Debian package to install when the CJK font is missing. */
export function documentFonts(): DocumentFonts {
  if (cached) return cached;
  const override = process.env.DOCUMENT_FONT_DIR ? [process.env.DOCUMENT_FONT_DIR] : [];
  const regular = find([...override, ...CJK_DIRS], 'NotoSansCJK-Regular.ttc');
  const bold = find([...override, ...CJK_DIRS], 'NotoSansCJK-Bold.ttc');
  if (!regular || !bold) {
    throw new Error(
      'Documents need the Noto Sans CJK font (NotoSansCJK-Regular.ttc and NotoSansCJK-Bold.ttc) to render Chinese text: ' +
        `install the Debian package fonts-noto-cjk (apt-get install -y fonts-noto-cjk) or set DOCUMENT_FONT_DIR to a folder holding them. Looked in: ${[...override, ...CJK_DIRS].join(', ')}`,
    );
  }
  const fbRegular = find([...override, ...DEJAVU_DIRS], 'DejaVuSans.ttf');
  const fbBold = find([...override, ...DEJAVU_DIRS], 'DejaVuSans-Bold.ttf');
  cached = {
    regular: { file: regular, postscriptName: 'NotoSansCJKsc-Regular' },
    bold: { file: bold, postscriptName: 'NotoSansCJKsc-Bold' },
    fallback: fbRegular ? { file: fbRegular } : undefined,
    fallbackBold: fbBold ? { file: fbBold } : fbRegular ? { file: fbRegular } : undefined,
    family: 'Noto Sans CJK SC',
  };
  return cached;
}

type Coverage = (codePoint: number) => boolean;
const coverageCache = new Map<string, Coverage>();

/** A test for whether a face has a glyph for a code point (the font is parsed once per process). */
export function coverageOf(face: FontFace): Coverage {
  const key = `${face.file}#${face.postscriptName ?? ''}`;
  let c = coverageCache.get(key);
  if (!c) {
    const opened = fontkit.openSync(face.file);
    const font =
      'fonts' in opened
        ? (opened.fonts.find((f) => f.postscriptName === face.postscriptName) ?? opened.fonts[0])
        : opened;
    const seen = new Map<number, boolean>();
    c = (cp) => {
      let v = seen.get(cp);
      if (v === undefined) {
        v = font.hasGlyphForCodePoint(cp);
        seen.set(cp, v);
      }
      return v;
    };
    coverageCache.set(key, c);
  }
  return c;
}
