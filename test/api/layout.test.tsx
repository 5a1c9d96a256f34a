import { message, page, renderMarkup, written } from '../../src/api/pages/layout';
import { translator } from '../../src/i18n';

// The pages' renderer escapes every value it is given: text, attributes, and markup values inside a message. It
// escapes what can open markup or close an attribute (& < "), which is all HTML needs.
describe('the pages are JSX rendered by Preact (src/api/pages/layout.tsx)', () => {
  const hostile = `<script>alert("x")</script>&'`;

  test('text and attribute values are escaped, never put in as markup', () => {
    const out = renderMarkup(
      <p title={hostile} data-x={`" onclick="y`}>
        {hostile}
      </p>,
    );
    expect(out).not.toContain('<script>');
    expect(out).toBe(
      '<p title="&lt;script>alert(&quot;x&quot;)&lt;/script>&amp;\'" data-x="&quot; onclick=&quot;y">&lt;script>alert(&quot;x&quot;)&lt;/script>&amp;\'</p>',
    );
  });

  test('a page has its doctype, its language, the switch to the other language and the escaped title', () => {
    const t = translator('zh');
    const out = page(hostile, <h1>{hostile}</h1>, undefined, { language: 'zh', t, url: '/x?y=1' });
    expect(out.startsWith('<!doctype html>\n<html lang="zh">')).toBe(true);
    expect(out).toContain("<title>&lt;script>alert(&quot;x&quot;)&lt;/script>&amp;'</title>");
    expect(out).toContain('<a href="/x?y=1&amp;lang=en" lang="en" hreflang="en">English</a>');
    expect(out).toContain('<strong lang="zh" aria-current="true">中文</strong>');
    expect(out).not.toContain('<script>');
  });

  test('text in another script is marked with its language, text in the page’s is left as it is', () => {
    expect(renderMarkup(written('马蹄铁路 <b>', 'en'))).toBe('<span lang="zh">马蹄铁路 &lt;b></span>');
    expect(written('Mpiti road', 'en')).toBe('Mpiti road');
  });

  test('a message keeps markup values as elements and escapes the rest of its text', () => {
    const t = translator('en');
    const out = renderMarkup(
      message(t, 'owner.onBehalf.intro', { quarter: <strong>2026-Q4</strong>, owner: '<i>Ntate</i>' }),
    );
    expect(out).toContain('<strong>2026-Q4</strong>');
    expect(out).toContain('&lt;i>Ntate&lt;/i>');
  });
});
