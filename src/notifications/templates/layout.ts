import { escapeHtml, singleLineHeader } from '../escape';
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

// Line breaks inside a paragraph (free notes) become <br>; everything else is escaped text.
const para = (text: string) => escapeHtml(text).replace(/\n/g, '<br>\n');

function htmlBlock(block: Block): string {
  switch (block.type) {
    case 'paragraph':
      return `<p>${para(block.text)}</p>`;
    case 'list': {
      const title = block.title ? `<p><strong>${escapeHtml(block.title)}</strong></p>\n` : '';
      const items = block.items.length
        ? `<ul>\n${block.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('\n')}\n</ul>`
        : `<p><em>${escapeHtml(block.empty ?? '-')}</em></p>`;
      return title + items;
    }
    case 'facts':
      return `<table role="presentation" style="border-collapse:collapse">\n${block.rows
        .map(
          ([k, v]) =>
            `<tr><th style="text-align:left;padding:2px 12px 2px 0;vertical-align:top">${escapeHtml(k)}</th><td style="padding:2px 0">${escapeHtml(v)}</td></tr>`,
        )
        .join('\n')}\n</table>`;
    case 'button':
      return `<p><a href="${escapeHtml(block.url)}" style="display:inline-block;padding:10px 18px;background:#1f4e79;color:#ffffff;text-decoration:none;border-radius:4px">${escapeHtml(block.label)}</a></p>\n<p style="font-size:12px;color:#555555">${escapeHtml(block.url)}</p>`;
  }
}

/** Renders content to subject, text and HTML; every piece of text is escaped in the HTML part and the subject is checked to be one line. */
export function layout(content: EmailContent, lang: 'en' | 'zh'): RenderedEmail {
  const subject = singleLineHeader(content.subject, 'subject');
  const text = [content.greeting, ...content.blocks.map(textBlock), content.signOff].join('\n\n') + '\n';
  const html = `<!DOCTYPE html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">
<head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:Arial,'Microsoft YaHei','PingFang SC',sans-serif;font-size:14px;line-height:1.5;color:#222222">
<p>${escapeHtml(content.greeting)}</p>
${content.blocks.map(htmlBlock).join('\n')}
<p>${para(content.signOff)}</p>
</body>
</html>
`;
  return { subject, text, html };
}
