/** Renders a document model to a standalone HTML page (the web view): every text escaped, the chart inline as SVG. */
import { statusChartSvg } from './chart';
import { layout, type Block, type Run } from './layout';
import type { DocumentModel } from './model';
import { escapeHtml as e } from './text';

const CSS = `
body{font-family:"Noto Sans","Noto Sans CJK SC","Microsoft YaHei",Arial,sans-serif;color:#1a1a1a;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}
h1,h2,h3{color:#1f3864}h1.doc-title{font-size:2rem;margin-bottom:.2rem}h2{border-bottom:1px solid #1f3864;padding-bottom:.2rem}
p,li,td,th{overflow-wrap:anywhere}.subtitle{font-size:1.2rem;color:#1f3864;margin-top:0}
table{border-collapse:collapse;width:100%;margin:.6rem 0 1rem;font-size:.9rem}th{background:#1f3864;color:#fff;text-align:left}
th,td{padding:.3rem .45rem;border-bottom:1px solid #b4bccc;vertical-align:top}table.keys td:first-child{font-weight:bold;background:#eef1f6;width:25%}
.chart svg{max-width:100%;height:auto}.signatures{display:flex;gap:3rem;margin-top:4rem}.signatures div{flex:1;border-top:1px solid #1a1a1a;padding-top:.3rem}
footer{margin-top:3rem;color:#666;font-size:.8rem}.muted{color:#555}`;

function runs(rs: Run[]): string {
  return rs
    .map((r) => (r.bold ? `<strong>${e(r.text)}</strong>` : r.italic ? `<em>${e(r.text)}</em>` : e(r.text)))
    .join('');
}

function block(b: Block): string {
  switch (b.type) {
    case 'title':
      return `<header><h1 class="doc-title">${e(b.text)}</h1><p class="subtitle">${e(b.subtitle)}</p>${b.lines.map((l) => `<p>${e(l)}</p>`).join('')}</header>`;
    case 'heading':
      return `<h${b.level + 1}>${e(b.text)}</h${b.level + 1}>`;
    case 'paragraph':
      return `<p${b.muted ? ' class="muted"' : ''}>${runs(b.runs)}</p>`;
    case 'bullets':
      return `<ul>${b.items.map((i) => `<li>${e(i)}</li>`).join('')}</ul>`;
    case 'table': {
      // A cell's lines (one per language in the report) stay lines.
      const cell = (text: string) => text.split('\n').map(e).join('<br>');
      const head = b.header.length
        ? `<thead><tr>${b.header.map((h) => `<th scope="col">${cell(h)}</th>`).join('')}</tr></thead>`
        : '';
      const body = b.rows.map((r) => `<tr>${r.map((c) => `<td>${cell(c)}</td>`).join('')}</tr>`).join('');
      return `<table${b.header.length ? '' : ' class="keys"'}>${head}<tbody>${body}</tbody></table>`;
    }
    case 'chart':
      return `<figure class="chart" aria-label="${e(b.title)}">${statusChartSvg(b.title, b.groups, 'Noto Sans CJK SC, Arial, sans-serif', b.legend)}</figure>`;
    case 'signatures':
      return `<section class="signatures">${b.blocks.map((s) => `<div>${s.names.map((n) => `<strong>${e(n || ' ')}</strong>`).join('<br>')}<br>${s.lines.map(e).join('<br>')}</div>`).join('')}</section>`;
    case 'pageBreak':
      return '';
  }
}

/** The document as a complete HTML page; no user text reaches the page unescaped. */
export function renderHtml(model: DocumentModel): string {
  const lay = layout(model);
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(lay.runningTitle)}</title><style>${CSS}</style></head><body>`,
    `<main>${lay.blocks.map(block).join('\n')}</main>`,
    `<footer>${e(lay.footer)}</footer>`,
    '</body></html>',
    '',
  ].join('\n');
}
