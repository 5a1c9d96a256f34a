import { renderToString } from 'preact-render-to-string';
import { singleLineHeader } from '../escape';
import type { Block, EmailContent } from './content';

/** The three parts of a rendered email: a one-line subject, a plain-text part and an HTML part. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

function textBlock(block: Block): string {
  switch (block.type) {
    case 'paragraph':
      return block.text;
    case 'list': {
      const items = block.items.length ? block.items.map((i) => `  - ${i}`).join('\n') : `  ${block.empty ?? '-'}`;
      return block.title ? `${block.title}\n${items}` : items;
    }
    case 'facts':
      return block.rows.map(([k, v]) => `${k}: ${v}`).join('\n');
    case 'button':
      return `${block.label}:\n${block.url}`;
  }
}

/** A text whose line breaks (free notes) stay lines: the text is escaped by the renderer, the breaks become <br>. */
const Lines = ({ text }: { text: string }) => (
  <>
    {text.split('\n').map((line, i) => (
      <>
        {i > 0 && (
          <>
            <br />
            {'\n'}
          </>
        )}
        {line}
      </>
    ))}
  </>
);

const FACT_LABEL = 'text-align:left;padding:2px 12px 2px 0;vertical-align:top';
const BUTTON =
  'display:inline-block;padding:10px 18px;background:#1f4e79;color:#ffffff;text-decoration:none;border-radius:4px';

function HtmlBlock({ block }: { block: Block }) {
  switch (block.type) {
    case 'paragraph':
      return (
        <p>
          <Lines text={block.text} />
        </p>
      );
    case 'list':
      return (
        <>
          {block.title && (
            <p>
              <strong>{block.title}</strong>
            </p>
          )}
          {block.items.length ? (
            <ul>
              {block.items.map((item) => (
                <li>{item}</li>
              ))}
            </ul>
          ) : (
            <p>
              <em>{block.empty ?? '-'}</em>
            </p>
          )}
        </>
      );
    case 'facts':
      return (
        <table role="presentation" style="border-collapse:collapse">
          {block.rows.map(([label, value]) => (
            <tr>
              <th style={FACT_LABEL}>{label}</th>
              <td style="padding:2px 0">{value}</td>
            </tr>
          ))}
        </table>
      );
    case 'button':
      return (
        <>
          <p>
            <a href={block.url} style={BUTTON}>
              {block.label}
            </a>
          </p>
          <p style="font-size:12px;color:#555555">{block.url}</p>
        </>
      );
  }
}

/** Renders content to subject, text and HTML; every piece of text is escaped in the HTML part (by Preact's renderer, as the pages are) and the subject is checked to be one line. */
export function layout(content: EmailContent, lang: 'en' | 'zh'): RenderedEmail {
  const subject = singleLineHeader(content.subject, 'subject');
  const text = [content.greeting, ...content.blocks.map(textBlock), content.signOff].join('\n\n') + '\n';
  const html = `<!DOCTYPE html>\n${renderToString(
    <html lang={lang === 'zh' ? 'zh-CN' : 'en'}>
      <head>
        <meta charset="utf-8" />
        <title>{subject}</title>
      </head>
      <body style="font-family:Arial,'Microsoft YaHei','PingFang SC',sans-serif;font-size:14px;line-height:1.5;color:#222222">
        <p>{content.greeting}</p>
        {content.blocks.map((block) => (
          <HtmlBlock block={block} />
        ))}
        <p>
          <Lines text={content.signOff} />
        </p>
      </body>
    </html>,
  )}\n`;
  return { subject, text, html };
}
