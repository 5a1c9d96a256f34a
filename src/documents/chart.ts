/**
 * The report's chart of project status by pillar, drawn as SVG by string building (every text
 * escaped) and rasterised with resvg for DOCX. No browser involved.
 */
import { Resvg } from '@resvg/resvg-js';
import { statusKeys, type StatusCounts, type StatusKey } from './model';
import { escapeXml } from './text';

/** Colours per status: readable in print and for the common colour-vision deficiencies (blue/orange rather than red/green alone). */
export const statusColours: Record<StatusKey, string> = {
  'on-track': '#2e7d32',
  'at-risk': '#f0a30a',
  'off-track': '#c62828',
  completed: '#1f5fa8',
  'not-started': '#8d8d8d',
  'no-update': '#d9d9d9',
};

/** Natural size of the chart in CSS pixels (scaled by the renderers). */
export interface ChartSize {
  width: number;
  height: number;
}

const LABEL_W = 230;
const ROW_H = 30;
const TOP = 40;
const LEGEND_H = 56;
const WIDTH = 760;

function shorten(label: string, max = 34): string {
  const chars = Array.from(label);
  return chars.length > max ? chars.slice(0, max - 1).join('') + '…' : label;
}

/** The chart's size for this many pillars. */
export function chartSize(groups: number): ChartSize {
  return { width: WIDTH, height: TOP + Math.max(1, groups) * ROW_H + LEGEND_H };
}

/**
 * A horizontal stacked bar per pillar with counts inside the bars and a legend (`legend`: the status labels in
 * `statusKeys` order); `fontFamily` names the font the rasteriser has loaded.
 */
export function statusChartSvg(
  title: string,
  groups: StatusCounts[],
  fontFamily: string,
  legend: readonly string[],
): string {
  const { width, height } = chartSize(groups.length);
  const max = Math.max(1, ...groups.map((g) => g.total));
  const barW = width - LABEL_W - 40;
  const font = escapeXml(fontFamily);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${font}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="10" y="24" font-size="16" font-weight="bold" fill="#1a1a1a">${escapeXml(title)}</text>`,
  ];
  groups.forEach((g, i) => {
    const y = TOP + i * ROW_H;
    out.push(
      `<text x="${LABEL_W - 8}" y="${y + 19}" font-size="12" text-anchor="end" fill="#1a1a1a">${escapeXml(shorten(g.label))}</text>`,
    );
    let x = LABEL_W;
    for (const k of statusKeys) {
      const n = g.counts[k];
      if (!n) continue;
      const w = (n / max) * barW;
      out.push(
        `<rect x="${x.toFixed(2)}" y="${y + 4}" width="${w.toFixed(2)}" height="${ROW_H - 8}" fill="${statusColours[k]}"/>`,
      );
      if (w >= 18) {
        const fill = k === 'no-update' || k === 'at-risk' ? '#1a1a1a' : '#ffffff';
        out.push(
          `<text x="${(x + w / 2).toFixed(2)}" y="${y + 19}" font-size="11" text-anchor="middle" fill="${fill}">${n}</text>`,
        );
      }
      x += w;
    }
    out.push(`<text x="${(x + 6).toFixed(2)}" y="${y + 19}" font-size="11" fill="#555555">${g.total}</text>`);
  });
  const ly = TOP + Math.max(1, groups.length) * ROW_H + 20;
  statusKeys.forEach((k, i) => {
    const lx = 10 + (i % 3) * 250;
    const yy = ly + Math.floor(i / 3) * 20;
    out.push(
      `<rect x="${lx}" y="${yy - 10}" width="12" height="12" fill="${statusColours[k]}" stroke="#777777" stroke-width="0.5"/>`,
    );
    out.push(`<text x="${lx + 18}" y="${yy}" font-size="12" fill="#1a1a1a">${escapeXml(legend[i] ?? k)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

/** The SVG rasterised to PNG at `scale` times its natural size, using the given font files (CJK pillar names need the CJK font). */
export function rasteriseSvg(svg: string, fontFiles: string[], defaultFontFamily: string, scale = 2): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: false, fontFiles, defaultFontFamily },
    background: '#ffffff',
  });
  return resvg.render().asPng();
}
