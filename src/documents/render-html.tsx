/** Renders a document model to a standalone HTML page (the web view): every text escaped, the chart inline as SVG. */
import { renderToString } from 'preact-render-to-string';
import { statusChartSvg } from './chart';
import { layout, type Block, type Run } from './layout';
import type { DocumentModel } from './model';

const CSS = `
body{font-family:"Noto Sans","Noto Sans CJK SC","Microsoft YaHei",Arial,sans-serif;color:#1a1a1a;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}
h1,h2,h3{color:#1f3864}h1.doc-title{font-size:2rem;margin-bottom:.2rem}h2{border-bottom:1px solid #1f3864;padding-bottom:.2rem}
p,li,td,th{overflow-wrap:anywhere}.subtitle{font-size:1.2rem;color:#1f3864;margin-top:0}
table{border-collapse:collapse;width:100%;margin:.6rem 0 1rem;font-size:.9rem}th{background:#1f3864;color:#fff;text-align:left}
th,td{padding:.3rem .45rem;border-bottom:1px solid #b4bccc;vertical-align:top}table.keys td:first-child{font-weight:bold;background:#eef1f6;width:25%}
.chart svg{max-width:100%;height:auto}.signatures{display:flex;gap:3rem;margin-top:4rem}.signatures div{flex:1;border-top:1px solid #1a1a1a;padding-top:.3rem}
footer{margin-top:3rem;color:#666;font-size:.8rem}.muted{color:#555}`;

function Runs({ runs }: { runs: Run[] }) {
  return <>{runs.map((r) => (r.bold ? <strong>{r.text}</strong> : r.italic ? <em>{r.text}</em> : r.text))}</>;
}

/** A cell's or a signature's lines (one per language in the report) stay lines. */
const Lines = ({ lines }: { lines: string[] }) => (
  <>
    {lines.map((line, i) => (
      <>
        {i > 0 && <br />}
        {line}
      </>
    ))}
  </>
);

function HtmlBlock({ block: b }: { block: Block }) {
  switch (b.type) {
    case 'title':
      return (
        <header>
          <h1 class="doc-title">{b.text}</h1>
          <p class="subtitle">{b.subtitle}</p>
          {b.lines.map((l) => (
            <p>{l}</p>
          ))}
        </header>
      );
    case 'heading': {
      const Heading = `h${b.level + 1}` as 'h2';
      return <Heading>{b.text}</Heading>;
    }
    case 'paragraph':
      return (
        <p class={b.muted ? 'muted' : undefined}>
          <Runs runs={b.runs} />
        </p>
      );
    case 'bullets':
      return (
        <ul>
          {b.items.map((i) => (
            <li>{i}</li>
          ))}
        </ul>
      );
    case 'table':
      return (
        <table class={b.header.length ? undefined : 'keys'}>
          {b.header.length > 0 && (
            <thead>
              <tr>
                {b.header.map((h) => (
                  <th scope="col">
                    <Lines lines={h.split('\n')} />
                  </th>
                ))}
              </tr>
            </thead>
          )}
          <tbody>
            {b.rows.map((r) => (
              <tr>
                {r.map((c) => (
                  <td>
                    <Lines lines={c.split('\n')} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      );
    case 'chart':
      return (
        <figure
          class="chart"
          aria-label={b.title}
          // The chart module's own SVG, its texts escaped for XML there (src/documents/chart.ts).
          dangerouslySetInnerHTML={{
            __html: statusChartSvg(b.title, b.groups, 'Noto Sans CJK SC, Arial, sans-serif', b.legend),
          }}
        />
      );
    case 'signatures':
      return (
        <section class="signatures">
          {b.blocks.map((s) => (
            <div>
              {s.names.map((n, i) => (
                <>
                  {i > 0 && <br />}
                  <strong>{n || ' '}</strong>
                </>
              ))}
              <br />
              <Lines lines={s.lines} />
            </div>
          ))}
        </section>
      );
    case 'pageBreak':
      return null;
  }
}

/** The document as a complete HTML page; no user text reaches the page unescaped (Preact's renderer escapes it). */
export function renderHtml(model: DocumentModel): string {
  const lay = layout(model);
  const page = renderToString(
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{lay.runningTitle}</title>
        <style dangerouslySetInnerHTML={{ __html: CSS }} />
      </head>
      <body>
        <main>
          {lay.blocks.map((block) => (
            <HtmlBlock block={block} />
          ))}
        </main>
        <footer>{lay.footer}</footer>
      </body>
    </html>,
  );
  return `<!doctype html>\n${page}\n`;
}
