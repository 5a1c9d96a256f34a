/**
 * Charts of trends across quarters (issue 20, point 4), drawn as SVG strings like the report's status chart
 * (`chart.ts`): the same code serves the pages (inline SVG), the PDF and the DOCX (rasterised with resvg). Each
 * chart carries a <title> and <desc> for screen readers; the pages put the numbers next to it as a table.
 */
import type { Language } from '../domain';
import { translate } from '../i18n';
import { statusColours } from './chart';
import { statusLabelIn } from './format';
import { statusKeys, type StatusCounts } from './model';
import { escapeXml } from './text';

const WIDTH = 760;
const HEIGHT = 300;
const LEFT = 48;
const TOP = 36;
const BOTTOM = 64;

/** `id` prefixes the title's and description's ids, so that several charts can share a page. */
function open(title: string, desc: string, fontFamily: string, height = HEIGHT, id?: string): string[] {
  const [t, d] = id ? [`${id}-t`, `${id}-d`] : ['t', 'd'];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="${escapeXml(fontFamily)}" role="img" aria-labelledby="${t} ${d}">`,
    `<title id="${t}">${escapeXml(title)}</title>`,
    `<desc id="${d}">${escapeXml(desc)}</desc>`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="10" y="22" font-size="15" font-weight="bold" fill="#1a1a1a">${escapeXml(title)}</text>`,
  ];
}

/** A status's name in running text: lower case in English ("3 on track"), as it is in Chinese. */
const statusInText = (key: keyof typeof statusColours, language: Language) =>
  language === 'en' ? statusLabelIn(key, language).toLowerCase() : statusLabelIn(key, language);

/** A plain-language description of status counts per quarter (the chart's <desc>), in `language`. */
export function describeQuarterCounts(quarters: StatusCounts[], language: Language = 'en'): string {
  const t = (key: Parameters<typeof translate>[1], values: Record<string, string | number>) =>
    translate(language, key, values);
  return quarters
    .map((q) =>
      t('page.chart.quarter', {
        quarter: q.label,
        total: q.total,
        counts:
          statusKeys
            .filter((k) => q.counts[k] > 0)
            .map((k) => t('page.chart.count', { n: q.counts[k], status: statusInText(k, language) }))
            .join(t('page.chart.separator', {})) || 'none',
      }),
    )
    .join(t('page.chart.quarterSeparator', {}));
}

/**
 * A vertical stacked bar of status counts per quarter (`label` is the quarter), oldest left, with a legend; `id` as
 * for open(), for a page with more than one such chart.
 */
export function quarterStatusBarsSvg(
  title: string,
  quarters: StatusCounts[],
  fontFamily: string,
  id?: string,
  language: Language = 'en',
): string {
  const out = open(title, describeQuarterCounts(quarters, language), fontFamily, HEIGHT, id);
  const plotH = HEIGHT - TOP - BOTTOM;
  const max = Math.max(1, ...quarters.map((q) => q.total));
  const slot = (WIDTH - LEFT - 20) / Math.max(1, quarters.length);
  const barW = Math.min(60, slot * 0.6);
  out.push(
    `<line x1="${LEFT}" y1="${TOP + plotH}" x2="${WIDTH - 10}" y2="${TOP + plotH}" stroke="#555555" stroke-width="1"/>`,
    `<text x="${LEFT - 6}" y="${TOP + 10}" font-size="11" text-anchor="end" fill="#555555">${max}</text>`,
    `<text x="${LEFT - 6}" y="${TOP + plotH}" font-size="11" text-anchor="end" fill="#555555">0</text>`,
  );
  quarters.forEach((q, i) => {
    const x = LEFT + i * slot + (slot - barW) / 2;
    let y = TOP + plotH;
    for (const k of statusKeys) {
      const n = q.counts[k];
      if (!n) continue;
      const h = (n / max) * plotH;
      y -= h;
      out.push(
        `<rect x="${x.toFixed(2)}" y="${y.toFixed(2)}" width="${barW.toFixed(2)}" height="${h.toFixed(2)}" fill="${statusColours[k]}" stroke="#ffffff" stroke-width="0.5"><title>${escapeXml(translate(language, 'page.chart.bar', { quarter: q.label, n, status: statusInText(k, language) }))}</title></rect>`,
      );
      if (h >= 14) {
        const fill = k === 'no-update' || k === 'at-risk' ? '#1a1a1a' : '#ffffff';
        out.push(
          `<text x="${(x + barW / 2).toFixed(2)}" y="${(y + h / 2 + 4).toFixed(2)}" font-size="11" text-anchor="middle" fill="${fill}">${n}</text>`,
        );
      }
    }
    out.push(
      `<text x="${(x + barW / 2).toFixed(2)}" y="${TOP + plotH + 16}" font-size="11" text-anchor="middle" fill="#1a1a1a">${escapeXml(q.label)}</text>`,
    );
  });
  const ly = HEIGHT - 26;
  statusKeys.forEach((k, i) => {
    const lx = 10 + i * 125;
    out.push(
      `<rect x="${lx}" y="${ly - 10}" width="12" height="12" fill="${statusColours[k]}" stroke="#777777" stroke-width="0.5"/>`,
      `<text x="${lx + 16}" y="${ly}" font-size="11" fill="#1a1a1a">${escapeXml(statusLabelIn(k, language))}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n');
}

/** One point of a project's history: the quarter, its status and progress (absent without an update). */
export interface ProgressPoint {
  quarter: string;
  status: keyof typeof statusColours;
  progressPercent?: number;
}

/** A project's progress per quarter as a step line (0–100 %), each quarter's dot in its status colour. */
export function progressStepSvg(
  title: string,
  points: ProgressPoint[],
  fontFamily: string,
  language: Language = 'en',
): string {
  const desc = points
    .map((p) =>
      translate(language, 'page.chart.progress', {
        quarter: p.quarter,
        status: statusInText(p.status, language),
        progress: p.progressPercent === undefined ? 'none' : p.progressPercent,
      }),
    )
    .join(translate(language, 'page.chart.quarterSeparator'));
  const height = 240;
  const out = open(title, desc, fontFamily, height);
  const plotH = height - TOP - 40;
  const slot = (WIDTH - LEFT - 20) / Math.max(1, points.length);
  const xOf = (i: number) => LEFT + i * slot + slot / 2;
  const yOf = (v: number) => TOP + plotH - (v / 100) * plotH;
  out.push(
    `<line x1="${LEFT}" y1="${TOP + plotH}" x2="${WIDTH - 10}" y2="${TOP + plotH}" stroke="#555555" stroke-width="1"/>`,
    `<line x1="${LEFT}" y1="${yOf(100)}" x2="${WIDTH - 10}" y2="${yOf(100)}" stroke="#cccccc" stroke-dasharray="4 3"/>`,
    `<text x="${LEFT - 6}" y="${yOf(100) + 4}" font-size="11" text-anchor="end" fill="#555555">100%</text>`,
    `<text x="${LEFT - 6}" y="${TOP + plotH}" font-size="11" text-anchor="end" fill="#555555">0%</text>`,
  );
  let path = '';
  let last: number | undefined;
  points.forEach((p, i) => {
    if (p.progressPercent === undefined) return;
    const x = xOf(i);
    const y = yOf(p.progressPercent);
    path += last === undefined ? `M${x.toFixed(2)},${y.toFixed(2)}` : ` H${x.toFixed(2)} V${y.toFixed(2)}`;
    last = y;
  });
  if (path) out.push(`<path d="${path}" fill="none" stroke="#1a1a1a" stroke-width="2"/>`);
  points.forEach((p, i) => {
    const x = xOf(i);
    if (p.progressPercent !== undefined) {
      const y = yOf(p.progressPercent);
      out.push(
        `<circle cx="${x.toFixed(2)}" cy="${y.toFixed(2)}" r="6" fill="${statusColours[p.status]}" stroke="#1a1a1a" stroke-width="1"/>`,
        `<text x="${x.toFixed(2)}" y="${(y - 10).toFixed(2)}" font-size="11" text-anchor="middle" fill="#1a1a1a">${p.progressPercent}%</text>`,
      );
    }
    out.push(
      `<text x="${x.toFixed(2)}" y="${TOP + plotH + 16}" font-size="11" text-anchor="middle" fill="#1a1a1a">${escapeXml(p.quarter)}</text>`,
      `<text x="${x.toFixed(2)}" y="${TOP + plotH + 30}" font-size="10" text-anchor="middle" fill="#555555">${escapeXml(statusLabelIn(p.status, language))}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n');
}
