/** The small part of fontkit (a dependency of pdfkit) used to test glyph coverage. */
declare module 'fontkit' {
  export interface Font {
    postscriptName: string;
    hasGlyphForCodePoint(codePoint: number): boolean;
  }
  export function openSync(file: string): Font | { fonts: Font[] };
}
